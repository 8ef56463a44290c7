#!/bin/bash
# Traps and CHILD SAs beyond the first, between ikev2d (west) and charon
# (east), PSK (helpers in lifecycle_lib.sh):
#   trap   ikev2d auto=route: a trap policy; a ping from 10.1.6.1 (west) to
#          10.2.6.1 (east) makes the kernel ACQUIRE and ikev2d negotiate with
#          charon; ikectl down leaves the trap in place.
#   ctrap  charon start_action=trap: a ping from 10.2.7.1 (east) to 10.1.7.1
#          (west) makes charon negotiate with ikev2d.
#   two    a second CHILD SA on an existing IKE SA: charon's children a and b
#          (two halves of 10.1.8.0/24 <-> 10.2.8.0/24), each narrowed from
#          ikev2d's one conn; b with CREATE_CHILD_SA; both rekeyed by
#          `ikectl rekey`; b deleted alone by charon.
#   ours   the same started by ikev2d: its conns ta and tb differ only in
#          their subnets (the halves of 10.1.9.0/24 <-> 10.2.9.0/24), so
#          they share one IKE SA as in strongSwan's starter; `ikectl up tb`
#          after `ikectl up ta` is a CREATE_CHILD_SA on it, `ikectl rekey tb`
#          and `ikectl down tb` touch tb alone, `ikectl down ta` then takes
#          the IKE SA. Then charon brings ta and tb the other way round.
# On the host kernel (no ESP) the IKE side: trap policies, the ACQUIRE that
# starts IKE, the CREATE_CHILD_SA refused without tearing the IKE SA down.
# Under has_esp (the lab kernel) the CHILD SAs and traffic too.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lifecycle_lib.sh"

interop_setup routing
lifecycle_trap

echo '@west.example @east.example : PSK "interop-lifecycle-0123456789"' >"$WORK/west/ipsec.secrets"
chmod 600 "$WORK/west/ipsec.secrets"

for n in 6 7 8 9; do
  case_addresses "$n"
  ip -n "$NS_W" addr add "10.1.$n.1/32" dev lo
  ip -n "$NS_E" addr add "10.2.$n.1/32" dev lo
  ip -n "$NS_W" route add "10.2.$n.0/24" dev vw src "10.1.$n.1"
  ip -n "$NS_E" route add "10.1.$n.0/24" dev ve src "10.2.$n.1"
done
{
  LEFT_SUBNET=10.1.6.0/24 RIGHT_SUBNET=10.2.6.0/24 AUTO=route west_conn trap 6 ""
  LEFT_SUBNET=10.1.7.0/24 RIGHT_SUBNET=10.2.7.0/24 west_conn ctrap 7 ""
  LEFT_SUBNET=10.1.8.0/24 RIGHT_SUBNET=10.2.8.0/24 west_conn two 8 ""
  LEFT_SUBNET=10.1.9.0/25 RIGHT_SUBNET=10.2.9.0/25 west_conn ta 9 ""
  LEFT_SUBNET=10.1.9.128/25 RIGHT_SUBNET=10.2.9.128/25 west_conn tb 9 ""
} >"$WORK/west/ipsec.conf"
{
  echo "connections {"
  LEFT_SUBNET=10.1.6.0/24 RIGHT_SUBNET=10.2.6.0/24 charon_conn trap 6 ""
  LEFT_SUBNET=10.1.7.0/24 RIGHT_SUBNET=10.2.7.0/24 charon_conn ctrap 7 "start_action = trap"
  CHILDREN="      a { local_ts = 10.2.8.0/25
          remote_ts = 10.1.8.0/25 }
      b { local_ts = 10.2.8.128/25
          remote_ts = 10.1.8.128/25 }" charon_conn two 8 ""
  CHILDREN="      ta { local_ts = 10.2.9.0/25
           remote_ts = 10.1.9.0/25 }
      tb { local_ts = 10.2.9.128/25
           remote_ts = 10.1.9.128/25 }" charon_conn ta 9 ""
  echo "}"
  charon_secrets
} >"$CHARON_DIR/swanctl/swanctl.conf"

