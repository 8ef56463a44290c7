#!/bin/bash
# daemon_rekey_lab.sh — rekeys under continuous traffic, in the lab kernel
# (ESP), with two ikev2d (moon, sun; daemon_lib.sh) and a site-to-site
# tunnel (esp=aes128gcm16-x25519: a new Diffie-Hellman exchange with every
# CHILD rekey). alice pings bob every 50 ms for 10 s while
#   1. moon (the IKE SA's initiator) rekeys the CHILD SA (`ikectl rekey`),
#   2. sun (the responder) rekeys it,
#   3. moon rekeys the IKE SA (`ikectl rekey --ike`).
# Each round: no ping is lost; after a CHILD rekey both sides show one CHILD
# SA with new SPIs that pair up, the old SPIs leave both kernels, and the
# new SAs' in and out counters grow on both sides (`ikectl --json status`
# and `ip -s xfrm state`); after the IKE rekey both sides show one IKE SA
# with new SPIs and the same CHILD SA, still carrying the traffic. Then
# `ikectl down` and SIGTERM leave nothing in either kernel.
#
# Run by ctest in the lab (lab_daemon_rekey), or by hand from the host:
#   tests/lab/daemon_rekey_lab.sh [BUILD_DIR]   (default build-dev; boots the lab)
# Exit: 0 passed, 1 failed, 77 skipped (no lab kernel, no binaries, ASan build).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=${IKEV2D_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
build_dir=${IKEV2D_BUILD_DIR:-${1:-$source_dir/build-dev}}
case $build_dir in /*) ;; *) build_dir=$(pwd)/$build_dir ;; esac
source "$here/daemon_lib.sh"
find_binaries "$build_dir"
enter_lab "$here/daemon_rekey_lab.sh" "$build_dir"

started=$SECONDS
lab_setup rekey
topology_up
write_psk_secrets
conn=net
write_conf "$conn" tunnel aes128gcm16-x25519 psk
start_daemon moon
start_daemon sun
ctl moon up "$conn" >"$WORK/up.out" 2>&1 || fail "ikectl up: $(cat "$WORK/up.out")"
ok "tunnel up"

PING_COUNT=200
PING_INTERVAL=0.05

# start_ping: alice -> bob, PING_COUNT echo requests every PING_INTERVAL s.
start_ping() {
  ip netns exec "${NETNS[alice]}" ping -n -i $PING_INTERVAL -c $PING_COUNT -W 1 "$BOB" \
    >"$WORK/ping.out" 2>&1 &
  PING_PID=$!
  OTHER_PIDS+=("$PING_PID")
}

# finish_ping: waits for the ping; fails naming the lost sequence numbers.
finish_ping() {
  wait "$PING_PID"
  local code=$?
  local summary
  summary=$(grep 'packets transmitted' "$WORK/ping.out")
  if [[ $code -ne 0 ]] || ! grep -q ' 0% packet loss' <<<"$summary"; then
    local lost
    lost=$(awk -v count=$PING_COUNT '/icmp_seq=/ { split($0, a, "icmp_seq="); split(a[2], b, " ");
      seen[b[1]] = 1 } END { for (i = 1; i <= count; ++i) if (!(i in seen)) printf "%d ", i }' \
      "$WORK/ping.out")
    fail "the ping lost packets: $summary; missing icmp_seq: $lost"
  fi
  ok "ping during the rekey: $summary"
}

# sa_summary SIDE: "IKE_SAS CHILD_SAS STATE SPI_IN SPI_OUT" of SIDE's status
# (the counts over every IKE SA; the rest of the first CHILD SA).
sa_summary() {
  ctl "$1" --json status | jq -r -s 'map(select(.type == "ike_sa")) |
    "\(length) \(map(.children | length) | add // 0) \(.[0].children[0].state // "-")" +
    " \(.[0].children[0].spi_in // "-") \(.[0].children[0].spi_out // "-")"'
}

# one_child_paired: both sides show exactly one IKE SA with one INSTALLED
# CHILD SA, and the SPIs pair up; sets IN and OUT (moon's view, 0x...).
one_child_paired() {
  local m_ike m_child m_state m_in m_out s_ike s_child s_state s_in s_out
  read -r m_ike m_child m_state m_in m_out <<<"$(sa_summary moon)"
  read -r s_ike s_child s_state s_in s_out <<<"$(sa_summary sun)"
  [[ $m_ike == 1 && $m_child == 1 && $m_state == INSTALLED ]] || return 1
  [[ $s_ike == 1 && $s_child == 1 && $s_state == INSTALLED ]] || return 1
  IN=0x$m_in
  OUT=0x$m_out
  [[ $s_in == "$m_out" && $s_out == "$m_in" ]]
}

# kernel_has_only SIDE SPI...: the side's ESP SAs are exactly the SPIs.
kernel_has_only() {
  local side=$1
  shift
  local want have
  want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
  have=$(xfrm_states "$side" | awk '{ sub(/^spi=/, "", $1); print $1 }' | sort | tr '\n' ' ')
  [[ $want == "$have" ]]
}

# counters_grew IN OUT: the SAs' in and out packet counters are non-zero on
# both sides, in ikectl status and in the kernel.
counters_grew() {
  local in=$1 out=$2 side states spi
  for side in moon sun; do
    read_child "$side" "$conn" || fail "$side: no CHILD SA after the rekey"
    ((${CHILD[packets_in]:-0} > 0 && ${CHILD[packets_out]:-0} > 0 && ${CHILD[bytes_in]:-0} > 0 &&
      ${CHILD[bytes_out]:-0} > 0)) || fail "$side: status counters of the new SAs: $CHILD_JSON"
    states=$(xfrm_states "$side")
    for spi in "$in" "$out"; do
      [[ $(sa_get "$states" "$spi" packets) -gt 0 ]] ||
        fail "$side: SA $spi carried no packets after the rekey: $states"
    done
    say "  $side: status in ${CHILD[packets_in]} pkts, out ${CHILD[packets_out]} pkts;" \
      "kernel $in $(sa_get "$states" "$in" packets) pkts, $out $(sa_get "$states" "$out" packets) pkts"
  done
  ok "the new SAs carry the traffic both ways on both sides"
}

# child_rekey_round SIDE: a CHILD rekey started by SIDE under the ping.
child_rekey_round() {
  local side=$1
  heading "CHILD rekey started by $side under a ping every ${PING_INTERVAL}s"
  one_child_paired || fail "not one paired CHILD SA before the rekey"
  local old_in=$IN old_out=$OUT
  start_ping
  sleep 1.5
  local t0=$EPOCHREALTIME
  ctl "$side" rekey "$conn" >"$WORK/rekey.out" 2>&1 ||
    fail "ikectl rekey on $side: $(cat "$WORK/rekey.out")"
  wait_for 20 "one CHILD SA with new SPIs on both sides" \
    "one_child_paired && [[ \$IN != $old_in && \$OUT != $old_out ]]"
  one_child_paired
  local new_in=$IN new_out=$OUT
  local s
  for s in moon sun; do
    wait_for 20 "$s: the old SAs $old_in/$old_out leave the kernel" \
      "kernel_has_only $s $new_in $new_out"
  done
  say "  rekeyed: $old_in/$old_out -> $new_in/$new_out; seen complete (new SAs in both" \
    "statuses, old ones out of both kernels) $(awk -v a="$t0" -v b="$EPOCHREALTIME" \
      'BEGIN { printf "%.1f", b - a }') s after ikectl rekey"
  finish_ping
  counters_grew "$new_in" "$new_out"
}

child_rekey_round moon
child_rekey_round sun

heading "IKE rekey started by moon under a ping every ${PING_INTERVAL}s"
one_child_paired || fail "not one paired CHILD SA before the IKE rekey"
child_in=$IN
child_out=$OUT
old_ike=$(ike_sas moon | jq -r '.[0].spi_i + "/" + .[0].spi_r')
start_ping
sleep 1.5
t0=$EPOCHREALTIME
ctl moon rekey --ike "$conn" >"$WORK/rekey.out" 2>&1 ||
  fail "ikectl rekey --ike: $(cat "$WORK/rekey.out")"
for side in moon sun; do
  wait_for 20 "$side: one IKE SA with new SPIs" \
    "ike_sas $side | jq -e --arg old $old_ike 'length == 1 and .[0].state == \"ESTABLISHED\" and
      (.[0].spi_i + \"/\" + .[0].spi_r) != \$old'"
done
new_ike=$(ike_sas moon | jq -r '.[0].spi_i + "/" + .[0].spi_r')
say "  IKE SA $old_ike -> $new_ike, seen on both sides $(awk -v a="$t0" -v b="$EPOCHREALTIME" \
  'BEGIN { printf "%.1f", b - a }') s after ikectl rekey --ike"
one_child_paired || fail "the CHILD SA did not move to the new IKE SA"
[[ $IN == "$child_in" && $OUT == "$child_out" ]] ||
  fail "the IKE rekey changed the CHILD SA: $child_in/$child_out -> $IN/$OUT"
ok "the CHILD SA $IN/$OUT moved to the new IKE SA unchanged"
finish_ping

heading "ikectl down, SIGTERM"
ctl moon down "$conn" >/dev/null || fail "ikectl down failed"
wait_for 10 "no IKE SA on sun" '[[ $(ike_sas sun) == "[]" ]]'
for side in moon sun; do
  wait_for 5 "$side's kernel to be clean" "kernel_is_clean $side"
  stop_daemon "$side"
  assert_clean "$side" "SIGTERM"
done
ok "nothing left in either kernel"
heading "rekeys passed in $((SECONDS - started)) s"
