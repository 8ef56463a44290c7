#!/bin/bash
# IKE fragmentation (RFC 7383) between ikev2d (west) and charon (east):
# IKE_AUTH messages carrying an RSA-4096 end entity certificate, its
# RSA-4096 intermediate CA and an RSA-4096 signature (about 3.5 kB each way)
# under a root CA both trust; each side sends its own intermediate, so each
# verifies a chain received in CERT payloads.
#   frag (1):       fragmentation on both sides (both default to 1280-byte
#                   datagrams); ikectl up and swanctl --initiate. IKE_AUTH
#                   request and response travel as SKF fragments of at most
#                   1280 bytes and the kernel fragments nothing.
#   nofrag (2):     fragmentation=no at ikev2d: neither side sends SKF, the
#                   large messages leave as IP fragments and still work.
#   swannofrag (7): fragmentation=no at charon: the same, and ikev2d as
#                   responder does not announce support (RFC 7383 2.3).
#   fragaccept (8): fragmentation=accept at ikev2d: charon's IKE_AUTH comes
#                   as SKF fragments, ikev2d's goes whole (IP fragments).
#   frag6 (6):      frag over IPv6 (40-byte header, no IPv6 fragments).
#   fraglost (5):   ikev2d's first IKE_AUTH fragments are lost, as initiator
#                   (it retransmits them all) and as responder (charon
#                   retransmits; ikev2d resends its answer once each time).
#   frag1280 (3), nofrag1280 (4): frag and nofrag at a veth MTU of 1280.
# Proof that fragmentation happened: charon's log ("splitting IKE message",
# "received fragment #k of N"), ikev2d's log (debug: "split into N SKF
# fragments", "reassembled ... from N SKF fragments"), a capture on the veth
# (dumpcap/tshark: SKF payloads with Fragment Number/Total Fragments, IP
# fragments, packet sizes), and the namespaces' FragCreates counters.
# Under has_esp the CHILD SAs install and a ping crosses each tunnel.
source "$(dirname "$0")/lib.sh"
interop_setup frag

RSA_BITS=4096

log "making RSA-$RSA_BITS certificates"
# The five keys at once (RSA-4096 generation is most of the setup time in
# the lab kernel), then the certificates with lib.sh's pki_ca/pki_cert
# options on those keys.
mkdir -p "$WORK/pki"
for name in frag-root frag-west-ica frag-east-ica frag-west frag-east; do
  pki --gen --type rsa --size $RSA_BITS --outform pem >"$WORK/pki/$name.key" 2>/dev/null &
done
wait
for name in frag-root frag-west-ica frag-east-ica frag-west frag-east; do
  [[ -s $WORK/pki/$name.key ]] || fail "pki --gen $name"
done
pki --self --ca --lifetime 30 --in "$WORK/pki/frag-root.key" --type rsa \
  --dn "C=CH, O=ikev2d interop, CN=frag root CA" --outform pem >"$WORK/pki/frag-root.pem" ||
  fail "pki --self frag-root"
# issue NAME ISSUER DN [SAN] [pki --issue options...]
issue() {
  local name=$1 issuer=$2 dn=$3 san=$4
  shift 4
  pki --issue --lifetime 30 --cacert "$WORK/pki/$issuer.pem" --cakey "$WORK/pki/$issuer.key" \
    --type priv --in "$WORK/pki/$name.key" --dn "$dn" ${san:+--san "$san"} "$@" \
    --crl "http://crl.invalid/$issuer.crl" --outform pem >"$WORK/pki/$name.pem" ||
    fail "pki --issue $name"
}
issue frag-west-ica frag-root "C=CH, O=ikev2d interop, CN=frag west intermediate" "" --ca
issue frag-east-ica frag-root "C=CH, O=ikev2d interop, CN=frag east intermediate" "" --ca
issue frag-west frag-west-ica "C=CH, O=ikev2d interop, CN=west.example" west.example
issue frag-east frag-east-ica "C=CH, O=ikev2d interop, CN=east.example" east.example
# ikev2d sends the intermediate it finds in ipsec.d/cacerts above its
# certificate; charon sends the one it holds (untrusted) in swanctl/x509.
: >"$WORK/west/ipsec.secrets"
ikev2d_ca frag-root
ikev2d_ca frag-west-ica
ikev2d_credential frag-west
charon_ca frag-root
cp "$WORK/pki/frag-east-ica.pem" "$CHARON_DIR/swanctl/x509/"
charon_credential frag-east