start_daemon west
charon_start

if has_esp; then
  log "kernel with ESP: full checks (CHILD SAs, traffic)"
else
  log "kernel without ESP: IKE-level checks only"
fi

# trap_policies SIDE SELECTOR: SIDE's policies with a template for SELECTOR
# (e.g. "src 10.1.6.0/24 dst 10.2.6.0/24"), one line each.
trap_policies() { our_policies "$1" | grep -F "$2" | grep -c 'dir out'; }

# --- ikev2d's trap ------------------------------------------------------------
if want trap; then
  wait_for 5 "west's trap policy for 10.1.6.0/24 -> 10.2.6.0/24" \
    'test "$(trap_policies west "src 10.1.6.0/24 dst 10.2.6.0/24")" -eq 1'
  [[ -z $(our_states west) ]] || fail "trap: SAs before any traffic: $(our_states west)"
  t0=$EPOCHREALTIME
  # One packet (in the background: it is dropped while IKE negotiates).
  ip netns exec "$NS_W" ping -n -q -c 1 -W 1 -I 10.1.6.1 10.2.6.1 >/dev/null 2>&1 &
  EXTRA_PIDS+=($!)
  poll 10 "sa_pair_ok trap" || fail "trap: the ACQUIRE brought nothing up: $(describe trap)"
  log "trap: a packet into the trap brought up IKE $IKE_SPIS CHILD $CHILD_SPIS in $(seconds_since "$t0") s"
  grep -q "acquire" "$WORK/west/ikev2d.log" || fail "trap: no ACQUIRE in west's log"
  if has_esp; then
    ping_from "$NS_W" 10.2.6.1 5 10.1.6.1 || fail "trap: no traffic through the CHILD SA"
    log "trap: 10.1.6.1 -> 10.2.6.1 through the CHILD SA"
  fi
  ctl west down trap >/dev/null || fail "trap: ikectl down"
  poll 10 "[[ \$(west_sa trap) == '0 0 '* && \$(charon_sa trap) == '0 0 '* ]]" ||
    fail "trap: not down on both sides: $(describe trap)"
  poll 5 'test -z "$(our_states west)"' || fail "trap: SAs left: $(our_states west)"
  [[ $(trap_policies west "src 10.1.6.0/24 dst 10.2.6.0/24") -eq 1 && $(our_policies west | wc -l) -eq 1 ]] ||
    fail "trap: after down west should keep exactly the trap: $(our_policies west)"
  pass "trap: ikev2d's auto=route negotiates on a packet; down leaves only the trap"
fi

# --- charon's trap ---------------------------------------------------------------
if want ctrap; then
  wait_for 5 "charon's trap policy for 10.2.7.0/24 -> 10.1.7.0/24" \
    'test "$(trap_policies east "src 10.2.7.0/24 dst 10.1.7.0/24")" -eq 1'
  t0=$EPOCHREALTIME
  ip netns exec "$NS_E" ping -n -q -c 1 -W 1 -I 10.2.7.1 10.1.7.1 >/dev/null 2>&1 &
  EXTRA_PIDS+=($!)
  poll 10 "sa_pair_ok ctrap" || fail "ctrap: charon's ACQUIRE brought nothing up: $(describe ctrap)"
  log "ctrap: a packet into charon's trap brought up IKE $IKE_SPIS CHILD $CHILD_SPIS in $(seconds_since "$t0") s"
  [[ $(ctl west --json status | jq -r 'select(.type == "ike_sa" and .connection == "ctrap") | .initiator') == false ]] ||
    fail "ctrap: ikev2d should be the responder"
  if has_esp; then
    ping_from "$NS_E" 10.1.7.1 5 10.2.7.1 || fail "ctrap: no traffic through the CHILD SA"
    log "ctrap: 10.2.7.1 -> 10.1.7.1 through the CHILD SA"
  fi
  swan --terminate --ike ctrap --timeout 10 >/dev/null || fail "ctrap: swanctl --terminate"
  poll 10 "[[ \$(west_sa ctrap) == '0 0 '* && \$(charon_sa ctrap) == '0 0 '* ]]" ||
    fail "ctrap: not down on both sides: $(describe ctrap)"
  poll 5 'test -z "$(our_states west)" && ! our_policies west | grep -q 10.1.7.0' ||
    fail "ctrap: west's kernel keeps: $(our_policies west) $(our_states west)"
  pass "ctrap: charon's start_action=trap negotiates with ikev2d on a packet"
