#!/bin/bash
# NAT traversal (RFC 7296 2.23, RFC 3948) end to end: a NAT namespace between
# the peers masquerades (nftables on the host, iptables-legacy in the lab
# kernel, whose nftables lacks the ip family). Cases, each on its own
# address pair so the responders pick their connection by address:
#   1 ikev2d (west, behind the NAT) -> ikev2d (far)   + a NAT mapping change
#   2 ikev2d (west, behind the NAT) -> charon (east)  + a NAT mapping change
#   3 charon (east, behind the NAT) -> ikev2d (west)
#   4 ikev2d forceencaps=yes -> charon, no NAT
#   5 charon encap=yes -> ikev2d, no NAT
# Checked everywhere: NAT detected (ikectl status nat_local/nat_remote), IKE
# on 4500, NAT keepalives (one-byte UDP to 4500) counted in the NAT at the
# configured 2 s interval, the responder following a new NAT mapping. With
# ESP (lab kernel): CHILD SAs with UDP encapsulation (ip xfrm state: encap
# espinudp) on both sides, ping through the tunnel, after the mapping change
# too (the responder learns the new port from the kernel's MAPPING event).
#
#   west 10.98.1.x --- nw [NAT 10.98.{1,2,3}.254] ne --- east 10.98.2.x (charon)
#                                 nf --- far 10.98.3.x (second ikev2d)
source "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || { echo "SKIP: no conntrack (scripts/install-deps.sh)"; exit 77; }
interop_setup nat

NS_N="ikev2d-net-nat-$$-n"
NS_F="ikev2d-net-nat-$$-f"
mkdir -p "$WORK"/far/{ipsec.d/cacerts,ipsec.d/certs,ipsec.d/private,ipsec.d/crls,run}
chmod 700 "$WORK/far/ipsec.d/private"
# tests/net's ns_of knows west and east; far is this test's second ikev2d.
ns_of() {
  case $1 in
    west) echo "$NS_W" ;;
    east) echo "$NS_E" ;;
    far) echo "$NS_F" ;;
    nat) echo "$NS_N" ;;
  esac
}
nat_teardown() {
  ip netns delete "$NS_N" 2>/dev/null
  ip netns delete "$NS_F" 2>/dev/null
  return 0
}
trap 'rc=$?; charon_stop; nat_teardown; (exit $rc); cleanup' EXIT
in_ns() {
  local side=$1
  shift
  ip netns exec "$(ns_of "$side")" "$@"
}

# --- the topology: the direct veth of tests/net goes, three legs of the NAT
# namespace come.
ip -n "$NS_W" link del vw
ip netns add "$NS_N" || fail "ip netns add $NS_N"
ip netns add "$NS_F" || fail "ip netns add $NS_F"
ip -n "$NS_F" link set lo up
ip -n "$NS_N" link set lo up
leg() { # SIDE IF NAT_IF NET
  local ns
  ns=$(ns_of "$1")
  ip -n "$NS_N" link add "$3" type veth peer name "$2" netns "$ns" || fail "veth $3"
  ip -n "$NS_N" addr add "$4.254/24" dev "$3"
  ip -n "$NS_N" link set "$3" up
  ip -n "$ns" addr add "$4.1/24" dev "$2"
  ip -n "$ns" link set "$2" up
  ip -n "$ns" route add default via "$4.254"
}
leg west wn nw 10.98.1
leg east en ne 10.98.2
leg far fn nf 10.98.3
in_ns nat sysctl -qw net.ipv4.ip_forward=1
# address ADDRESS SIDE: one more address of a case (on the leg's interface).
address() {
  local dev
  case $2 in west) dev=wn ;; east) dev=en ;; far) dev=fn ;; esac
  ip -n "$(ns_of "$2")" addr add "$1/32" dev "$dev" 2>/dev/null
  return 0
}
# An inner host address per side for traffic through the tunnels.
ip -n "$NS_W" addr add 10.97.1.1/32 dev lo
ip -n "$NS_E" addr add 10.97.2.1/32 dev lo
ip -n "$NS_F" addr add 10.97.3.1/32 dev lo

# --- NAT rules: nftables where the kernel has the ip family, else
# iptables-legacy (the lab kernel). MASQ holds "OIF DESTINATION PORTS" per
# case; nat_apply writes them all anew.
if [[ -d /run/modroot ]]; then
  # In the lab: modules beyond lab-run's list (no auto-loading there).
  for module in xt_tcpudp xt_length nf_conntrack_netlink; do
    modprobe -d /run/modroot "$module" 2>/dev/null
  done