# add_case NAME N FRAGMENTATION CHARON_FRAGMENTATION [6]: ikev2d's and
# charon's side of a case (fragmentation= in ipsec.conf and swanctl.conf);
# hosts 10.21.N.1 (west) and 10.22.N.1 (east) behind the gateways. With 6:
# the gateways talk over the veth's IPv6 addresses, the hosts are
# fd00:21:N::1 and fd00:22:N::1 (one such case: the addresses are not per
# case).
: >"$WORK/west/ipsec.conf"
SWANCTL_CONNECTIONS=""
declare -A HOST_W=() HOST_E=() GW_W=() GW_E=()
add_case() {
  local name=$1 n=$2 fragmentation=$3 charon_fragmentation=$4 family=${5:-4}
  local net_w net_e via_w via_e
  if [[ $family == 6 ]]; then
    CASE_WEST=$WEST_ADDRESS6 CASE_EAST=$EAST_ADDRESS6
    net_w=fd00:21:$n::/64 net_e=fd00:22:$n::/64
    HOST_W[$name]=fd00:21:$n::1 HOST_E[$name]=fd00:22:$n::1
    via_w=$EAST_ADDRESS6 via_e=$WEST_ADDRESS6
  else
    case_addresses "$n"
    net_w=10.21.$n.0/24 net_e=10.22.$n.0/24
    HOST_W[$name]=10.21.$n.1 HOST_E[$name]=10.22.$n.1
    via_w=$EAST_ADDRESS via_e=$WEST_ADDRESS
  fi
  GW_W[$name]=$CASE_WEST GW_E[$name]=$CASE_EAST
  cat >>"$WORK/west/ipsec.conf" <<CONF
conn $name
    left=$CASE_WEST
    right=$CASE_EAST
    leftid=@west.example
    rightid=@east.example
    leftcert=frag-west.pem
    leftsubnet=$net_w
    rightsubnet=$net_e
    fragmentation=$fragmentation
    auto=add

CONF
  SWANCTL_CONNECTIONS+="
  $name {
    local_addrs = $CASE_EAST
    remote_addrs = $CASE_WEST
    fragmentation = $charon_fragmentation
    local { auth = pubkey
            certs = frag-east.pem
            id = east.example }
    remote { auth = pubkey
             id = west.example }
    children { net { local_ts = $net_e
                     remote_ts = $net_w } }
  }"
  ip -n "$NS_W" addr add "${HOST_W[$name]}/$([[ $family == 6 ]] && echo 128 || echo 32)" dev lo
  ip -n "$NS_E" addr add "${HOST_E[$name]}/$([[ $family == 6 ]] && echo 128 || echo 32)" dev lo
  ip -n "$NS_W" route add "$net_e" via "$via_w" src "${HOST_W[$name]}"
  ip -n "$NS_E" route add "$net_w" via "$via_e" src "${HOST_E[$name]}"
}
add_case frag 1 yes yes
add_case nofrag 2 no yes
add_case frag1280 3 yes yes
add_case nofrag1280 4 no yes
add_case fraglost 5 yes yes
add_case frag6 6 yes yes 6
add_case swannofrag 7 yes no
add_case fragaccept 8 accept yes
printf 'connections {%s\n}\n' "$SWANCTL_CONNECTIONS" >"$CHARON_DIR/swanctl/swanctl.conf"

start_daemon west
charon_start

# A capture of everything on the veth, read per case at the end.
CAPTURE=$WORK/veth.pcapng
CAPTURE_PID=""
if command -v dumpcap >/dev/null; then
  ip netns exec "$NS_W" dumpcap -q -i vw -w "$CAPTURE" >"$WORK/dumpcap.log" 2>&1 &
  CAPTURE_PID=$!
  wait_for 5 "dumpcap capturing" 'test -s "$CAPTURE"'