fi

# --- a second CHILD SA on the IKE SA ----------------------------------------------
# child_pairs SIDE CONN: "IN/OUT" per CHILD SA (charon's turned round to
# west's view), sorted, one line.
child_pairs() {
  if [[ $1 == west ]]; then
    ctl west --json status | jq -r --arg c "$2" \
      'select(.type == "ike_sa" and .connection == $c) | .children[] |
       select(.state == "INSTALLED") | "\(.spi_in)/\(.spi_out)"' | sort | tr '\n' ' '
  else
    swan --list-sas --ike "$2" --raw 2>/dev/null | grep -o 'state=INSTALLED[^}]*' |
      sed -n 's/.*spi-in=\([0-9a-f]*\).*spi-out=\([0-9a-f]*\).*/\2\/\1/p' | sort | tr '\n' ' '
  fi
}

# two_children_ok CONN: one IKE SA on both sides with two INSTALLED CHILD SAs
# that pair up; sets PAIRS.
two_children_ok() {
  [[ $(west_sa "$1") == "1 2 "* && $(charon_sa "$1") == "1 2 "* ]] || return 1
  PAIRS=$(child_pairs west "$1")
  [[ $PAIRS == "$(child_pairs east "$1")" && $(wc -w <<<"$PAIRS") -eq 2 ]]
}

if want two; then
  swan --initiate --ike two --child a --timeout 10 >"$WORK/up.out" 2>&1
  poll 10 "sa_pair_ok two" || fail "two: a is not up: $(describe two); $(cat "$WORK/up.out")"
  first_ike=$IKE_SPIS
  log "two: CHILD a up with the IKE SA $IKE_SPIS (CHILD $CHILD_SPIS)"
  swan --initiate --ike two --child b --timeout 10 >"$WORK/up.out" 2>&1
  if has_esp; then
    poll 10 "two_children_ok two" || fail "two: not two CHILD SAs: $(describe two); $(cat "$WORK/up.out")"
    [[ $(west_sa two) == "1 2 $first_ike "* ]] || fail "two: b did not come on the same IKE SA"
    log "two: CHILD b on the same IKE SA: pairs $PAIRS"
    ctl west --json status | jq -s -e 'map(select(.type == "ike_sa" and .connection == "two")) |
      [.[0].children[].local_ts[0]] | sort == ["10.1.8.0/25", "10.1.8.128/25"]' >/dev/null ||
      fail "two: west's CHILD SAs are not the two halves: $(ctl west status two)"
    ping_from "$NS_W" 10.2.8.1 3 10.1.8.1 || fail "two: no traffic through CHILD a"
    old_pairs=$PAIRS
    ctl west rekey two >/dev/null || fail "two: ikectl rekey"
    poll 15 "two_children_ok two && [[ \$PAIRS != '$old_pairs' ]] && ! grep -qE \"\$(tr ' ' '|' <<<\"${old_pairs% }\")\" <<<\"\$PAIRS\"" ||
      fail "two: not both CHILD SAs rekeyed: was $old_pairs, now $(child_pairs west two) / $(child_pairs east two)"
    log "two: ikectl rekey rekeyed both: $old_pairs -> $PAIRS"
    swan --terminate --child b --timeout 10 >/dev/null || fail "two: swanctl --terminate --child b"
    poll 10 "[[ \$(west_sa two) == '1 1 '* && \$(charon_sa two) == '1 1 '* ]]" ||
      fail "two: b not deleted alone: $(describe two)"
    poll 5 '[[ $(our_states west | wc -l) -eq 2 ]]' || fail "two: west's kernel: $(our_states west)"
    log "two: charon deleted b, a stays"
  else
    # ikev2d cannot install b; it refuses the CREATE_CHILD_SA, the IKE SA
    # stays for both.
    grep -q 'refus' "$WORK/up.out" || grep -q 'failed' "$WORK/up.out" ||
      fail "two: charon did not hear of a refusal: $(cat "$WORK/up.out")"
    sa_pair_ok two || fail "two: the refused CHILD SA cost the IKE SA: $(describe two)"
    [[ $IKE_SPIS == "$first_ike" ]] || fail "two: a new IKE SA"
    log "two: CREATE_CHILD_SA for b refused without ESP, the IKE SA stays"
  fi
  ctl west down two >/dev/null || fail "two: ikectl down"
  poll 10 "[[ \$(west_sa two) == '0 0 '* && \$(charon_sa two) == '0 0 '* ]]" ||
    fail "two: not down: $(describe two)"
  poll 5 'test -z "$(our_states west)" && ! our_policies west | grep -q 10.1.8.' ||
    fail "two: west's kernel keeps: $(our_policies west) $(our_states west)"
  pass "two: a second CHILD SA from charon on ikev2d's IKE SA"