fi
if in_ns nat nft add table ip nat 2>/dev/null; then
  FIREWALL=nft
  in_ns nat nft 'add chain ip nat post { type nat hook postrouting priority 100; }'
  in_ns nat nft 'add table ip count'
  in_ns nat nft 'add chain ip count keepalive { type filter hook forward priority 0; }'
else
  command -v iptables-legacy >/dev/null || { echo "SKIP: neither nft nor iptables-legacy"; exit $SKIP; }
  FIREWALL=iptables
  in_ns nat iptables-legacy -t nat -L >/dev/null 2>&1 || fail "iptables-legacy: no nat table"
fi
log "NAT rules with $FIREWALL"
declare -A MASQ=()
nat_apply() {
  if [[ $FIREWALL == nft ]]; then
    in_ns nat nft flush chain ip nat post
    for rule in "${MASQ[@]}"; do
      read -r oif dst ports <<<"$rule"
      in_ns nat nft "add rule ip nat post oifname \"$oif\" ip daddr $dst meta l4proto udp masquerade to :$ports" ||
        fail "nft masquerade $rule"
    done
  else
    in_ns nat iptables-legacy -t nat -F POSTROUTING
    for rule in "${MASQ[@]}"; do
      read -r oif dst ports <<<"$rule"
      in_ns nat iptables-legacy -t nat -A POSTROUTING -o "$oif" -d "$dst" -p udp \
        -j MASQUERADE --to-ports "$ports" || fail "iptables masquerade $rule"
    done
  fi
}
# count_keepalives DESTINATION: adds a counter of NAT keepalives (IP length
# 29: one byte of UDP payload) forwarded to DESTINATION:4500.
count_keepalives() {
  if [[ $FIREWALL == nft ]]; then
    in_ns nat nft add rule ip count keepalive ip daddr "$1" udp dport 4500 udp length 9 counter ||
      fail "nft counter"
  else
    in_ns nat iptables-legacy -A FORWARD -d "$1" -p udp --dport 4500 -m length --length 29 \
      -j ACCEPT ||
      fail "iptables counter (xt_length)"
  fi
}
# keepalives DESTINATION: how many the counter saw.
keepalives() {
  if [[ $FIREWALL == nft ]]; then
    in_ns nat nft list chain ip count keepalive |
      awk -v dst="$1" '$0 ~ "daddr " dst " " { for (i = 1; i < NF; ++i) if ($i == "packets") print $(i + 1) }'
  else
    in_ns nat iptables-legacy -L FORWARD -v -x -n |
      awk -v dst="$1" '$9 == dst { print $1 }'
  fi
}
# forget_mappings DESTINATION: the NAT loses its mappings towards
# DESTINATION (a reboot, a timeout), so the next packets get new ones.
forget_mappings() {
  in_ns nat conntrack -D -p udp --orig-dst "$1" >/dev/null 2>&1
  return 0
}

# --- configuration: one ikev2d conn per case (west and far), one charon
# connection per case.
PSK='nat-traversal-psk-0123456789'
# ikev2d_conn NAME LEFT RIGHT LID RID LNET RNET [EXTRA]
ikev2d_conn() {
  cat <<CONF
conn $1
    left=$2
    right=$3
    leftid=@$4
    rightid=@$5
    leftsubnet=$6
    rightsubnet=$7
    authby=psk
    auto=add
    dpddelay=0
    esp=aes128gcm16
${8:-}
CONF
}
# charon_conn NAME LOCAL REMOTE LID RID LNET RNET [ENCAP]
charon_conn() {
  cat <<CONF
  $1 {
    local_addrs = $2
    remote_addrs = $3
    encap = ${8:-no}
    dpd_delay = 0
    local { auth = psk
            id = $4 }
    remote { auth = psk
             id = $5 }
    children { $1 { local_ts = $6
                    remote_ts = $7
                    esp_proposals = aes128gcm16 } }
  }
CONF
}

# Case 1: west 10.98.1.1 -> far 10.98.3.1 (far sees the NAT's 10.98.3.254).
# Case 2: west 10.98.1.1 -> east 10.98.2.2 (east sees 10.98.2.254).
# Case 3: east 10.98.2.3 -> west 10.98.1.3 (west sees 10.98.1.254).
# Case 4: west 10.98.1.4 -> east 10.98.2.4, no NAT, ikev2d forceencaps.
# Case 5: east 10.98.2.5 -> west 10.98.1.5, no NAT, charon encap.
for n in 3 4 5; do address 10.98.1.$n west; done
for n in 2 3 4 5; do address 10.98.2.$n east; done
MASQ[1]="nf 10.98.3.1 41000-41099"
MASQ[2]="ne 10.98.2.2 43000-43099"
MASQ[3]="nw 10.98.1.3 45000-45099"
nat_apply