fi
stop_capture() {
  [[ -n $CAPTURE_PID ]] || return 0
  kill -TERM "$CAPTURE_PID" 2>/dev/null
  wait "$CAPTURE_PID" 2>/dev/null
  CAPTURE_PID=""
}
trap 'stop_capture; interop_cleanup; cleanup' EXIT
# finish_capture: stops dumpcap once everything sent so far is in the file:
# a ping sent last is there (dumpcap writes in order; killed at once, it
# may lose what it has not read yet).
finish_capture() {
  ip netns exec "$NS_W" ping -c 1 -W 1 "$EAST_ADDRESS" >/dev/null 2>&1
  wait_for 20 "the capture to hold the last ping" \
    "tshark -r '$CAPTURE' -Y 'icmp.type == 0' 2>/dev/null | grep -q ."
  stop_capture
}

# ip_counter NS FIELD: a field of the Ip: line of NS's /proc/net/snmp.
ip_counter() {
  ip netns exec "$1" awk -v field="$2" '$1 == "Ip:" {
      if (!n) { for (i = 2; i <= NF; i++) name[i] = $i; n = 1; next }
      for (i = 2; i <= NF; i++) if (name[i] == field) print $i }' /proc/net/snmp
}
# ip6_counter NS FIELD: a counter of NS's /proc/net/snmp6.
ip6_counter() { ip netns exec "$1" awk -v field="$2" '$1 == field { print $2 }' /proc/net/snmp6; }
# ip_fragments: IPv4 and IPv6 fragments the kernels made in either
# namespace so far.
ip_fragments() {
  echo $(($(ip_counter "$NS_W" FragCreates) + $(ip_counter "$NS_E" FragCreates) +
    $(ip6_counter "$NS_W" Ip6FragCreates) + $(ip6_counter "$NS_E" Ip6FragCreates)))
}

# charon_log_count PATTERN: lines of charon's log matching PATTERN.
charon_log_count() { grep -c -- "$1" "$CHARON_DIR/charon.log"; }

# ikev2d_log_count PATTERN: lines of west's log matching PATTERN.
ikev2d_log_count() { grep -c -- "$1" "$WORK/west/ikev2d.log"; }

declare -A RESULT=()

