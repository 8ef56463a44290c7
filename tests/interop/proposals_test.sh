#!/bin/bash
# Proposals against charon, both roles (issue 5): every IKE and ESP cipher
# suite and every key exchange group once per role, each case on its own
# address pair with one strict proposal on both sides; both sides must report
# the configured algorithms. Then a mismatch (NO_PROPOSAL_CHOSEN with a
# readable reason) and INVALID_KE_PAYLOAD recovery, each in both roles.
# Under has_esp the CHILD SAs' algorithms are checked too and a ping crosses
# each tunnel (hosts on lo inside the selectors, routes via the peer).
source "$(dirname "$0")/lib.sh"
interop_setup proposals

# Suites: ikev2d keyword | charon keyword | charon's --raw fields.
IKE_SUITES=(
  "aes128gcm16-prfsha256|aes128gcm16-prfsha256|encr-alg=AES_GCM_16 encr-keysize=128 prf-alg=PRF_HMAC_SHA2_256"
  "aes256gcm16-prfsha384|aes256gcm16-prfsha384|encr-alg=AES_GCM_16 encr-keysize=256 prf-alg=PRF_HMAC_SHA2_384"
  "chacha20poly1305-prfsha256|chacha20poly1305-prfsha256|encr-alg=CHACHA20_POLY1305 prf-alg=PRF_HMAC_SHA2_256"
  "aes256-sha256|aes256-sha256|encr-alg=AES_CBC encr-keysize=256 integ-alg=HMAC_SHA2_256_128 prf-alg=PRF_HMAC_SHA2_256"
  "aes256-sha384|aes256-sha384|encr-alg=AES_CBC encr-keysize=256 integ-alg=HMAC_SHA2_384_192 prf-alg=PRF_HMAC_SHA2_384"
)
ESP_SUITES=(
  "aes128gcm16|aes128gcm16|encr-alg=AES_GCM_16 encr-keysize=128"
  "aes256gcm16|aes256gcm16|encr-alg=AES_GCM_16 encr-keysize=256"
  "chacha20poly1305|chacha20poly1305|encr-alg=CHACHA20_POLY1305"
  "aes256-sha256|aes256-sha256|encr-alg=AES_CBC encr-keysize=256 integ-alg=HMAC_SHA2_256_128"
  "aes256-sha384|aes256-sha384|encr-alg=AES_CBC encr-keysize=256 integ-alg=HMAC_SHA2_384_192"
)
GROUPS_=(
  "x25519|curve25519|dh-group=CURVE_25519"
  "x448|curve448|dh-group=CURVE_448"
  "ecp256|ecp256|dh-group=ECP_256"
  "ecp384|ecp384|dh-group=ECP_384"
  "modp3072|modp3072|dh-group=MODP_3072"
)
# What ikev2d's status names (ike::proposal::describe): per suite/group.
IKE_NAMES=(
  "AES_GCM_16_128/PRF_HMAC_SHA2_256"
  "AES_GCM_16_256/PRF_HMAC_SHA2_384"
  "CHACHA20_POLY1305/PRF_HMAC_SHA2_256"
  "AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256"
  "AES_CBC_256/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384"
)
ESP_NAMES=(
  "AES_GCM_16_128/NO_EXT_SEQ"
  "AES_GCM_16_256/NO_EXT_SEQ"
  "CHACHA20_POLY1305/NO_EXT_SEQ"
  "AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ"
  "AES_CBC_256/HMAC_SHA2_384_192/NO_EXT_SEQ"
)
GROUP_NAMES=(CURVE_25519 CURVE_448 ECP_256 ECP_384 MODP_3072)

field() { cut -d'|' -f"$2" <<<"$1"; }

WEST_CONF=""
EAST_CONF=""
declare -A CASE_OF=()

# add_case NAME N IKEV2D_IKE IKEV2D_ESP CHARON_IKE CHARON_ESP [IPSEC.CONF LINE]:
# a PSK conn on address pair N, hosts 10.11.N.1 (west) and 10.12.N.1 (east)
# on lo inside the selectors, routed via the peer.
add_case() {
  local name=$1 n=$2 w_ike=$3 w_esp=$4 e_ike=$5 e_esp=$6 extra=${7:-}
  case_addresses "$n"
  CASE_OF[$name]=$n
  WEST_CONF+="
conn $name
    left=$CASE_WEST
    right=$CASE_EAST
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
    local_addrs = $CASE_EAST
    remote_addrs = $CASE_WEST
    proposals = $e_ike
    local { auth = psk
            id = east.example }
    remote { auth = psk
             id = west.example }
    children { net { local_ts = 10.12.$n.0/24
                     remote_ts = 10.11.$n.0/24
                     esp_proposals = $e_esp } }
  }"
  ip -n "$NS_W" addr add "10.11.$n.1/32" dev lo
  ip -n "$NS_E" addr add "10.12.$n.1/32" dev lo
  ip -n "$NS_W" route add "10.12.$n.0/24" via "$EAST_ADDRESS" src "10.11.$n.1"
  ip -n "$NS_E" route add "10.11.$n.0/24" via "$WEST_ADDRESS" src "10.12.$n.1"
}

