#!/bin/bash
# Proposals against charon, both roles (issue 5): every IKE and ESP cipher
# suite and every key exchange group once per role, each case on its own
# address pair with one strict proposal on both sides; both sides must report
# the configured algorithms. Then a mismatch (NO_PROPOSAL_CHOSEN with a
# readable reason) and INVALID_KE_PAYLOAD recovery, each in both roles.
# Under has_esp the CHILD SAs' algorithms are checked too and a ping crosses
# each tunnel (hosts on lo inside the selectors, routes via the peer).
#
# Processes are dear in the lab kernel (a fork+exec costs up to a second
# there), so the setup runs through `ip -batch` and each check reads each
# side once.
source "$(dirname "$0")/lib.sh"
interop_setup proposals

# Suites: ikev2d keyword | charon keyword | ikev2d's status names | charon's
# --list-sas --raw fields (comma-separated).
IKE_SUITES=(
  "aes128gcm16-prfsha256|aes128gcm16-prfsha256|AES_GCM_16_128/PRF_HMAC_SHA2_256|encr-alg=AES_GCM_16,encr-keysize=128,prf-alg=PRF_HMAC_SHA2_256"
  "aes256gcm16-prfsha384|aes256gcm16-prfsha384|AES_GCM_16_256/PRF_HMAC_SHA2_384|encr-alg=AES_GCM_16,encr-keysize=256,prf-alg=PRF_HMAC_SHA2_384"
  "chacha20poly1305-prfsha256|chacha20poly1305-prfsha256|CHACHA20_POLY1305/PRF_HMAC_SHA2_256|encr-alg=CHACHA20_POLY1305,prf-alg=PRF_HMAC_SHA2_256"
  "aes256-sha256|aes256-sha256|AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256|encr-alg=AES_CBC,encr-keysize=256,integ-alg=HMAC_SHA2_256_128,prf-alg=PRF_HMAC_SHA2_256"
  "aes256-sha384|aes256-sha384|AES_CBC_256/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384|encr-alg=AES_CBC,encr-keysize=256,integ-alg=HMAC_SHA2_384_192,prf-alg=PRF_HMAC_SHA2_384"
)
ESP_SUITES=(
  "aes128gcm16|aes128gcm16|AES_GCM_16_128/NO_EXT_SEQ|encr-alg=AES_GCM_16,encr-keysize=128"
  "aes256gcm16|aes256gcm16|AES_GCM_16_256/NO_EXT_SEQ|encr-alg=AES_GCM_16,encr-keysize=256"
  "chacha20poly1305|chacha20poly1305|CHACHA20_POLY1305/NO_EXT_SEQ|encr-alg=CHACHA20_POLY1305"
  "aes256-sha256|aes256-sha256|AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ|encr-alg=AES_CBC,encr-keysize=256,integ-alg=HMAC_SHA2_256_128"
  "aes256-sha384|aes256-sha384|AES_CBC_256/HMAC_SHA2_384_192/NO_EXT_SEQ|encr-alg=AES_CBC,encr-keysize=256,integ-alg=HMAC_SHA2_384_192"
)
KE_GROUPS=(
  "x25519|curve25519|CURVE_25519|dh-group=CURVE_25519"
  "x448|curve448|CURVE_448|dh-group=CURVE_448"
  "ecp256|ecp256|ECP_256|dh-group=ECP_256"
  "ecp384|ecp384|ECP_384|dh-group=ECP_384"
  "modp3072|modp3072|MODP_3072|dh-group=MODP_3072"
)

WEST_CONF=""
EAST_CONF=""
WEST_IP="route replace 10.99.2.0/24 dev vw src $WEST_ADDRESS"$'\n'
EAST_IP="route replace 10.99.1.0/24 dev ve src $EAST_ADDRESS"$'\n'
declare -A CASE_OF=()