# up_case NAME N ROLE FRAGMENTS: brings case N up (ROLE ikev2d: ikectl up;
# charon: swanctl --initiate), checks the SAs, and that IKE_AUTH went as
# SKF fragments (FRAGMENTS=yes) or as IP fragments (no), or as SKF from
# charon and IP fragments from ikev2d (accept).
up_case() {
  local name=$1 n=$2 role=$3 fragments=$4
  local label="$name/$role"
  log "$label: up"
  local splits_before reassembled_before ipfrag_before our_splits_before our_reassembled_before
  splits_before=$(charon_log_count "splitting IKE message")
  reassembled_before=$(charon_log_count "received fragment #")
  our_splits_before=$(ikev2d_log_count "IKE_AUTH .* split into [0-9]* SKF fragments")
  our_reassembled_before=$(ikev2d_log_count "IKE_AUTH .* reassembled .* from [0-9]* SKF fragments")
  ipfrag_before=$(ip_fragments)
  if [[ $role == ikev2d ]]; then
    local out
    out=$(ctl west up "$name" 2>&1)
    has_esp && { [[ $out == *INSTALLED* || $out == *established* ]] || fail "$label: ikectl up: $out"; }
  else
    if ! swan --initiate --ike "$name" --child net --timeout 15 >"$WORK/initiate.out" 2>&1; then
      has_esp && fail "$label: swanctl --initiate: $(cat "$WORK/initiate.out")"
    fi
  fi
  wait_for 10 "$label: IKE SA on both sides" \
    "[[ \$(ike_states west) == '$name:ESTABLISHED' && \$(charon_ike_count $name) -eq 1 ]]"
  local splits reassembled ipfrag our_splits our_reassembled
  splits=$(($(charon_log_count "splitting IKE message") - splits_before))
  reassembled=$(($(charon_log_count "received fragment #") - reassembled_before))
  our_splits=$(($(ikev2d_log_count "IKE_AUTH .* split into [0-9]* SKF fragments") - our_splits_before))
  our_reassembled=$(($(ikev2d_log_count "IKE_AUTH .* reassembled .* from [0-9]* SKF fragments") -
    our_reassembled_before))
  ipfrag=$(($(ip_fragments) - ipfrag_before))
  log "$label: charon split $splits message(s), received $reassembled fragment(s);" \
    "ikev2d split $our_splits, reassembled $our_reassembled;" \
    "the kernels made $ipfrag IP fragment(s)"
  if [[ $fragments == yes ]]; then
    # Each side splits its one IKE_AUTH message and reassembles the other's;
    # nothing is left to the kernel to fragment.
    [[ $splits -eq 1 ]] || fail "$label: charon split $splits messages, expected its IKE_AUTH"
    [[ $reassembled -ge 2 ]] || fail "$label: charon received $reassembled fragments from ikev2d"
    [[ $our_splits -eq 1 && $our_reassembled -eq 1 ]] ||
      fail "$label: ikev2d split $our_splits and reassembled $our_reassembled IKE_AUTH messages"
    [[ $ipfrag -eq 0 ]] || fail "$label: $ipfrag IP fragments despite IKE fragmentation"
  elif [[ $fragments == accept ]]; then
    [[ $splits -eq 1 && $our_reassembled -eq 1 ]] ||
      fail "$label: charon split $splits messages, ikev2d reassembled $our_reassembled"
    [[ $reassembled -eq 0 && $our_splits -eq 0 ]] ||
      fail "$label: ikev2d sent fragments with fragmentation=accept ($our_splits split)"
    [[ $ipfrag -ge 2 ]] || fail "$label: only $ipfrag IP fragments for ikev2d's IKE_AUTH"
  else
    [[ $splits -eq 0 && $reassembled -eq 0 && $our_splits -eq 0 && $our_reassembled -eq 0 ]] ||
      fail "$label: IKE fragments without fragmentation (charon $splits split, $reassembled" \
        "received; ikev2d $our_splits split, $our_reassembled reassembled)"
    [[ $ipfrag -ge 4 ]] || fail "$label: only $ipfrag IP fragments for two large IKE_AUTH messages"
  fi
  if has_esp; then
    wait_for 5 "$label: CHILD SA on both sides" \
      "[[ \$(charon_child_count $name) -eq 1 ]] && ctl west status | grep -q INSTALLED"
    ip netns exec "$NS_W" ping -c 2 -i 0.2 -W 2 -I "${HOST_W[$name]}" "${HOST_E[$name]}" >/dev/null ||
      fail "$label: no ping through the tunnel"
  fi
  swan --terminate --ike "$name" --timeout 10 >/dev/null || fail "$label: swanctl --terminate"
  wait_for 5 "$label: west without IKE SA" 'test -z "$(ike_states west)"'
  RESULT[$label]=pass
}

# capture_check NAME N FRAGMENTS: what the capture shows of case N's
# addresses: SKF fragments of IKE_AUTH both ways and no IP fragments (yes),
# or IP fragments both ways and no SKF (no).
capture_check() {
  local name=$1 n=$2 fragments=$3
  local west=${GW_W[$name]} east=${GW_E[$name]}
  # One line per packet: source, IP length, more-fragments flag, fragment
  # offset, exchange type, Fragment Number, Total Fragments (capture.rows
  # has the destination second).
  local rows
  rows=$(awk -v a="$west" -v b="$east" '($1 == a && $2 == b) || ($1 == b && $2 == a) {
      $2 = ""; print }' "$WORK/capture.rows" | tr -s ' ')
  [[ -n $rows ]] || fail "$name: no packets of $west <-> $east in the capture"
  local skf_w skf_e ipfrag_w ipfrag_e largest
  skf_w=$(awk -v a="$west" '$1 == a && $5 == 35 && $7 >= 2' <<<"$rows" | wc -l)
  skf_e=$(awk -v a="$east" '$1 == a && $5 == 35 && $7 >= 2' <<<"$rows" | wc -l)
  ipfrag_w=$(awk -v a="$west" '$1 == a && ($3 == 1 || $4 > 0)' <<<"$rows" | wc -l)
  ipfrag_e=$(awk -v a="$east" '$1 == a && ($3 == 1 || $4 > 0)' <<<"$rows" | wc -l)
  largest=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' <<<"$rows")
  log "$name: capture: IKE_AUTH SKF fragments west->east $skf_w, east->west $skf_e;" \
    "IP fragments west->east $ipfrag_w, east->west $ipfrag_e; largest IP packet $largest bytes"
  if [[ $fragments == yes ]]; then
    [[ $skf_w -ge 2 && $skf_e -ge 2 ]] || fail "$name: the capture lacks SKF fragments one way"
    [[ $ipfrag_w -eq 0 && $ipfrag_e -eq 0 ]] || fail "$name: the capture holds IP fragments"
    [[ $largest -le 1280 ]] || fail "$name: a $largest-byte packet, over the 1280-byte fragment size"
  elif [[ $fragments == accept ]]; then
    [[ $skf_w -eq 0 && $skf_e -ge 2 ]] || fail "$name: SKF expected from charon only"
    [[ $ipfrag_w -ge 2 && $ipfrag_e -eq 0 ]] || fail "$name: IP fragments expected from ikev2d only"
  else
    [[ $skf_w -eq 0 && $skf_e -eq 0 ]] || fail "$name: SKF fragments without fragmentation"
    [[ $ipfrag_w -ge 2 && $ipfrag_e -ge 2 ]] || fail "$name: the capture lacks IP fragments one way"
  fi
}

