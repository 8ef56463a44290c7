#!/bin/bash
# esp-smoke.sh — proves the lab kernel does the ESP that ikev2d will install:
# two network namespaces joined by veth, hand-keyed SAs (no IKE), traffic
# across, and every SA's counters checked. Run from the repo root:
#
#   tests/lab/lab-run bash tests/lab/esp-smoke.sh
#
# 1. IPv4 tunnel mode, AES-GCM-16-256 from a to b and ChaCha20-Poly1305 back:
#    a UDP datagram to a closed port of b is decrypted there (b counts it as
#    UdpNoPorts) and b's ICMP port-unreachable comes back through the other
#    SA (a counts IcmpInDestUnreachs). So both directions decrypt.
# 2. IPv6 transport mode, AES-CBC-256 + HMAC-SHA2-256-128, UDP only (a
#    policy on all protocols would also catch neighbour discovery).
#
# Only bash and iproute2 are used (bash's /dev/udp sends the datagrams), so it
# runs wherever lab-run does. Exits non-zero with the reason on the first
# check that fails. Not for the host kernel: it has no ESP.
set -euo pipefail

fail() {
  echo "esp-smoke: FAIL: $*" >&2
  exit 1
}
pass() { echo "esp-smoke: ok: $*"; }

# The packet count of one SA, as `ip -s xfrm state get` prints it
# ("  17(bytes), 1(packets)" under "lifetime current:").
sa_packets() {
  local ns=$1 src=$2 dst=$3 spi=$4
  ip -n "$ns" -s xfrm state get src "$src" dst "$dst" proto esp spi "$spi" |
    sed -n 's/.*(bytes), *\([0-9]*\)(packets).*/\1/p' | head -n 1
}

# A counter of the namespace's /proc/net/snmp ("Udp" "NoPorts") or
# /proc/net/snmp6 ("Udp6NoPorts").
snmp() {
  local ns=$1 group=$2 name=$3
  ip netns exec "$ns" awk -v g="$group:" -v n="$name" '
    $1 == g && !header { for (i = 2; i <= NF; i++) col[$i] = i; header = 1; next }
    $1 == g && header  { print $col[n]; exit }' /proc/net/snmp
}
snmp6() {
  ip netns exec "$1" awk -v n="$2" '$1 == n { print $2 }' /proc/net/snmp6
}

expect_at_least() {
  local what=$1 value=$2 minimum=$3
  [ -n "$value" ] || fail "$what: no value"
  [ "$value" -ge "$minimum" ] || fail "$what is $value, expected at least $minimum"
  pass "$what = $value"
}

ip netns add a
ip netns add b
ip link add va type veth peer name vb
ip link set va netns a
ip link set vb netns b
ip -n a addr add 10.9.0.1/24 dev va
ip -n b addr add 10.9.0.2/24 dev vb
ip -n a addr add fd00:9::1/64 dev va nodad
ip -n b addr add fd00:9::2/64 dev vb nodad
for ns in a b; do
  ip -n $ns link set lo up
done
ip -n a link set va up
ip -n b link set vb up

# --- 1. IPv4 tunnel, AES-GCM-256 one way, ChaCha20-Poly1305 the other -------
# AEAD keys include the 4-byte salt: 32 + 4 bytes for both.
aead_key=0x0102030405060708091011121314151617181920212223242526272829303132deadbeef
for ns in a b; do
  ip -n $ns xfrm state add src 10.9.0.1 dst 10.9.0.2 proto esp spi 0x1001 reqid 1 \
    mode tunnel aead 'rfc4106(gcm(aes))' $aead_key 128
  ip -n $ns xfrm state add src 10.9.0.2 dst 10.9.0.1 proto esp spi 0x1002 reqid 1 \
    mode tunnel aead 'rfc7539esp(chacha20,poly1305)' $aead_key 128
done
tunnel_policy() {
  local ns=$1 src=$2 dst=$3 dir=$4
  ip -n "$ns" xfrm policy add src "$src" dst "$dst" dir "$dir" \
    tmpl src "$src" dst "$dst" proto esp reqid 1 mode tunnel
}
tunnel_policy a 10.9.0.1 10.9.0.2 out
tunnel_policy a 10.9.0.2 10.9.0.1 in
tunnel_policy b 10.9.0.2 10.9.0.1 out
tunnel_policy b 10.9.0.1 10.9.0.2 in

ip netns exec a bash -c 'echo hello-through-esp >/dev/udp/10.9.0.2/9'
sleep 1
expect_at_least "a: AES-GCM SA a->b packets" "$(sa_packets a 10.9.0.1 10.9.0.2 0x1001)" 1
expect_at_least "b: AES-GCM SA a->b packets" "$(sa_packets b 10.9.0.1 10.9.0.2 0x1001)" 1
expect_at_least "b: UDP datagrams delivered to a closed port" "$(snmp b Udp NoPorts)" 1
expect_at_least "b: ChaCha20 SA b->a packets" "$(sa_packets b 10.9.0.2 10.9.0.1 0x1002)" 1
expect_at_least "a: ChaCha20 SA b->a packets" "$(sa_packets a 10.9.0.2 10.9.0.1 0x1002)" 1
expect_at_least "a: ICMP unreachable received" "$(snmp a Icmp InDestUnreachs)" 1

# --- 2. IPv6 transport, AES-CBC-256 + HMAC-SHA2-256-128, UDP only ---------
cbc_key=0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
hmac_key=0x202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
for ns in a b; do
  ip -n $ns xfrm state add src fd00:9::1 dst fd00:9::2 proto esp spi 0x2001 reqid 2 \
    mode transport enc 'cbc(aes)' $cbc_key auth-trunc 'hmac(sha256)' $hmac_key 128
done
ip -n a xfrm policy add src fd00:9::1 dst fd00:9::2 proto udp dir out \
  tmpl proto esp reqid 2 mode transport
ip -n b xfrm policy add src fd00:9::1 dst fd00:9::2 proto udp dir in \
  tmpl proto esp reqid 2 mode transport

ip netns exec a bash -c 'echo hello-through-esp6 >/dev/udp/fd00:9::2/9'
sleep 1
expect_at_least "a: IPv6 transport SA packets out" "$(sa_packets a fd00:9::1 fd00:9::2 0x2001)" 1
expect_at_least "b: IPv6 transport SA packets in" "$(sa_packets b fd00:9::1 fd00:9::2 0x2001)" 1
expect_at_least "b: UDP6 datagrams delivered to a closed port" "$(snmp6 b Udp6NoPorts)" 1

echo "esp-smoke: all checks passed"