# add_case NAME N IKEV2D_IKE IKEV2D_ESP CHARON_IKE CHARON_ESP [IPSEC.CONF LINE]:
# a PSK conn on case_addresses N's pair (added in one batch below), hosts
# 10.11.N.1 (west) and 10.12.N.1 (east) on lo inside the selectors, routed
# via the peer.
add_case() {
  local name=$1 n=$2 w_ike=$3 w_esp=$4 e_ike=$5 e_esp=$6 extra=${7:-}
  local west=10.99.1.$n east=10.99.2.$n
  CASE_OF[$name]=$n
  WEST_CONF+="
conn $name
    left=$west
    right=$east
    leftid=@west.example
    rightid=@east.example
    leftsubnet=10.11.$n.0/24
    rightsubnet=10.12.$n.0/24
    authby=psk
    ike=$w_ike
    esp=$w_esp
    auto=add
    $extra
"
  EAST_CONF+="
  $name {
    local_addrs = $east
    remote_addrs = $west
    proposals = $e_ike
    local { auth = psk
            id = east.example }
    remote { auth = psk
             id = west.example }
    children { net { local_ts = 10.12.$n.0/24
                     remote_ts = 10.11.$n.0/24
                     esp_proposals = $e_esp } }
  }"
  WEST_IP+="addr add $west/32 dev vw
addr add 10.11.$n.1/32 dev lo
route add 10.12.$n.0/24 via $EAST_ADDRESS src 10.11.$n.1
"
  EAST_IP+="addr add $east/32 dev ve
addr add 10.12.$n.1/32 dev lo
route add 10.11.$n.0/24 via $WEST_ADDRESS src 10.12.$n.1
"
}

# The matrix: role a (ikectl up) pairs IKE suite i with group i and ESP
# suite i; role b (swanctl --initiate) pairs IKE suite i with group i+2 and
# ESP suite i+1, so each role sees every cipher and every group, in different
# pairs. A row: ROLE NAME IKEV2D_IKE_NAMES CHARON_IKE_FIELDS IKEV2D_ESP_NAMES
# CHARON_ESP_FIELDS.
declare -a MATRIX=()
for role in a b; do
  for i in 0 1 2 3 4; do
    if [[ $role == a ]]; then
      g=$i e=$i n=$((10 + i))
    else
      g=$(((i + 2) % 5)) e=$(((i + 1) % 5)) n=$((20 + i))
    fi
    IFS='|' read -r ike_w ike_e ike_names ike_fields <<<"${IKE_SUITES[$i]}"
    IFS='|' read -r esp_w esp_e esp_names esp_fields <<<"${ESP_SUITES[$e]}"
    IFS='|' read -r group_w group_e group_name group_field <<<"${KE_GROUPS[$g]}"
    add_case "$role$i" "$n" "$ike_w-$group_w!" "$esp_w!" "$ike_e-$group_e" "$esp_e"
    MATRIX+=("$role $role$i $ike_names/$group_name $ike_fields,$group_field $esp_names $esp_fields")
  done
done

# A mismatch, both roles (one try: NO_PROPOSAL_CHOSEN will not change).
add_case mismatch-a 30 "aes256gcm16-prfsha384-ecp384!" "aes128gcm16!" \
  "aes128-sha256-modp3072" "aes128gcm16" "keyingtries=1"
add_case mismatch-b 31 "aes256gcm16-prfsha384-ecp384!" "aes128gcm16!" \
  "aes128-sha256-modp3072" "aes128gcm16"
# INVALID_KE_PAYLOAD: ikev2d's KE is x25519, charon takes only ecp384 ...
add_case ke-a 32 "aes128gcm16-prfsha256-x25519-ecp384!" "aes128gcm16!" \
  "aes128gcm16-prfsha256-ecp384" "aes128gcm16"
# ... charon's KE is x25519, ikev2d takes only ecp384 ...
add_case ke-b 33 "aes128gcm16-prfsha256-ecp384!" "aes128gcm16!" \
  "aes128gcm16-prfsha256-x25519-ecp384" "aes128gcm16"
