#!/bin/bash
# demo_lab.sh — the demo behind the README's first command (scripts/demo.sh):
# a site-to-site tunnel between two ikev2d in network namespaces.
#
#   alice ─────── moon ═══════ IKEv2 + ESP ═══════ sun ─────── bob
#   10.1.1.10  10.1.1.1 | 10.1.0.1        10.1.0.2 | 10.1.2.1  10.1.2.10
#
# A CA and the gateways' certificates are made with openssl; each gateway
# gets its ipsec.conf, ipsec.secrets and ipsec.d in a temporary directory and
# runs its own ikev2d (own --runtime-dir and --socket). moon brings the
# tunnel up with `ikectl up net-net`; `ikectl status` on both sides shows the
# IKE SA and the CHILD SA; alice pings bob through the tunnel and the ESP
# counters of both SAs grow on both gateways (`ikectl status` and
# `ip -s xfrm state`); `ikectl down` and SIGTERM leave nothing in the kernel.
# Every step checks what it shows; the script exits non-zero on the first
# failure and cleans up (daemons by PID, namespaces by name) whatever
# happens.
#
# Runs on any kernel with ESP, as root:
#   - by scripts/demo.sh (which runs it inside tests/lab/lab-run when the host
#     kernel has no ESP, as on our machines);
#   - by ctest in the lab kernel (test lab_demo, label lab);
#   - by hand: bash tests/lab/demo_lab.sh [BUILD_DIR] (default build), which
#     boots the lab itself when this kernel has no ESP.
#   env: NS_PREFIX  prefix of the namespace names (default none: moon, sun,
#                   alice, bob); KEEP_WORK=1 keeps the temporary directory.
# Exit status: 0 when every check passed, 77 (skip) without the binaries or
# the lab, 1 on a failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=${IKEV2D_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
build_dir=${IKEV2D_BUILD_DIR:-${1:-$source_dir/build}}
case $build_dir in /*) ;; *) build_dir=$(pwd)/$build_dir ;; esac
source "$here/daemon_lib.sh"
find_binaries "$build_dir"

enter_lab "$here/demo_lab.sh" "$build_dir"

started=$SECONDS
lab_setup demo
conn=net-net

heading "1. Topology: four network namespaces"
cat <<'PICTURE'
  alice ─────── moon ═══════ IKEv2 + ESP ═══════ sun ─────── bob
  10.1.1.10  10.1.1.1 | 10.1.0.1        10.1.0.2 | 10.1.2.1  10.1.2.10
PICTURE
topology_up
say "namespaces: ${NETNS[moon]} ${NETNS[sun]} ${NETNS[alice]} ${NETNS[bob]}"
say "kernel: $(uname -sr)$(in_lab_kernel && echo ' (user-mode Linux lab)')"

heading "2. Certificates, made now with openssl"
make_pki
for side in moon sun; do
  say "$side: $(openssl x509 -in "$WORK/$side/ipsec.d/certs/$side.pem" -noout -subject \
    -nameopt oneline), issued by the demo CA"
done

heading "3. Configuration (moon's ipsec.conf; sun's mirrors it)"
write_conf "$conn" tunnel aes256gcm16 pubkey
sed 's/^/  /' "$WORK/moon/ipsec.conf"
say "files of each gateway under $WORK/{moon,sun}: ipsec.conf ipsec.secrets ipsec.d/"

heading "4. Start one ikev2d per gateway"
for side in moon sun; do
  start_daemon "$side"
  say "$side: ikev2d pid ${DAEMON_PID[$side]}, control socket $(socket_of "$side")"
done

heading "5. moon: ikectl up $conn"
printf '$ ikectl up %s\n' "$conn"
up_started=$SECONDS
ctl moon up "$conn" || fail "ikectl up $conn failed"
say "(up in $((SECONDS - up_started)) s)"

heading "6. ikectl status on both gateways"
for side in moon sun; do
  say "--- $side"
  ctl "$side" status || fail "$side: ikectl status failed"
done
moon_child=$(child_of moon "$conn")
sun_child=$(child_of sun "$conn")
for side in moon sun; do
  child=$([[ $side == moon ]] && echo "$moon_child" || echo "$sun_child")
  jq -e '.state == "INSTALLED" and .mode == "tunnel"' <<<"$child" >/dev/null ||
    fail "$side: no installed tunnel-mode CHILD SA in status: $child"
done
moon_out=$(jq -r .spi_out <<<"$moon_child")
moon_in=$(jq -r .spi_in <<<"$moon_child")
[[ $(jq -r .spi_in <<<"$sun_child") == "$moon_out" && $(jq -r .spi_out <<<"$sun_child") == \
  "$moon_in" ]] || fail "moon's and sun's SPIs do not pair up: $moon_child / $sun_child"
for side in moon sun; do
  states=$(xfrm_states "$side")
  for spi in "$moon_out" "$moon_in"; do
    [[ -n $(sa_get "$states" "0x$spi" mode) ]] || fail "$side: SA 0x$spi is not in the kernel"
  done
done
ok "IKE SA ESTABLISHED and CHILD SA INSTALLED on both; SPIs $moon_out (moon->sun) and $moon_in (sun->moon) are in both kernels"

heading "7. alice pings bob through the tunnel"
printf '$ ip netns exec %s ping -c 5 %s\n' "${NETNS[alice]}" "$BOB"
ping_from alice "$BOB" 5 || fail "ping from alice to bob lost packets"
ok "5 of 5 answered"

heading "8. ESP counters"
for side in moon sun; do
  say "--- $side: ikectl status $conn"
  ctl "$side" status "$conn" || fail "$side: ikectl status failed"
done
for side in moon sun; do
  child=$(child_of "$side" "$conn")
  jq -e '.packets_in >= 5 and .packets_out >= 5 and .bytes_in > 0 and .bytes_out > 0' \
    <<<"$child" >/dev/null || fail "$side: counters in ikectl status are not all non-zero: $child"
done
say "--- ip -s xfrm state (ESP SAs: SPI, direction, counters)"
for side in moon sun; do
  states=$(xfrm_states "$side")
  for spi in "$moon_out" "$moon_in"; do
    packets=$(sa_get "$states" "0x$spi" packets)
    bytes=$(sa_get "$states" "0x$spi" bytes)
    direction=$([[ $spi == "$moon_out" ]] && echo "moon->sun" || echo "sun->moon")
    printf '  %-4s SA 0x%s %-9s %4s packets %6s bytes  %s\n' "$side" "$spi" "$direction" \
      "$packets" "$bytes" "$(sa_get "$states" "0x$spi" algs)"
    [[ ${packets:-0} -ge 5 && ${bytes:-0} -gt 0 ]] ||
      fail "$side: SA 0x$spi counted $packets packets"
  done
done
ok "every SA on both gateways carried the pings (in and out)"

heading "9. moon: ikectl down $conn"
printf '$ ikectl down %s\n' "$conn"
ctl moon down "$conn" || fail "ikectl down failed"
wait_for 10 "no IKE SA on sun" '[[ $(ike_sas sun) == "[]" ]]'
for side in moon sun; do
  [[ $(ike_sas "$side") == "[]" ]] || fail "$side still shows an IKE SA: $(ike_sas "$side")"
  wait_for 5 "$side's kernel to be clean" "kernel_is_clean $side"
done
ok "no IKE SA, no ESP SA, no policy left on either gateway"

heading "10. Shutdown (SIGTERM)"
for side in moon sun; do
  stop_daemon "$side"
  assert_clean "$side" "SIGTERM"
  [[ ! -e $(socket_of "$side") ]] || fail "$side: control socket left behind"
  say "$side: ikev2d exited with status 0; $(grep -c . "$WORK/$side/ikev2d.log") log lines"
done
ok "both daemons stopped cleanly"

heading "demo passed in $((SECONDS - started)) s"