{
  echo "config setup"
  echo "    keep_alive=2s"
  ikev2d_conn c1 10.98.1.1 10.98.3.1 west1.example far1.example 10.97.1.1/32 10.97.3.1/32
  ikev2d_conn c2 10.98.1.1 10.98.2.2 west2.example east2.example 10.97.1.1/32 10.97.2.2/32
  ikev2d_conn c3 10.98.1.3 %any west3.example east3.example 10.97.1.3/32 10.97.2.3/32
  ikev2d_conn c4 10.98.1.4 10.98.2.4 west4.example east4.example 10.97.1.4/32 10.97.2.4/32 \
    "    forceencaps=yes"
  ikev2d_conn c5 10.98.1.5 10.98.2.5 west5.example east5.example 10.97.1.5/32 10.97.2.5/32
} >"$WORK/west/ipsec.conf"
{
  echo "config setup"
  echo "    keep_alive=2s"
  ikev2d_conn c1 10.98.3.1 %any far1.example west1.example 10.97.3.1/32 10.97.1.1/32
} >"$WORK/far/ipsec.conf"
for side in west far; do
  for n in 1 2 3 4 5; do
    echo "@west$n.example @far$n.example @east$n.example : PSK \"$PSK\""
  done >"$WORK/$side/ipsec.secrets"
  chmod 600 "$WORK/$side/ipsec.secrets"
done
{
  echo "connections {"
  charon_conn c2 10.98.2.2 %any east2.example west2.example 10.97.2.2/32 10.97.1.1/32
  charon_conn c3 10.98.2.3 10.98.1.3 east3.example west3.example 10.97.2.3/32 10.97.1.3/32
  charon_conn c4 10.98.2.4 10.98.1.4 east4.example west4.example 10.97.2.4/32 10.97.1.4/32
  charon_conn c5 10.98.2.5 10.98.1.5 east5.example west5.example 10.97.2.5/32 10.97.1.5/32 yes
  echo "}"
  echo "secrets {"
  for n in 2 3 4 5; do
    echo "  ike-$n { id-1 = east$n.example
           id-2 = west$n.example
           secret = \"$PSK\" }"
  done
  echo "}"
} >"$CHARON_DIR/swanctl/swanctl.conf"
for n in 2 3 4 5; do ip -n "$NS_E" addr add "10.97.2.$n/32" dev lo 2>/dev/null; done
for n in 3 4 5; do ip -n "$NS_W" addr add "10.97.1.$n/32" dev lo 2>/dev/null; done

start_daemon west
start_daemon far
charon_start "keep_alive = 2s"

# --- checks
# ike_field SIDE CONN JQ: a field of CONN's first IKE SA in ikectl status.
ike_field() {
  records "$1" ike_sa | jq -r --arg c "$2" "map(select(.connection == \$c))[0] | $3"
}
# child_ok SIDE CHILD: CHILD is INSTALLED with UDP encapsulation.
child_ok() {
  records "$1" ike_sa | jq -e --arg c "$2" \
    '[.[].children[] | select(.name == $c and .state == "INSTALLED" and .encapsulated)] | length == 1' \
    >/dev/null
}
# up SIDE CONN: ikectl up; on the host the CHILD SA cannot install, so only
# the lab insists on success.
up() {
  local out
  out=$(ctl "$1" up "$2" 2>&1) && return 0
  has_esp && fail "ikectl up $2: $out"
  return 0
}
# port_of ENDPOINT: the port of "ADDRESS[PORT]" or "ADDRESS:PORT".
port_of() { sed -E 's/.*[^0-9]([0-9]+)\]?$/\1/' <<<"$1"; }
# charon_sa CONN FIELD: a field of charon's IKE SA (swanctl --list-sas --raw).
charon_sa() {
  swan --list-sas --ike "$1" --raw 2>/dev/null | grep -o "$2=[^ ]*" | head -1 | cut -d= -f2
}
# encapsulated_states SIDE: the ESP SAs with ESP-in-UDP, one per line.
encapsulated_states() { our_states "$1" | grep "encap type espinudp"; }
# ping_through SIDE FROM TO: three pings across a tunnel.
ping_through() {
  in_ns "$1" ping -c 3 -i 0.2 -W 1 -I "$2" "$3" >/dev/null
}
# check_keepalives DESTINATION WHO: NAT keepalives towards DESTINATION at the
# configured 2 s. Reading a counter takes a while in the lab, so the window
# is known between its shortest and longest length: one keepalive per 2 s of
# it, give or take one.
check_keepalives() {
  local before after t0 t1 t2 t3 shortest longest
  wait_for 5 "a first NAT keepalive from $2" "test \"\$(keepalives $1)\" -ge 1"
  t0=$(date +%s%N)
  before=$(keepalives "$1")
  t1=$(date +%s%N)
  sleep 6
  t2=$(date +%s%N)
  after=$(keepalives "$1")
  t3=$(date +%s%N)
  shortest=$(((t2 - t1) / 1000000))
  longest=$(((t3 - t0) / 1000000))
  log "$2: $((after - before)) NAT keepalives in $shortest to $longest ms"
  ((after - before >= shortest / 2000 - 1 && after - before <= (longest + 1999) / 2000 + 1)) ||
    fail "$2: $((after - before)) NAT keepalives in $shortest to $longest ms with keep_alive=2s"
}