up_case frag 1 ikev2d yes
up_case frag 1 charon yes
up_case nofrag 2 ikev2d no
up_case nofrag 2 charon no

# fragmentation=no at charon: ikev2d as responder does not announce
# support to an initiator that did not (RFC 7383 2.3), and neither side
# fragments.
up_case swannofrag 7 ikev2d no
up_case swannofrag 7 charon no
grep "parsed IKE_SA_INIT response 0" "$CHARON_DIR/charon.log" | tail -n 1 | grep -q "FRAG_SUP" &&
  fail "swannofrag/charon: ikev2d announced fragmentation to an initiator that did not"
RESULT[swannofrag/charon]+=" (ikev2d did not announce fragmentation)"

# fragmentation=accept at ikev2d (strongSwan's meaning): support is
# announced and charon's fragments are reassembled, but ikev2d's own
# IKE_AUTH goes whole (IP fragments).
up_case fragaccept 8 ikev2d accept
up_case fragaccept 8 charon accept

# IPv6: fragments of 1280-byte datagrams with the 40-byte IPv6 header.
up_case frag6 6 ikev2d yes
up_case frag6 6 charon yes

# tx_dropped NS DEV: datagrams DEV dropped on sending (a veth drops what
# exceeds its peer's MTU).
tx_dropped() { ip -n "$1" -s -j link show "$2" | jq '.[0].stats64.tx.dropped'; }

# lose_fragments NS DEV PEER_NS PEER_DEV COMMAND...: runs COMMAND in the
# background with PEER_DEV's MTU at 1200, so the 1280-byte IKE fragments
# DEV sends are lost while IKE_SA_INIT passes; the MTU is back at 1500 once
# DEV has dropped some.
lose_fragments() {
  local ns=$1 dev=$2 peer_ns=$3 peer_dev=$4
  shift 4
  local before
  before=$(tx_dropped "$ns" "$dev")
  ip -n "$peer_ns" link set "$peer_dev" mtu 1200
  "$@" >"$WORK/lost.out" 2>&1 &
  local pid=$!
  wait_for 10 "IKE fragments dropped by $dev" "test \$(tx_dropped $ns $dev) -gt $before"
  ip -n "$peer_ns" link set "$peer_dev" mtu 1500
  wait "$pid"
  log "$dev dropped $(($(tx_dropped "$ns" "$dev") - before)) datagram(s)"
}

# A lost fragment loses the message (RFC 7383 2.6.1): ikev2d retransmits
# every fragment of its request and charon reassembles the retransmission.
log "fraglost/ikev2d: ikev2d's IKE_AUTH fragments lost once"
lose_fragments "$NS_W" vw "$NS_E" ve ctl west up fraglost
wait_for 10 "fraglost/ikev2d: IKE SA on both sides" \
  "[[ \$(ike_states west) == 'fraglost:ESTABLISHED' && \$(charon_ike_count fraglost) -eq 1 ]]"
grep -q "fraglost.*retransmitting request 1" "$WORK/west/ikev2d.log" ||
  fail "fraglost/ikev2d: ikev2d did not retransmit its IKE_AUTH request"
[[ $(grep -c "fraglost.*IKE_AUTH request 1: .* split into" "$WORK/west/ikev2d.log") -eq 1 ]] ||
  fail "fraglost/ikev2d: the retransmission was split anew instead of resending the fragments"