# ... and charon's KE is x25519, which ikev2d takes but does not prefer.
add_case ke-c 34 "aes128gcm16-prfsha256-ecp384-x25519!" "aes128gcm16!" \
  "aes128gcm16-prfsha256-x25519-ecp384" "aes128gcm16"

# Several proposals: charon takes only ikev2d's second one, whose group is not
# the one of ikev2d's KE (INVALID_KE_PAYLOAD, then proposal #2).
add_case multi-a 35 "aes256gcm16-prfsha384-x25519,aes256-sha256-modp3072!" "aes256gcm16,aes256-sha256!" \
  "aes256-sha256-modp3072" "aes256-sha256"
add_case multi-b 36 "aes256-sha256-modp3072!" "aes256-sha256!" \
  "aes256gcm16-prfsha384-x25519,aes256-sha256-modp3072" "aes256gcm16,aes256-sha256"
# Both sides' default proposals (no ike=/esp= at all; charon's "default").
add_case defaults-a 37 "" "" default default
add_case defaults-b 38 "" "" default default
# A PFS group in the ESP proposals: IKE_AUTH carries no KE, so the first
# CHILD SA goes without it (RFC 7296 1.2); PFS itself (CREATE_CHILD_SA) is
# the lifecycle test's.
add_case pfs-a 39 "aes128gcm16-prfsha256-x25519!" "aes128gcm16-ecp256!" \
  "aes128gcm16-prfsha256-curve25519" "aes128gcm16-ecp256"
add_case pfs-b 40 "aes128gcm16-prfsha256-x25519!" "aes128gcm16-ecp256!" \
  "aes128gcm16-prfsha256-curve25519" "aes128gcm16-ecp256"
# Extended sequence numbers (RFC 4303 2.2.1), both roles.
add_case esn-a 41 "aes128gcm16-prfsha256-x25519!" "aes256gcm16-esn!" \
  "aes128gcm16-prfsha256-curve25519" "aes256gcm16-esn"
add_case esn-b 42 "aes128gcm16-prfsha256-x25519!" "aes256gcm16-esn!" \
  "aes128gcm16-prfsha256-curve25519" "aes256gcm16-esn"
# The IKE SA agrees, the CHILD SA's proposals do not; both roles.
add_case espmis-a 43 "aes128gcm16-prfsha256-x25519!" "aes256gcm16!" \
  "aes128gcm16-prfsha256-curve25519" "aes128-sha256"
add_case espmis-b 44 "aes128gcm16-prfsha256-x25519!" "aes256gcm16!" \
  "aes128gcm16-prfsha256-curve25519" "aes128-sha256"