# The matrix: role a (ikev2d initiates) pairs IKE suite i with group i and
# ESP suite i; role b (charon initiates) pairs IKE suite i with group i+2
# and ESP suite i+1, so each role sees every cipher and every group, in
# different pairs. Each row: ROLE NAME IKEV2D_IKE CHARON_IKE_FIELDS
# IKEV2D_ESP CHARON_ESP_FIELDS (names without spaces, fields comma-joined).
declare -a MATRIX=()
for role in a b; do
  for i in 0 1 2 3 4; do
    if [[ $role == a ]]; then
      g=$i e=$i n=$((10 + i))
    else
      g=$(((i + 2) % 5)) e=$(((i + 1) % 5)) n=$((20 + i))
    fi
    ike=${IKE_SUITES[$i]} esp=${ESP_SUITES[$e]} group=${GROUPS_[$g]}
    name=$role$i
    add_case "$name" "$n" "$(field "$ike" 1)-$(field "$group" 1)!" "$(field "$esp" 1)!" \
      "$(field "$ike" 2)-$(field "$group" 2)" "$(field "$esp" 2)"
    ike_fields="$(field "$ike" 3) $(field "$group" 3)"
    MATRIX+=("$role $name ${IKE_NAMES[$i]}/${GROUP_NAMES[$g]} ${ike_fields// /,} ${ESP_NAMES[$e]} $(field "$esp" 3 | tr ' ' ,)")
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

# ikev2d's IKE SA record of connection NAME (JSON), empty without one.
west_sa() { records west ike_sa | jq -c --arg c "$1" '[.[] | select(.connection == $c)][0] // empty'; }
# charon's --raw list of NAME's SAs.
east_raw() { swan --list-sas --ike "$1" --raw 2>/dev/null; }