fi

# --- a second CHILD SA started by ikev2d --------------------------------------------
if want ours; then
  ip -n "$NS_W" addr add 10.1.9.129/32 dev lo
  ip -n "$NS_E" addr add 10.2.9.129/32 dev lo
  ctl west --json list-conns | jq -s -e 'map(select(.type == "connection" and .name == "tb")) |
    .[0].shares_ike_sa_with == ["ta"]' >/dev/null ||
    fail "ours: list-conns does not show tb sharing ta's IKE SA: $(ctl west --json list-conns)"
  ctl west up ta >"$WORK/up.out" 2>&1
  poll 10 "sa_pair_ok ta" || fail "ours: ta is not up: $(describe ta); $(cat "$WORK/up.out")"
  first_ike=$IKE_SPIS
  log "ours: ikectl up ta: IKE SA $IKE_SPIS (CHILD $CHILD_SPIS)"
  if has_esp; then
    ctl west up tb >"$WORK/up.out" 2>&1 || fail "ours: ikectl up tb: $(cat "$WORK/up.out")"
    poll 10 "two_children_ok ta" || fail "ours: not two CHILD SAs: $(describe ta); $(cat "$WORK/up.out")"
    [[ $(west_sa ta) == "1 2 $first_ike "* ]] || fail "ours: tb did not come on ta's IKE SA"
    log "ours: ikectl up tb: CREATE_CHILD_SA on the same IKE SA, pairs $PAIRS"
    ping_from "$NS_W" 10.2.9.1 3 10.1.9.1 || fail "ours: no traffic through ta"
    ping_from "$NS_W" 10.2.9.129 3 10.1.9.129 || fail "ours: no traffic through tb"
    # `ikectl rekey tb`: exactly one of the two pairs is replaced.
    old_pairs=$PAIRS
    ctl west rekey tb >/dev/null || fail "ours: ikectl rekey tb"
    poll 15 "two_children_ok ta && [[ \$(comm -12 <(tr ' ' '\n' <<<\"\$PAIRS\" | sort) <(tr ' ' '\n' <<<'$old_pairs' | sort) | grep -c /) -eq 1 ]]" ||
      fail "ours: not tb alone rekeyed: was $old_pairs, now $(child_pairs west ta) / $(child_pairs east ta)"
    log "ours: ikectl rekey tb: $old_pairs -> $PAIRS"
    ping_from "$NS_W" 10.2.9.129 3 10.1.9.129 || fail "ours: no traffic through tb after its rekey"
    ctl west down tb >"$WORK/down.out" 2>&1 || fail "ours: ikectl down tb: $(cat "$WORK/down.out")"
    poll 10 "[[ \$(west_sa ta) == '1 1 $first_ike '* && \$(charon_sa ta) == '1 1 '* ]]" ||
      fail "ours: tb not deleted alone: $(describe ta)"
    poll 5 '[[ $(our_states west | wc -l) -eq 2 ]]' || fail "ours: west's kernel: $(our_states west)"
    ping_from "$NS_W" 10.2.9.1 3 10.1.9.1 || fail "ours: no traffic through ta after tb's down"
    log "ours: ikectl down tb deleted tb alone ($(cat "$WORK/down.out"))"
  else
    # Without ESP charon cannot install tb and refuses the CREATE_CHILD_SA
    # that ikev2d sent on ta's IKE SA; the IKE SA stays.
    ! ctl west up tb >"$WORK/up.out" 2>&1 || fail "ours: ikectl up tb succeeded without ESP"
    grep -q "CHILD SA 'tb' failed: peer refused it" "$WORK/up.out" ||
      fail "ours: up tb does not name the reason: $(cat "$WORK/up.out")"
    grep -q 'received: 10.1.9.128/25' "$CHARON_DIR/charon.log" ||
      fail "ours: charon did not see tb's selectors"
    sa_pair_ok ta && [[ $IKE_SPIS == "$first_ike" ]] ||
      fail "ours: the failed CHILD SA cost the IKE SA: $(describe ta)"
    log "ours: ikectl up tb on ta's IKE SA fails without ESP ($(tail -n 1 "$WORK/up.out")), the IKE SA stays"
  fi
  ctl west down ta >/dev/null || fail "ours: ikectl down ta"
  poll 10 "[[ \$(west_sa ta) == '0 0 '* && \$(charon_sa ta) == '0 0 '* ]]" ||
    fail "ours: ikectl down ta left: $(describe ta)"
  poll 5 'test -z "$(our_states west)" && ! our_policies west | grep -q 10.1.9.' ||
    fail "ours: west's kernel keeps: $(our_policies west) $(our_states west)"
  # The other way round: charon brings ta and then tb, and ikev2d, which has
  # them as two conns, takes both on one IKE SA.
  swan --initiate --ike ta --child ta --timeout 10 >"$WORK/up.out" 2>&1
  poll 10 "sa_pair_ok ta" || fail "ours: charon's ta is not up: $(describe ta); $(cat "$WORK/up.out")"
  first_ike=$IKE_SPIS
  swan --initiate --ike ta --child tb --timeout 10 >"$WORK/up.out" 2>&1
  if has_esp; then
    poll 10 "two_children_ok ta" || fail "ours: charon's tb: $(describe ta); $(cat "$WORK/up.out")"
    [[ $(west_sa ta) == "1 2 $first_ike "* ]] || fail "ours: charon's tb is not on the same IKE SA"
    ping_from "$NS_W" 10.2.9.129 3 10.1.9.129 || fail "ours: no traffic through charon's tb"
    log "ours: charon's ta and tb on one IKE SA at ikev2d: pairs $PAIRS"
  else
    sa_pair_ok ta && [[ $IKE_SPIS == "$first_ike" ]] ||
      fail "ours: charon's tb cost the IKE SA: $(describe ta)"
    log "ours: charon's tb refused without ESP, the IKE SA stays"
  fi
  swan --terminate --ike ta --timeout 10 >/dev/null || fail "ours: swanctl --terminate --ike ta"
  poll 10 "[[ \$(west_sa ta) == '0 0 '* && \$(charon_sa ta) == '0 0 '* ]]" ||
    fail "ours: not down: $(describe ta)"
  poll 5 'test -z "$(our_states west)" && ! our_policies west | grep -q 10.1.9.' ||
    fail "ours: west's kernel keeps: $(our_policies west) $(our_states west)"
  pass "ours: ikev2d's conns ta and tb share an IKE SA; up, rekey and down of tb alone"
fi

stop_daemon west
log "PASS ($PASSED cases)"