WEST_CONF=${WEST_CONF//$'\n'    ike=$'\n'/$'\n'}
WEST_CONF=${WEST_CONF//$'\n'    esp=$'\n'/$'\n'}

ip -n "$NS_W" -batch - <<<"$WEST_IP" || fail "west's addresses and routes"
ip -n "$NS_E" -batch - <<<"$EAST_IP" || fail "east's addresses and routes"
echo "$WEST_CONF" >"$WORK/west/ipsec.conf"
echo '@west.example @east.example : PSK "interop-psk-0123456789"' >"$WORK/west/ipsec.secrets"
chmod 600 "$WORK/west/ipsec.secrets"
cat >"$CHARON_DIR/swanctl/swanctl.conf" <<CONF
connections {
$EAST_CONF
}
secrets { ike-1 { id-1 = east.example
                  id-2 = west.example
                  secret = "interop-psk-0123456789" } }
CONF
start_daemon west
charon_start

# read_west NAME: ikev2d's view of NAME's first IKE SA in W_STATE,
# W_ALGORITHMS, W_CHILD_STATE, W_CHILD_ALGORITHMS, W_PACKETS_IN,
# W_PACKETS_OUT ("-" when absent).
read_west() {
  local line
  line=$(ctl west --json status | jq -r --arg c "$1" -s '
    [.[] | select(.type == "ike_sa" and .connection == $c)][0] // {} |
    [.state // "-", (.algorithms // "-" | if . == "" then "-" else . end),
     .children[0].state // "-", .children[0].algorithms // "-",
     .children[0].packets_in // "-", .children[0].packets_out // "-"] | join(" ")')
  read -r W_STATE W_ALGORITHMS W_CHILD_STATE W_CHILD_ALGORITHMS W_PACKETS_IN W_PACKETS_OUT <<<"$line"
}

# read_east NAME: charon's --raw list of NAME's SAs in E_IKE (the IKE SA's
# fields) and E_CHILD (its CHILD SAs').
read_east() {
  local raw
  raw=$(swan --list-sas --ike "$1" --raw 2>/dev/null)
  E_IKE=${raw%%child-sas*}
  E_CHILD=""
  [[ $raw == *child-sas* ]] && E_CHILD=${raw#*child-sas}
}

# has_fields TEXT FIELDS: every key=value of FIELDS (comma-separated) is in
# TEXT as a whole field.
has_fields() {
  local text=" ${1//[\{\}]/ } " f
  for f in ${2//,/ }; do
    [[ $text == *" $f "* ]] || return 1
  done
}

# wait_up NAME: polls until both sides hold NAME's IKE SA (and under has_esp
# its CHILD SA) as established; leaves the last reads in W_* and E_*.
wait_up() {
  local name=$1
  for _ in $(seq 1 40); do
    read_west "$name"
    if [[ $W_STATE == ESTABLISHED ]] && { ! has_esp || [[ $W_CHILD_STATE == INSTALLED ]]; }; then
      read_east "$name"
      if has_fields "$E_IKE" state=ESTABLISHED &&
        { ! has_esp || has_fields "$E_CHILD" state=INSTALLED; }; then
        return 0
      fi
    fi
    sleep 0.25
  done
  fail "$name: not up on both sides; ikev2d: $W_STATE/$W_CHILD_STATE; charon: $E_IKE $E_CHILD"
}

passes=0
total=0

# check_up ROLE NAME IKE_NAMES IKE_FIELDS ESP_NAMES ESP_FIELDS: starts NAME
# from ROLE's side (a: ikectl up, b: swanctl --initiate), checks the
# algorithms both sides report and, under has_esp, the CHILD SA's and a ping
# through it.
check_up() {
  local role=$1 name=$2 ike_names=$3 ike_fields=$4 esp_names=$5 esp_fields=$6
  local n=${CASE_OF[$name]}
  total=$((total + 1))
  if [[ $role == a ]]; then
    log "case $name (ikectl up): $ike_names, $esp_names"
    ctl west up "$name" 2>&1
  else
    log "case $name (swanctl --initiate): $ike_names, $esp_names"
    swan --initiate --ike "$name" --child net --timeout 10 >/dev/null 2>&1
  fi
  wait_up "$name"
  [[ $W_ALGORITHMS == "$ike_names" ]] ||
    fail "$name: ikev2d's IKE SA has $W_ALGORITHMS, expected $ike_names"
  has_fields "$E_IKE" "$ike_fields" || fail "$name: charon's IKE SA lacks $ike_fields: $E_IKE"
  if has_esp; then
    [[ $W_CHILD_ALGORITHMS == "$esp_names" ]] ||
      fail "$name: ikev2d's CHILD SA has $W_CHILD_ALGORITHMS, expected $esp_names"
    has_fields "$E_CHILD" "$esp_fields" ||
      fail "$name: charon's CHILD SA lacks $esp_fields: $E_CHILD"
    ip netns exec "$NS_W" ping -c 2 -i 0.2 -W 2 -I "10.11.$n.1" "10.12.$n.1" >/dev/null ||
      fail "$name: no ping through the tunnel"
    read_west "$name"
    [[ $W_PACKETS_IN -ge 2 && $W_PACKETS_OUT -ge 2 ]] ||
      fail "$name: the ping did not cross the CHILD SA (packets in $W_PACKETS_IN, out $W_PACKETS_OUT)"
  fi
  passes=$((passes + 1))
}

# log_has FILE REGEX WHAT: the log FILE has a line matching REGEX.
log_has() { grep -qE "$2" "$1" || fail "$3: no line /$2/ in $1"; }

# no_sa_left NAME: neither side holds an IKE SA of NAME.
no_sa_left() {
  read_west "$1"
  read_east "$1"
  [[ $W_STATE == - && $E_IKE != *state=* ]] || fail "$1: an IKE SA is left: ikev2d $W_STATE, charon $E_IKE"
}

for row in "${MATRIX[@]}"; do
  # shellcheck disable=SC2086
  check_up $row
done

# --- NO_PROPOSAL_CHOSEN, ikev2d initiating: ikectl up fails and says what it
# offered; charon logs what it received.
total=$((total + 1))
log "case mismatch-a (ikectl up): aes256gcm16-prfsha384-ecp384 vs charon's aes128-sha256-modp3072"
out=$(ctl west up mismatch-a 2>&1) && fail "mismatch-a: ikectl up succeeded: $out"
echo "$out"
[[ $out == *"ikectl: up mismatch-a: IKE_SA_INIT refused by peer with NO_PROPOSAL_CHOSEN; we offered IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384"* ]] ||
  fail "mismatch-a: ikectl up does not name the refusal and our offer: $out"
log_has "$CHARON_DIR/charon.log" "received proposals: IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384" "mismatch-a"
log_has "$CHARON_DIR/charon.log" "received proposals unacceptable" "mismatch-a"
no_sa_left mismatch-a
passes=$((passes + 1))

# --- NO_PROPOSAL_CHOSEN, charon initiating: ikev2d's log says why (what was
# offered, what it accepts).
total=$((total + 1))
log "case mismatch-b (swanctl --initiate): charon's aes128-sha256-modp3072 vs aes256gcm16-prfsha384-ecp384"
swan --initiate --ike mismatch-b --child net --timeout 10 >"$WORK/mismatch-b.out" 2>&1 &&
  fail "mismatch-b: swanctl --initiate succeeded"
log_has "$WORK/mismatch-b.out" "received NO_PROPOSAL_CHOSEN notify error" "mismatch-b (swanctl)"
log_has "$WORK/west/ikev2d.log" "mismatch-b.*NO_PROPOSAL_CHOSEN: no acceptable proposal: #1 IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_3072: .*offered AES_CBC_128; we accept AES_GCM_16_256" "mismatch-b (ikev2d)"
grep "mismatch-b.*NO_PROPOSAL_CHOSEN" "$WORK/west/ikev2d.log"
no_sa_left mismatch-b
passes=$((passes + 1))

# --- INVALID_KE_PAYLOAD, both roles: the initiator retries with the group the
# responder asked for, and both logs show it.
GCM128_ECP384_FIELDS="encr-alg=AES_GCM_16,encr-keysize=128,prf-alg=PRF_HMAC_SHA2_256,dh-group=ECP_384"
GCM128_ESP_FIELDS="encr-alg=AES_GCM_16,encr-keysize=128"
check_up a ke-a AES_GCM_16_128/PRF_HMAC_SHA2_256/ECP_384 "$GCM128_ECP384_FIELDS" \
  AES_GCM_16_128/NO_EXT_SEQ "$GCM128_ESP_FIELDS"
log_has "$WORK/west/ikev2d.log" "ke-a.*peer prefers ECP_384 \(INVALID_KE_PAYLOAD\), retrying" "ke-a (ikev2d)"
log_has "$CHARON_DIR/charon.log" "DH group CURVE_25519 unacceptable, requesting ECP_384" "ke-a (charon)"
check_up b ke-b AES_GCM_16_128/PRF_HMAC_SHA2_256/ECP_384 "$GCM128_ECP384_FIELDS" \
  AES_GCM_16_128/NO_EXT_SEQ "$GCM128_ESP_FIELDS"
log_has "$WORK/west/ikev2d.log" "ke-b.*INVALID_KE_PAYLOAD: initiator sent KE for CURVE_25519, asking for ECP_384" "ke-b (ikev2d)"
log_has "$CHARON_DIR/charon.log" "peer didn't accept DH group CURVE_25519, it requested ECP_384" "ke-b (charon)"

# --- charon's KE group (x25519) is acceptable to ikev2d, though not its first
# choice: RFC 7296 1.2 lets the responder pick; ikev2d takes the group of the
# initiator's KE when its selected proposal allows it, saving the
# INVALID_KE_PAYLOAD round trip.
check_up b ke-c AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519 \
  "encr-alg=AES_GCM_16,encr-keysize=128,prf-alg=PRF_HMAC_SHA2_256,dh-group=CURVE_25519" \
  AES_GCM_16_128/NO_EXT_SEQ "$GCM128_ESP_FIELDS"
! grep -q "ke-c.*INVALID_KE_PAYLOAD" "$WORK/west/ikev2d.log" || fail "ke-c: an INVALID_KE_PAYLOAD round"

# --- several proposals, both roles: the responder's choice is proposal #2.
AES256_SHA256_MODP3072="encr-alg=AES_CBC,encr-keysize=256,integ-alg=HMAC_SHA2_256_128,prf-alg=PRF_HMAC_SHA2_256,dh-group=MODP_3072"
AES256_SHA256_ESP="encr-alg=AES_CBC,encr-keysize=256,integ-alg=HMAC_SHA2_256_128"
check_up a multi-a AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_3072 \
  "$AES256_SHA256_MODP3072" AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ "$AES256_SHA256_ESP"
log_has "$WORK/west/ikev2d.log" "multi-a.*peer prefers MODP_3072 \(INVALID_KE_PAYLOAD\), retrying" "multi-a (ikev2d)"
check_up b multi-b AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_3072 \
  "$AES256_SHA256_MODP3072" AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ "$AES256_SHA256_ESP"

# --- a PFS group configured on both sides, both roles: the first CHILD SA
# comes up without one.
GCM128_X25519_FIELDS="encr-alg=AES_GCM_16,encr-keysize=128,prf-alg=PRF_HMAC_SHA2_256,dh-group=CURVE_25519"
check_up a pfs-a AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519 "$GCM128_X25519_FIELDS" \
  AES_GCM_16_128/NO_EXT_SEQ "$GCM128_ESP_FIELDS"
check_up b pfs-b AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519 "$GCM128_X25519_FIELDS" \
  AES_GCM_16_128/NO_EXT_SEQ "$GCM128_ESP_FIELDS"

# --- ESN, both roles.
check_up a esn-a AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519 "$GCM128_X25519_FIELDS" \
  AES_GCM_16_256/EXT_SEQ "encr-alg=AES_GCM_16,encr-keysize=256,esn=1"
check_up b esn-b AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519 "$GCM128_X25519_FIELDS" \
  AES_GCM_16_256/EXT_SEQ "encr-alg=AES_GCM_16,encr-keysize=256,esn=1"

# --- ESP mismatch, both roles: the IKE SA stays, without CHILD SA; ikectl
# up names our ESP offer, ikev2d's log (as responder) what it accepts.
total=$((total + 1))
log "case espmis-a (ikectl up): esp aes256gcm16 vs charon's aes128-sha256"
out=$(ctl west up espmis-a 2>&1) && fail "espmis-a: ikectl up succeeded: $out"
echo "$out"
[[ $out == *"ikectl: up espmis-a: CHILD SA failed: peer refused CHILD SA 'espmis-a' with NO_PROPOSAL_CHOSEN; we offered ESP:AES_GCM_16_256/NO_EXT_SEQ"* ]] ||
  fail "espmis-a: ikectl up does not name the refusal and our offer: $out"
log_has "$CHARON_DIR/charon.log" "received proposals: ESP:AES_GCM_16_256/NO_EXT_SEQ" "espmis-a"
read_west espmis-a
read_east espmis-a
[[ $W_STATE == ESTABLISHED && $W_CHILD_STATE == - ]] || fail "espmis-a: ikev2d $W_STATE/$W_CHILD_STATE"
has_fields "$E_IKE" state=ESTABLISHED && [[ $E_CHILD != *state=* ]] ||
  fail "espmis-a: charon $E_IKE $E_CHILD"
passes=$((passes + 1))

total=$((total + 1))
log "case espmis-b (swanctl --initiate): charon's esp aes128-sha256 vs aes256gcm16"
swan --initiate --ike espmis-b --child net --timeout 10 >"$WORK/espmis-b.out" 2>&1 &&
  fail "espmis-b: swanctl --initiate succeeded"
log_has "$WORK/espmis-b.out" "received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built" "espmis-b (swanctl)"
grep "espmis-b.*ESP" "$WORK/west/ikev2d.log"
log_has "$WORK/west/ikev2d.log" "espmis-b.*ESP:AES_CBC_128/HMAC_SHA2_256_128/NO_EXT_SEQ: no common encryption algorithm \(offered AES_CBC_128; we accept AES_GCM_16_256\)" "espmis-b (ikev2d)"
read_west espmis-b
read_east espmis-b
[[ $W_STATE == ESTABLISHED && $W_CHILD_STATE == - ]] || fail "espmis-b: ikev2d $W_STATE/$W_CHILD_STATE"
has_fields "$E_IKE" state=ESTABLISHED && [[ $E_CHILD != *state=* ]] ||
  fail "espmis-b: charon $E_IKE $E_CHILD"
passes=$((passes + 1))

# charon_fields NAMES: the --raw fields charon shows for ikev2d's status
# names (AES_GCM_16_256/PRF_HMAC_SHA2_384/CURVE_25519 ...).
charon_fields() {
  local out="" token
  for token in ${1//\// }; do
    case $token in
      AES_GCM_16_* | AES_CBC_*) out+=",encr-alg=${token%_*},encr-keysize=${token##*_}" ;;
      CHACHA20_POLY1305) out+=",encr-alg=$token" ;;
      HMAC_*) out+=",integ-alg=$token" ;;
      PRF_*) out+=",prf-alg=$token" ;;
      NO_EXT_SEQ) ;;
      *) out+=",dh-group=$token" ;;
    esac
  done
  echo "${out#,}"
}

# --- both sides' defaults, both roles: whatever is chosen, both agree.
for name in defaults-a defaults-b; do
  role=${name#defaults-}
  total=$((total + 1))
  log "case $name ($([[ $role == a ]] && echo ikectl up || echo swanctl --initiate)): both sides' default proposals"
  if [[ $role == a ]]; then
    ctl west up "$name" >/dev/null 2>&1
  else
    swan --initiate --ike "$name" --child net --timeout 10 >/dev/null 2>&1
  fi
  wait_up "$name"
  log "    ikev2d: IKE $W_ALGORITHMS, ESP $W_CHILD_ALGORITHMS"
  has_fields "$E_IKE" "$(charon_fields "$W_ALGORITHMS")" ||
    fail "$name: ikev2d has $W_ALGORITHMS, charon: $E_IKE"
  if has_esp; then
    has_fields "$E_CHILD" "$(charon_fields "$W_CHILD_ALGORITHMS")" ||
      fail "$name: ikev2d's CHILD SA has $W_CHILD_ALGORITHMS, charon: $E_CHILD"
  fi
  passes=$((passes + 1))
done

log "summary: $passes/$total cases pass ($(has_esp && echo "ESP: CHILD SAs and ping checked" || echo "no ESP: IKE SAs only"))"
stop_daemon west
log "PASS"
