#!/bin/bash
# daemon_cleanup_lab.sh — however ikev2d stops, nothing of ours stays in the
# kernel. In the lab kernel (ESP), two ikev2d (moon, sun; daemon_lib.sh) with
# a site-to-site tunnel that carries a ping each time, then:
#   1. `ikectl down`: no IKE SA left, and on both sides no SA or policy with
#      the CHILD SA's reqid (nothing at all in these kernels);
#   2. SIGTERM to moon with the tunnel up: moon exits 0, its kernel is clean
#      and its ownership ledger (RUNTIME_DIR/xfrm-owned) empty; sun got the
#      Delete and is clean too; SIGTERM to sun: exits 0, clean;
#   3. SIGKILL to moon with the tunnel up: its SAs and policies stay behind
#      (checked: 2 SAs and the in/out/fwd policies with the reqid, which the
#      ledger lists); moon started again with the same --runtime-dir removes
#      exactly them before anything else (checked in the kernel and in its
#      log); moon brings the tunnel up again with sun, which still holds the
#      IKE SA of before the kill, and the ping passes; `ikectl down` on both
#      sides then clears the new and the stale IKE SA;
#   4. the same for sun (the responder): SIGKILL, leftovers, restart removes
#      them; moon's stale IKE SA goes with `ikectl down` (the restarted sun
#      answers its Delete with INVALID_IKE_SPI), and the tunnel comes back;
#   5. SIGTERM to both leaves both kernels clean.
#
# Run by ctest in the lab (lab_daemon_cleanup), or by hand from the host:
#   tests/lab/daemon_cleanup_lab.sh [BUILD_DIR]   (default build-dev; boots the lab)
# Exit: 0 passed, 1 failed, 77 skipped (no lab kernel, no binaries, ASan build).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=${IKEV2D_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
build_dir=${IKEV2D_BUILD_DIR:-${1:-$source_dir/build-dev}}
case $build_dir in /*) ;; *) build_dir=$(pwd)/$build_dir ;; esac
source "$here/daemon_lib.sh"
find_binaries "$build_dir"
enter_lab "$here/daemon_cleanup_lab.sh" "$build_dir"

started=$SECONDS
lab_setup cleanup
topology_up
write_psk_secrets
conn=net
write_conf "$conn" tunnel aes256gcm16 psk
start_daemon moon
start_daemon sun

ledger_of() { echo "$WORK/$1/run/xfrm-owned"; }

# tunnel_up: ikectl up from moon, a ping through the tunnel; sets REQID_MOON
# and REQID_SUN.
tunnel_up() {
  ctl moon up "$conn" >"$WORK/up.out" 2>&1 || fail "ikectl up: $(cat "$WORK/up.out")"
  local summary
  summary=$(ping_from alice "$BOB" 3 0.1) || fail "ping alice -> bob: $summary"
  REQID_MOON=$(child_of moon "$conn" | jq -r .reqid)
  REQID_SUN=$(child_of sun "$conn" | jq -r .reqid)
  ok "tunnel up (reqid $REQID_MOON on moon, $REQID_SUN on sun), ping: $(head -n 1 <<<"$summary")"
}

# our_count SIDE REQID: the SAs and policies with REQID in SIDE's kernel.
our_count() { mentions_reqids "$1" "$2" | grep -c .; }

heading "1. ikectl down"
tunnel_up
ctl moon down "$conn" >/dev/null || fail "ikectl down failed"
wait_for 10 "no IKE SA on sun" '[[ $(ike_sas sun) == "[]" ]]'
[[ $(ike_sas moon) == "[]" ]] || fail "moon: IKE SA after down: $(ike_sas moon)"
for side in moon sun; do
  wait_for 5 "$side's kernel to be clean" "kernel_is_clean $side"
done
ok "no IKE SA, no SA or policy of reqid $REQID_MOON/$REQID_SUN left on either side"

heading "2. SIGTERM with the tunnel up"
tunnel_up
say "  moon before: $(our_count moon "$REQID_MOON") SAs and policies of reqid $REQID_MOON"
stop_daemon moon
assert_clean moon "SIGTERM"
[[ ! -s $(ledger_of moon) ]] || fail "moon: ownership ledger not emptied: $(cat "$(ledger_of moon)")"
grep -q "removed every SA and policy of ours" "$WORK/moon/ikev2d.log" ||
  fail "moon did not log its clean-up"
ok "moon exited 0; kernel clean, ledger empty"
wait_for 10 "sun saw moon's Delete" '[[ $(ike_sas sun) == "[]" ]]'
wait_for 5 "sun's kernel to be clean" "kernel_is_clean sun"
ok "sun removed its half after moon's Delete"
stop_daemon sun
assert_clean sun "SIGTERM"
ok "sun exited 0; kernel clean"

# kill_and_restart SIDE: SIGKILL with the tunnel up, leftovers checked,
# restart, leftovers gone, tunnel back.
kill_and_restart() {
  local side=$1 peer
  peer=$(peer_of "$side")
  tunnel_up
  local reqid
  reqid=$([[ $side == moon ]] && echo "$REQID_MOON" || echo "$REQID_SUN")
  local before
  before=$(mentions_reqids "$side" "$reqid")
  kill_daemon "$side"
  say "  $side killed (SIGKILL); what it left in the kernel:"
  mentions_reqids "$side" "$reqid" | sed 's/^/    /'
  # What was there before the kill is still there: two SAs, three policies.
  [[ $(mentions_reqids "$side" "$reqid") == "$before" ]] ||
    fail "$side: the kernel changed at the kill"
  [[ $(grep -c '^spi=' <<<"$before") -eq 2 && $(grep -c '^sel=' <<<"$before") -eq 3 ]] ||
    fail "$side: expected 2 SAs and 3 policies of reqid $reqid before the restart: $before"
  grep -qx "$reqid" "$(ledger_of "$side")" ||
    fail "$side: the ledger does not list reqid $reqid: $(cat "$(ledger_of "$side")")"
  ok "$side: 2 SAs and 3 policies of reqid $reqid left behind, listed in the ledger"

  local log_lines
  log_lines=$(wc -l <"$WORK/$side/ikev2d.log")
  start_daemon "$side"
  [[ -z $(mentions_reqids "$side" "$reqid") ]] ||
    fail "$side: leftovers after the restart: $(mentions_reqids "$side" "$reqid")"
  assert_clean "$side" "the restart"
  tail -n +"$((log_lines + 1))" "$WORK/$side/ikev2d.log" |
    grep -q "remove_owned: removed 3 policies and 2 SAs" ||
    fail "$side: the restarted daemon did not report removing 3 policies and 2 SAs"
  ok "$side restarted on the same runtime directory: $(tail -n +"$((log_lines + 1))" \
    "$WORK/$side/ikev2d.log" | grep -o 'remove_owned: removed [^;]*' | head -n 1)"

  # The peer still holds the IKE SA and CHILD SA of before the kill, which
  # it thinks are up: ikev2d neither sends nor honours INITIAL_CONTACT (RFC
  # 7296 2.4), so nothing tells the peer they are gone.
  local t0 s
  if [[ $side == moon ]]; then
    # The restarted initiator negotiates anew; sun's new CHILD SA shares the
    # stale one's reqid and policies, so the tunnel works at once.
    tunnel_up
    say "  sun holds $(ike_sas sun | jq length) IKE SAs now (the new one, and the stale one" \
      "of before the kill: no INITIAL_CONTACT)"
    # Clear both: moon deletes its own; sun's Delete of the stale one gets
    # INVALID_IKE_SPI from the restarted moon, which ends it at once.
    ctl moon down "$conn" >/dev/null || fail "moon: ikectl down failed"
    t0=$EPOCHREALTIME
    if [[ $(ike_sas sun) != "[]" ]]; then
      ctl sun down "$conn" >/dev/null || fail "sun: ikectl down of the stale IKE SA failed"
    fi
  else
    # moon's IKE SA and CHILD SA are stale (`ikectl up` would say "already
    # up"); its Delete gets INVALID_IKE_SPI from the restarted sun, which
    # ends it at once.
    t0=$EPOCHREALTIME
    ctl moon down "$conn" >/dev/null || fail "moon: ikectl down of the stale IKE SA failed"
  fi
  for s in moon sun; do
    wait_for 10 "$s: no IKE SA left" "[[ \$(ike_sas $s) == '[]' ]]"
    wait_for 5 "$s's kernel to be clean" "kernel_is_clean $s"
  done
  ok "stale IKE SA on $peer cleared by ikectl down in $(awk -v a="$t0" -v b="$EPOCHREALTIME" \
    'BEGIN { printf "%.1f", b - a }') s; both kernels clean"
  tunnel_up
  ok "tunnel up again after $side's restart"
}

heading "3. SIGKILL and restart of moon (initiator)"
start_daemon moon
start_daemon sun
kill_and_restart moon

heading "4. SIGKILL and restart of sun (responder)"
ctl moon down "$conn" >/dev/null || fail "ikectl down failed"
wait_for 10 "no IKE SA on sun" '[[ $(ike_sas sun) == "[]" ]]'
kill_and_restart sun

heading "5. SIGTERM both"
for side in moon sun; do
  stop_daemon "$side"
  assert_clean "$side" "SIGTERM"
done
ok "both daemons exited 0, both kernels clean"
heading "clean-up checks passed in $((SECONDS - started)) s"