# has_fields TEXT FIELDS: every key=value of FIELDS (comma-separated) is in
# TEXT as a whole field.
has_fields() {
  local text=$1 f
  for f in ${2//,/ }; do
    grep -qE "(^| |\{)$f( |\}|$)" <<<"$text" || return 1
  done
}

# wait_up NAME: polls until both sides hold NAME's IKE SA (and under has_esp
# its CHILD SA) as established; leaves the last reads in SA and RAW.
wait_up() {
  local name=$1
  for _ in $(seq 1 50); do
    SA=$(west_sa "$name")
    if [[ $(jq -r .state <<<"$SA") == ESTABLISHED ]] &&
      { ! has_esp || [[ $(jq -r '.children[0].state' <<<"$SA") == INSTALLED ]]; }; then
      RAW=$(east_raw "$name")
      if grep -q 'state=ESTABLISHED' <<<"$RAW" &&
        { ! has_esp || grep -q 'state=INSTALLED' <<<"$RAW"; }; then
        return 0
      fi
    fi
    sleep 0.2
  done
  fail "$name: not up on both sides; ikev2d: $SA; charon: $(east_raw "$name")"
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
  log "case $name ($([[ $role == a ]] && echo ikectl up || echo swanctl --initiate)): $ike_names, $esp_names"
  if [[ $role == a ]]; then
    ctl west up "$name" 2>&1 | sed 's/^/    /'
  else
    swan --initiate --ike "$name" --child net --timeout 10 >/dev/null 2>&1
  fi
  wait_up "$name"
  [[ $(jq -r .algorithms <<<"$SA") == "$ike_names" ]] ||
    fail "$name: ikev2d's IKE SA has $(jq -r .algorithms <<<"$SA"), expected $ike_names"
  has_fields "${RAW%%child-sas*}" "$ike_fields" ||
    fail "$name: charon's IKE SA lacks $ike_fields: $RAW"
  if has_esp; then
    [[ $(jq -r '.children[0].algorithms' <<<"$SA") == "$esp_names" ]] ||
      fail "$name: ikev2d's CHILD SA has $(jq -r '.children[0].algorithms' <<<"$SA"), expected $esp_names"
    has_fields "${RAW#*child-sas}" "$esp_fields" ||
      fail "$name: charon's CHILD SA lacks $esp_fields: $RAW"
    ip netns exec "$NS_W" ping -c 2 -i 0.2 -W 2 -I "10.11.$n.1" "10.12.$n.1" >/dev/null ||
      fail "$name: no ping through the tunnel"
    SA=$(west_sa "$name")
    [[ $(jq -r '.children[0].packets_in' <<<"$SA") -ge 2 && $(jq -r '.children[0].packets_out' <<<"$SA") -ge 2 ]] ||
      fail "$name: the ping did not go through the CHILD SA: $SA"
  fi
  passes=$((passes + 1))
}

# log_has FILE REGEX WHAT: the log FILE has a line matching REGEX.
log_has() { grep -qE "$2" "$1" || fail "$3: no line /$2/ in $1"; }

for row in "${MATRIX[@]}"; do
  # shellcheck disable=SC2086
  check_up $row
done

# --- NO_PROPOSAL_CHOSEN, ikev2d initiating: ikectl up fails and says what it
# offered; charon logs what it received.
total=$((total + 1))
log "case mismatch-a (ikectl up): aes256gcm16-prfsha384-ecp384 vs charon's aes128-sha256-modp3072"
out=$(ctl west up mismatch-a 2>&1) && fail "mismatch-a: ikectl up succeeded: $out"
echo "$out" | sed 's/^/    /'
grep -q "ikectl: up mismatch-a: IKE_SA_INIT refused by peer with NO_PROPOSAL_CHOSEN; we offered IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384" <<<"$out" ||
  fail "mismatch-a: ikectl up does not name the refusal and our offer: $out"
log_has "$CHARON_DIR/charon.log" "received proposals: IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384" "mismatch-a"
log_has "$CHARON_DIR/charon.log" "received proposals unacceptable" "mismatch-a"
[[ -z $(west_sa mismatch-a) && $(charon_ike_count mismatch-a) -eq 0 ]] ||
  fail "mismatch-a: an IKE SA is left"
passes=$((passes + 1))

# --- NO_PROPOSAL_CHOSEN, charon initiating: ikev2d's log says why.
total=$((total + 1))
log "case mismatch-b (swanctl --initiate): charon's aes128-sha256-modp3072 vs aes256gcm16-prfsha384-ecp384"
swan --initiate --ike mismatch-b --child net --timeout 10 >"$WORK/mismatch-b.out" 2>&1 &&
  fail "mismatch-b: swanctl --initiate succeeded"
log_has "$WORK/mismatch-b.out" "received NO_PROPOSAL_CHOSEN notify error" "mismatch-b (swanctl)"
log_has "$WORK/west/ikev2d.log" "mismatch-b.*NO_PROPOSAL_CHOSEN: no acceptable proposal: #1 IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_3072: .*offered AES_CBC_128; we accept AES_GCM_16_256" "mismatch-b (ikev2d)"
grep "mismatch-b.*NO_PROPOSAL_CHOSEN" "$WORK/west/ikev2d.log" | sed 's/^/    /'
[[ -z $(west_sa mismatch-b) && $(charon_ike_count mismatch-b) -eq 0 ]] ||
  fail "mismatch-b: an IKE SA is left"
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
# choice: RFC 7296 1.2 lets the responder take any proposal; both sides must
# agree on the group.
total=$((total + 1))
log "case ke-c (swanctl --initiate): charon's x25519-ecp384 vs ecp384-x25519"
swan --initiate --ike ke-c --child net --timeout 10 >/dev/null 2>&1
wait_up ke-c
group=$(jq -r '.algorithms | split("/") | last' <<<"$SA")
has_fields "${RAW%%child-sas*}" "dh-group=$group" || fail "ke-c: ikev2d has $group, charon: $RAW"
log "    both sides use $group"
# ikev2d takes the group of the initiator's KE when its selected proposal
# allows it, saving the INVALID_KE_PAYLOAD round trip.
[[ $group == CURVE_25519 ]] || fail "ke-c: ikev2d did not take the KE's group: $SA"
! grep -q "ke-c.*INVALID_KE_PAYLOAD" "$WORK/west/ikev2d.log" || fail "ke-c: an INVALID_KE_PAYLOAD round"
passes=$((passes + 1))

log "summary: $passes/$total cases pass ($(has_esp && echo "with ESP: CHILD SAs and ping checked" || echo "no ESP: IKE SAs only"))"
stop_daemon west
log "PASS"