log "case 1: ikev2d behind the NAT -> ikev2d"
count_keepalives 10.98.3.1
up west c1
wait_for 5 "far has c1" 'test "$(ike_states far)" == "c1:ESTABLISHED"'
[[ $(ike_field west c1 .nat_local) == true ]] || fail "west does not see its NAT: $(records west ike_sa)"
[[ $(ike_field far c1 .nat_remote) == true ]] || fail "far does not see west's NAT: $(records far ike_sa)"
[[ $(port_of "$(ike_field west c1 .local)") == 4500 ]] || fail "west not on 4500: $(ike_field west c1 .local)"
remote=$(ike_field far c1 .remote)
old_port=$(port_of "$remote")
[[ $remote == 10.98.3.254* && $old_port -ge 41000 && $old_port -le 41099 ]] ||
  fail "far: west should be the NAT's 10.98.3.254 port 41000-41099, is $remote"
if has_esp; then
  child_ok west c1 || fail "west: $(records west ike_sa)"
  child_ok far c1 || fail "far: $(records far ike_sa)"
  encapsulated_states west | grep -q "10.98.3.1" || fail "west: $(our_states west)"
  encapsulated_states far | grep -q "$old_port" || fail "far has no espinudp to $old_port: $(our_states far)"
  ping_through west 10.97.1.1 10.97.3.1 || fail "no traffic through c1"
fi
check_keepalives 10.98.3.1 "ikev2d (c1)"

log "case 1: the NAT forgets its mapping"
MASQ[1]="nf 10.98.3.1 42000-42099"
nat_apply
forget_mappings 10.98.3.1
if has_esp; then
  # ESP from the new port: far's kernel reports the new mapping (MAPPING).
  ping_through west 10.97.1.1 10.97.3.1
  wait_for 10 "far follows west to its new NAT port" \
    'test "$(port_of "$(ike_field far c1 .remote)")" -ge 42000'
  grep -q "NAT mapping changed" "$WORK/far/ikev2d.log" || fail "far: no MAPPING event in its log"
  encapsulated_states far | grep -q "$(port_of "$(ike_field far c1 .remote)")" ||
    fail "far's SAs did not move: $(our_states far)"
  ping_through west 10.97.1.1 10.97.3.1 || fail "no traffic through c1 after the new mapping"
else
  # No ESP: the next authenticated IKE message moves the peer (RFC 7296 2.23).
  ctl west rekey c1 --ike >/dev/null || fail "ikectl rekey c1 --ike"
  wait_for 10 "far follows west to its new NAT port" \
    'test "$(port_of "$(ike_field far c1 .remote)")" -ge 42000'
fi
log "far sees west at $(ike_field far c1 .remote) now (was $remote)"

