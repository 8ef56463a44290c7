#!/bin/bash
# Lifecycle of SAs between ikev2d (west) and charon (east), PSK:
#   rekey    CHILD rekey and IKE rekey started by either side, without PFS
#            (case rk: esp aes128gcm16) and with it (case pfs: -x25519);
#            after each, both sides hold one IKE SA and one CHILD SA with new
#            SPIs, and alice's ping to bob loses nothing during the rekey.
#   delete   `ikectl down` (case rk) and `swanctl --terminate` (case pfs):
#            the other side removes its SAs, west's kernel is empty.
#   transport  type=transport between the gateways (case tr).
#   dpd      ikev2d frozen (SIGSTOP): charon's dpd_delay=2s clears its IKE
#            SA (case dpdc); charon killed (SIGKILL): ikev2d's dpddelay=2s
#            dpdtimeout=4s dpdaction=clear removes the IKE SA and its kernel
#            state (case dpd, last, as it ends charon); both times measured
#            and logged.
# Routing (auto=route / start_action=trap) and second CHILD SAs are in
# routing_test.sh.
#
# Topology: tests/net's west (ikev2d) and east (charon), plus hosts alice
# (10.1.0.10) behind west and bob (10.2.0.10) behind east; the gateways
# forward. On the host kernel (no ESP) only what needs no ESP SA is checked:
# IKE SAs, IKE rekeys, deletes, DPD. Under has_esp (the lab kernel) the CHILD
# SAs too, with traffic.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lifecycle_lib.sh"

interop_setup lifecycle
lifecycle_trap
hosts_setup

PSK_LINE='@west.example @east.example : PSK "interop-lifecycle-0123456789"'
echo "$PSK_LINE" >"$WORK/west/ipsec.secrets"
chmod 600 "$WORK/west/ipsec.secrets"

# Case addresses: rk 1, pfs 2, tr 3, dpdc 4, dpd 5.
for n in 1 2 3 4 5; do case_addresses "$n"; done
{
  west_conn rk 1 "esp=aes128gcm16"
  west_conn pfs 2 "esp=aes128gcm16-x25519"
  west_conn tr 3 "type=transport" host
  west_conn dpdc 4 "type=transport" host
  west_conn dpd 5 $'dpddelay=2s\n    dpdtimeout=4s\n    dpdaction=clear'
} >"$WORK/west/ipsec.conf"
{
  echo "connections {"
  charon_conn rk 1 "esp_proposals = aes128gcm16"
  charon_conn pfs 2 "esp_proposals = aes128gcm16-x25519"
  charon_conn tr 3 "mode = transport" host
  charon_conn dpdc 4 "mode = transport" host "dpd_delay = 2s"
  charon_conn dpd 5 ""
  echo "}"
  charon_secrets
} >"$CHARON_DIR/swanctl/swanctl.conf"

start_daemon west
# Short retransmissions, so charon declares a frozen ikev2d dead within
# dpd_delay + 1 + 1.4 + 1.96 + 2.74 s.
charon_start "retransmit_timeout = 1
  retransmit_base = 1.4"

if has_esp; then
  log "kernel with ESP: full checks (CHILD SAs, traffic)"
else
  log "kernel without ESP: IKE-level checks only"
fi

# --- rekeys without PFS, then ikectl down -----------------------------------
if want rk; then
bring_up rk west
tunnel_ping rk
ike_rekey rk west
ike_rekey rk east
child_rekey rk west
child_rekey rk east
delete_by rk west
pass "rk: rekeys by both sides without PFS, delete by ikev2d"
fi

# --- rekeys with PFS, then swanctl --terminate; charon initiates ------------
if want pfs; then
bring_up pfs east
tunnel_ping pfs
child_rekey pfs west
child_rekey pfs east
ike_rekey pfs east
ike_rekey pfs west
delete_by pfs east
pass "pfs: rekeys by both sides with PFS, delete by charon"
fi

# --- transport mode ----------------------------------------------------------
if want tr; then
bring_up tr west
if has_esp; then
  check_mode tr transport
  transport_ping 3
fi
child_rekey tr east
delete_by tr west
bring_up tr east
delete_by tr east
pass "tr: transport mode, both initiators"
fi

# --- charon finds a frozen ikev2d dead ---------------------------------------
if want dpdc; then
bring_up dpdc west
kill -STOP "${DAEMON_PID[west]}"
t0=$EPOCHREALTIME
poll 30 'test "$(charon_ike_count dpdc)" -eq 0' || fail "charon kept the IKE SA of a silent ikev2d"
elapsed=$(seconds_since "$t0")
kill -CONT "${DAEMON_PID[west]}"
log "charon (dpd_delay=2s, retransmits 1+1.4+1.96+2.74 s) cleared its IKE SA ${elapsed} s after ikev2d stopped"
awk -v e="$elapsed" 'BEGIN { exit !(e >= 2 && e <= 16) }' ||
  fail "charon took ${elapsed} s to clear the IKE SA (expected 2..16 s)"
[[ -z $(our_policies east) ]] || fail "charon kept policies: $(our_policies east)"
# ikev2d still holds its side. charon ignores requests for IKE SAs it does
# not have, so ikev2d's Delete goes unanswered and is retransmitted (165 s)
# with the SAs kept until then; the conn's selectors are its own addresses,
# so that leftover disturbs no later case.
ctl west down dpdc >/dev/null || fail "ikectl down dpdc"
poll 5 '[[ $(ike_states west | grep "^dpdc:") =~ ^(dpdc:DELETING)?$ ]]' ||
  fail "west: dpdc neither DELETING nor gone: $(ike_states west)"
pass "dpdc: charon's dpd_delay clears a dead ikev2d in ${elapsed} s"
fi

# --- ikev2d finds a killed charon dead (last: charon is gone afterwards) -----
if want dpd; then
bring_up dpd west
dpd_child=$CHILD_SPIS
kill -KILL "$CHARON_PID"
t0=$EPOCHREALTIME
poll 30 'test -z "$(ike_states west | grep "^dpd:")"' || fail "ikev2d kept the IKE SA of a killed charon"
elapsed=$(seconds_since "$t0")
# dpdc's SAs may still be there (its unanswered Delete): only dpd's count.
poll 5 '! our_states west | grep -qE "spi 0x(${dpd_child%/*}|${dpd_child#*/})" &&
  ! our_policies west | grep -q "10.1.0.0/24"' ||
  fail "west's kernel keeps dpd's state: $(our_policies west) $(our_states west)"
charon_stop
log "ikev2d (dpddelay=2s, dpdtimeout=4s, dpdaction=clear) cleared the IKE SA and its kernel state ${elapsed} s after charon died"
awk -v e="$elapsed" 'BEGIN { exit !(e >= 2 && e <= 8) }' ||
  fail "ikev2d took ${elapsed} s to clear the IKE SA (expected 2..8 s: dpddelay + dpdtimeout)"
grep -q "dpd\[.*ike-down: peer did not answer" "$WORK/west/ikev2d.log" || fail "no dead-peer ike-down in west's log"
if has_esp; then
  grep -q "dpd_action=clear for CHILD SA 'dpd'" "$WORK/west/ikev2d.log" || fail "no dpd_action=clear in west's log"
fi
pass "dpd: ikev2d's dpddelay/dpdtimeout clear a dead charon in ${elapsed} s"
fi

stop_daemon west
log "PASS ($PASSED cases)"