swan --terminate --ike fraglost --timeout 10 >/dev/null || fail "fraglost: swanctl --terminate"
wait_for 5 "fraglost: west without IKE SA" 'test -z "$(ike_states west)"'
RESULT[fraglost/ikev2d]=pass

# ikev2d's fragmented answer is lost: charon retransmits its request, and
# ikev2d resends the whole answer once per retransmission, on fragment 1
# only (RFC 7383 2.6.1), not once per fragment.
log "fraglost/charon: ikev2d's IKE_AUTH response fragments lost once"
resent_before=$(ikev2d_log_count "retransmitted request 1, sending the cached response")
retransmits_before=$(charon_log_count "retransmit [0-9]* of request with message ID 1")
lose_fragments "$NS_W" vw "$NS_E" ve \
  swan --initiate --ike fraglost --child net --timeout 20
wait_for 15 "fraglost/charon: IKE SA on both sides" \
  "[[ \$(ike_states west) == 'fraglost:ESTABLISHED' && \$(charon_ike_count fraglost) -eq 1 ]]"
retransmits=$(($(charon_log_count "retransmit [0-9]* of request with message ID 1") -
  retransmits_before))
resent=$(($(ikev2d_log_count "retransmitted request 1, sending the cached response") - resent_before))
log "fraglost/charon: charon retransmitted IKE_AUTH $retransmits time(s), ikev2d resent its answer $resent time(s)"
[[ $retransmits -ge 1 && $resent -eq $retransmits ]] ||
  fail "fraglost/charon: $retransmits retransmissions by charon, $resent answers resent by ikev2d"
swan --terminate --ike fraglost --timeout 10 >/dev/null || fail "fraglost: swanctl --terminate"
wait_for 5 "fraglost: west without IKE SA" 'test -z "$(ike_states west)"'
RESULT[fraglost/charon]=pass

# A path MTU of exactly 1280 on the veth: IKE fragments of 1280-byte
# datagrams still fit whole; unfragmented IKE_AUTH goes in IP fragments.
log "veth MTU 1280"
ip -n "$NS_W" link set vw mtu 1280
ip -n "$NS_E" link set ve mtu 1280
up_case frag1280 3 ikev2d yes
up_case frag1280 3 charon yes
up_case nofrag1280 4 charon no

stop_daemon west
[[ -n ${FRAG_DEBUG:-} ]] && cp -r "$WORK" /tmp/frag-debug
if [[ -n $CAPTURE_PID ]]; then
  finish_capture
  # One pass over the capture (tshark is slow in the lab kernel).
  # IPv4 and IPv6 alike: source, destination, IP length, more fragments,
  # fragment offset, exchange type, Fragment Number, Total Fragments.
  tshark -r "$CAPTURE" -o ip.defragment:FALSE -o ipv6.defragment:FALSE -Y "ip or ipv6" \
    -T fields -E separator=/t -E occurrence=f -e ip.src -e ipv6.src -e ip.dst -e ipv6.dst \
    -e ip.len -e ipv6.plen -e ip.flags.mf -e ipv6.fraghdr.more -e ip.frag_offset \
    -e ipv6.fraghdr.offset -e isakmp.exchangetype -e isakmp.frag.number -e isakmp.frag.total \
    2>/dev/null | awk -F'\t' '{
      v6 = $2 != ""
      mf = v6 ? ($8 == "" ? 0 : $8) : $7; off = v6 ? ($10 == "" ? 0 : $10) : $9
      gsub(/True/, 1, mf); gsub(/False/, 0, mf)
      print (v6 ? $2 : $1), (v6 ? $4 : $3), (v6 ? $6 + 40 : $5), mf, off,
            ($11 == "" ? "-" : $11), ($12 == "" ? "-" : $12), ($13 == "" ? 0 : $13) }' \
    >"$WORK/capture.rows" || fail "tshark could not read the capture"
  capture_check frag 1 yes
  capture_check nofrag 2 no
  capture_check frag1280 3 yes
  capture_check nofrag1280 4 no
  capture_check frag6 6 yes
  capture_check swannofrag 7 no
  capture_check fragaccept 8 accept
else
  log "no dumpcap: the capture checks are skipped"
fi
for label in "${!RESULT[@]}"; do echo "$label ${RESULT[$label]}"; done | sort
log "PASS"
