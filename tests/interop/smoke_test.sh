#!/bin/bash
# The smallest interop case, both ways: a PSK connection between ikev2d
# (west) and charon (east), started once by `ikectl up` and once by
# `swanctl --initiate`.
source "$(dirname "$0")/lib.sh"
interop_setup smoke
case_addresses 1
cat >"$WORK/west/ipsec.conf" <<CONF
conn smoke
    left=$CASE_WEST
    right=$CASE_EAST
    leftid=@west.example
    rightid=@east.example
    leftsubnet=10.1.0.0/24
    rightsubnet=10.2.0.0/24
    authby=psk
    auto=add
CONF
echo '@west.example @east.example : PSK "interop-psk-0123456789"' >"$WORK/west/ipsec.secrets"
chmod 600 "$WORK/west/ipsec.secrets"
cat >"$CHARON_DIR/swanctl/swanctl.conf" <<CONF
connections {
  smoke {
    local_addrs = $CASE_EAST
    remote_addrs = $CASE_WEST
    local { auth = psk
            id = east.example }
    remote { auth = psk
             id = west.example }
    children { net { local_ts = 10.2.0.0/24
                     remote_ts = 10.1.0.0/24 } }
  }
}
secrets { ike-1 { id-1 = east.example
                  id-2 = west.example
                  secret = "interop-psk-0123456789" } }
CONF
start_daemon west
charon_start

log "ikev2d initiates"
out=$(ctl west up smoke 2>&1)
echo "$out"
[[ $(ike_states west) == "smoke:ESTABLISHED" ]] || fail "west: $(ike_states west)"
[[ $(charon_ike_count smoke) -eq 1 ]] || fail "charon has no IKE SA: $(swan --list-sas)"
if has_esp; then
  [[ $(charon_child_count smoke) -eq 1 ]] || fail "charon has no CHILD SA"
fi
ctl west down smoke >/dev/null || fail "ikectl down"
wait_for 5 "charon without IKE SA" 'test "$(charon_ike_count smoke)" -eq 0'

log "charon initiates"
swan --initiate --ike smoke --child net --timeout 10 || true
wait_for 5 "west has the IKE SA" 'test "$(ike_states west)" == "smoke:ESTABLISHED"'
swan --terminate --ike smoke --timeout 10 >/dev/null || fail "swanctl --terminate"
wait_for 5 "west without IKE SA" 'test -z "$(ike_states west)"'
stop_daemon west
log "PASS"
