#!/bin/bash
# daemon_ciphers_lab.sh — two ikev2d (moon, sun; daemon_lib.sh) bring up
# CHILD SAs in tunnel and transport mode with each ESP algorithm of our
# defaults (AES-GCM-16 with 128- and 256-bit keys, ChaCha20-Poly1305,
# AES-CBC-256 + HMAC-SHA2-256-128), in the lab kernel (ESP). For each case:
# the conn is written on both sides and applied with `ikectl reload` (the
# daemons run throughout), `ikectl up` from moon, then
#   - status (`ikectl --json status`) on both sides: CHILD SA INSTALLED, the
#     mode and algorithm asked for, SPIs that pair up (moon's out = sun's in);
#   - the kernel (`ip -s xfrm state`) holds those SPIs with the expected
#     algorithm and key length, in the expected mode;
#   - a ping through the SAs (tunnel: alice -> bob across both gateways;
#     transport: moon -> sun) loses nothing, and the packet and byte
#     counters of both SAs (in and out) are non-zero on both sides, in
#     `ikectl --json status` and in `ip -s xfrm state`;
#   - `ikectl down` leaves no IKE SA and no SA or policy with the CHILD SA's
#     reqid on either side (nothing at all in these kernels).
#
# Run by ctest in the lab (lab_daemon_ciphers), or by hand from the host:
#   tests/lab/daemon_ciphers_lab.sh [BUILD_DIR]   (default build-dev; boots the lab)
# Exit: 0 passed, 1 failed, 77 skipped (no lab kernel, no binaries, ASan build).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=${IKEV2D_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
build_dir=${IKEV2D_BUILD_DIR:-${1:-$source_dir/build-dev}}
case $build_dir in /*) ;; *) build_dir=$(pwd)/$build_dir ;; esac
source "$here/daemon_lib.sh"
find_binaries "$build_dir"
enter_lab "$here/daemon_ciphers_lab.sh" "$build_dir"

started=$SECONDS
lab_setup ciphers
topology_up
write_psk_secrets

# name | mode | esp= | algorithm in ikectl status | algorithms in ip xfrm state
cases=(
  "tun-gcm128|tunnel|aes128gcm16|AES_GCM_16_128|rfc4106(gcm(aes))/160"
  "tun-chacha|tunnel|chacha20poly1305|CHACHA20_POLY1305|rfc7539esp(chacha20,poly1305)/288"
  "tun-cbc|tunnel|aes256-sha256|AES_CBC_256/HMAC_SHA2_256_128|hmac(sha256)/256,cbc(aes)/256"
  "tra-gcm256|transport|aes256gcm16|AES_GCM_16_256|rfc4106(gcm(aes))/288"
  "tra-chacha|transport|chacha20poly1305|CHACHA20_POLY1305|rfc7539esp(chacha20,poly1305)/288"
  "tra-cbc|transport|aes256-sha256|AES_CBC_256/HMAC_SHA2_256_128|hmac(sha256)/256,cbc(aes)/256"
)

# The daemons start with the first case's conn; later ones come by reload.
IFS='|' read -r first_name first_mode first_esp _ _ <<<"${cases[0]}"
write_conf "$first_name" "$first_mode" "$first_esp" psk
start_daemon moon
start_daemon sun

# check_case NAME MODE ESP STATUS_ALG KERNEL_ALGS
check_case() {
  local name=$1 mode=$2 esp=$3 status_alg=$4 kernel_algs=$5
  local case_started=$SECONDS
  heading "$name: $mode mode, esp=$esp"
  write_conf "$name" "$mode" "$esp" psk
  local side
  for side in moon sun; do
    ctl "$side" reload >/dev/null || fail "$side: ikectl reload for $name failed"
  done
  ctl moon up "$name" >"$WORK/up.out" 2>&1 || fail "ikectl up $name: $(cat "$WORK/up.out")"
  ok "ikectl up $name"

  local -A moon sun
  local key
  read_child moon "$name" || fail "moon: no CHILD SA of $name in status"
  for key in "${!CHILD[@]}"; do moon[$key]=${CHILD[$key]}; done
  local moon_json=$CHILD_JSON
  read_child sun "$name" || fail "sun: no CHILD SA of $name in status"
  for key in "${!CHILD[@]}"; do sun[$key]=${CHILD[$key]}; done
  local sun_json=$CHILD_JSON
  [[ ${moon[state]} == INSTALLED && ${moon[mode]} == "$mode" &&
    ${moon[algorithms]} == "$status_alg/"* ]] || fail "moon: CHILD SA is not as asked for: $moon_json"
  [[ ${sun[state]} == INSTALLED && ${sun[mode]} == "$mode" &&
    ${sun[algorithms]} == "$status_alg/"* ]] || fail "sun: CHILD SA is not as asked for: $sun_json"
  local out=0x${moon[spi_out]} in=0x${moon[spi_in]}
  local reqid_moon=${moon[reqid]} reqid_sun=${sun[reqid]}
  [[ 0x${sun[spi_in]} == "$out" && 0x${sun[spi_out]} == "$in" ]] ||
    fail "SPIs do not pair up: moon $moon_json, sun $sun_json"
  ok "status: INSTALLED, $mode, ${moon[algorithms]}, SPIs $out/$in"

  local spi states
  for side in moon sun; do
    states=$(xfrm_states "$side")
    for spi in "$out" "$in"; do
      [[ $(sa_get "$states" "$spi" mode) == "$mode" ]] ||
        fail "$side: SA $spi not in the kernel in $mode mode: $states"
      [[ $(sa_get "$states" "$spi" algs) == "$kernel_algs" ]] ||
        fail "$side: SA $spi has $(sa_get "$states" "$spi" algs), expected $kernel_algs"
    done
  done
  ok "kernel: both SAs on both sides, $kernel_algs"

  local summary
  if [[ $mode == tunnel ]]; then
    summary=$(ping_from alice "$BOB" 5 0.1) || fail "ping alice -> bob: $summary"
  else
    summary=$(ping_from moon "$SUN_WAN" 5 0.1) || fail "ping moon -> sun: $summary"
  fi
  ok "ping: $(head -n 1 <<<"$summary")"

  for side in moon sun; do
    read_child "$side" "$name" || fail "$side: no CHILD SA of $name in status after the ping"
    ((${CHILD[packets_in]:-0} >= 5 && ${CHILD[packets_out]:-0} >= 5 &&
      ${CHILD[bytes_in]:-0} > 0 && ${CHILD[bytes_out]:-0} > 0)) ||
      fail "$side: ikectl status counters: $CHILD_JSON"
    states=$(xfrm_states "$side")
    for spi in "$out" "$in"; do
      local packets bytes
      packets=$(sa_get "$states" "$spi" packets)
      bytes=$(sa_get "$states" "$spi" bytes)
      [[ ${packets:-0} -ge 5 && ${bytes:-0} -gt 0 ]] ||
        fail "$side: SA $spi counted $packets packets, $bytes bytes"
    done
    say "  $side: status in ${CHILD[packets_in]} pkts/${CHILD[bytes_in]} B," \
      "out ${CHILD[packets_out]} pkts/${CHILD[bytes_out]} B; kernel $out" \
      "$(sa_get "$states" "$out" packets) pkts, $in $(sa_get "$states" "$in" packets) pkts"
  done
  ok "counters non-zero on both SAs, both sides (ikectl status and ip -s xfrm state)"

  ctl moon down "$name" >/dev/null || fail "ikectl down $name failed"
  wait_for 10 "no IKE SA on sun after down" '[[ $(ike_sas sun) == "[]" ]]'
  [[ $(ike_sas moon) == "[]" ]] || fail "moon: IKE SA after down: $(ike_sas moon)"
  local reqid
  for side in moon sun; do
    reqid=$([[ $side == moon ]] && echo "$reqid_moon" || echo "$reqid_sun")
    wait_for 5 "$side: reqid $reqid gone" "[[ -z \$(mentions_reqids $side $reqid) ]]"
    assert_clean "$side" "ikectl down $name"
  done
  ok "ikectl down: no IKE SA, no SA or policy of reqid $reqid_moon (moon) / $reqid_sun (sun) left ($((SECONDS - case_started)) s)"
}

for entry in "${cases[@]}"; do
  IFS='|' read -r name mode esp status_alg kernel_algs <<<"$entry"
  check_case "$name" "$mode" "$esp" "$status_alg" "$kernel_algs"
done

heading "shutdown"
for side in moon sun; do
  stop_daemon "$side"
  assert_clean "$side" "SIGTERM"
done
ok "both daemons exited 0 on SIGTERM"
heading "all ${#cases[@]} cases passed in $((SECONDS - started)) s"