log "case 2: ikev2d behind the NAT -> charon"
count_keepalives 10.98.2.2
up west c2
wait_for 5 "charon has c2" 'test "$(charon_ike_count c2)" -eq 1'
[[ $(ike_field west c2 .nat_local) == true ]] || fail "west does not see its NAT: $(records west ike_sa)"
[[ $(port_of "$(ike_field west c2 .remote)") == 4500 ]] || fail "west not to 4500: $(ike_field west c2 .remote)"
[[ $(charon_sa c2 nat-remote) == yes ]] || fail "charon does not see west's NAT: $(swan --list-sas --raw)"
old_port=$(charon_sa c2 remote-port)
((old_port >= 43000 && old_port <= 43099)) || fail "charon: west's port $old_port"
if has_esp; then
  [[ $(charon_child_count c2) -eq 1 ]] || fail "charon has no CHILD SA c2"
  child_ok west c2 || fail "west: $(records west ike_sa)"
  encapsulated_states east | grep -q "$old_port" || fail "east: $(our_states east)"
  ping_through west 10.97.1.1 10.97.2.2 || fail "no traffic through c2"
fi
check_keepalives 10.98.2.2 "ikev2d (c2)"
MASQ[2]="ne 10.98.2.2 44000-44099"
nat_apply
forget_mappings 10.98.2.2
if has_esp; then
  ping_through west 10.97.1.1 10.97.2.2
else
  ctl west rekey c2 --ike >/dev/null || fail "ikectl rekey c2 --ike"
fi
wait_for 10 "charon follows west to its new NAT port" 'test "$(charon_sa c2 remote-port)" -ge 44000'
if has_esp; then
  ping_through west 10.97.1.1 10.97.2.2 || fail "no traffic through c2 after the new mapping"
fi
log "charon sees west at port $(charon_sa c2 remote-port) now (was $old_port)"

log "case 3: charon behind the NAT -> ikev2d"
count_keepalives 10.98.1.3
swan --initiate --ike c3 --child c3 --timeout 10 >/dev/null 2>&1
wait_for 5 "west has c3" 'test "$(ike_states west | grep -c c3:ESTABLISHED)" -eq 1'
[[ $(ike_field west c3 .nat_remote) == true ]] || fail "west does not see charon's NAT: $(records west ike_sa)"
[[ $(ike_field west c3 .nat_local) == false ]] || fail "west thinks it is behind a NAT"
[[ $(port_of "$(ike_field west c3 .local)") == 4500 ]] || fail "west not on 4500: $(ike_field west c3 .local)"
[[ $(charon_sa c3 nat-local) == yes ]] || fail "charon does not see its NAT"
if has_esp; then
  child_ok west c3 || fail "west: $(records west ike_sa)"
  ping_through east 10.97.2.3 10.97.1.3 || fail "no traffic through c3"
  # The inbound SA expects the NAT's port as source: no MAPPING event while
  # the mapping stays (the kernel reports a source port other than the SA's).
  ! grep -q "NAT mapping of SA" "$WORK/west/ikev2d.log" ||
    fail "west's kernel reports NAT mappings that did not change"
fi
check_keepalives 10.98.1.3 "charon (c3)"

log "case 4: ikev2d forceencaps=yes -> charon, no NAT"
up west c4
wait_for 5 "charon has c4" 'test "$(charon_ike_count c4)" -eq 1'
[[ $(port_of "$(ike_field west c4 .local)") == 4500 ]] || fail "west not on 4500: $(ike_field west c4 .local)"
[[ $(charon_sa c4 remote-port) == 4500 ]] || fail "charon: west's port $(charon_sa c4 remote-port)"
if has_esp; then
  [[ $(charon_child_count c4) -eq 1 ]] || fail "charon has no CHILD SA c4"
  ping_through west 10.97.1.4 10.97.2.4 || fail "no traffic through c4"
  our_states east | grep "10.98.1.4" | grep -q "encap type espinudp" ||
    fail "charon's SAs are not encapsulated: $(our_states east)"
fi

log "case 5: charon encap=yes -> ikev2d, no NAT"
swan --initiate --ike c5 --child c5 --timeout 10 >/dev/null 2>&1
wait_for 5 "west has c5" 'test "$(ike_states west | grep -c c5:ESTABLISHED)" -eq 1'
[[ $(port_of "$(ike_field west c5 .local)") == 4500 ]] || fail "west not on 4500: $(ike_field west c5 .local)"
[[ $(ike_field west c5 .nat_remote) == true ]] || fail "west did not take charon's faked NAT-D"
if has_esp; then
  ping_through east 10.97.2.5 10.97.1.5 || fail "no traffic through c5"
  our_states west | grep "10.98.2.5" | grep -q "encap type espinudp" ||
    fail "west's SAs are not encapsulated: $(our_states west)"
fi

stop_daemon west
stop_daemon far
log "PASS"
