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

# add_case NAME N IKEV2D_IKE IKEV2D_ESP CHARON_IKE CHARON_ESP: a PSK conn on
# address pair N, hosts 10.11.N.1 (west) and 10.12.N.1 (east) behind it.
add_case() {
  local name=$1 n=$2 w_ike=$3 w_esp=$4 e_ike=$5 e_esp=$6
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

# The matrix: role A (ikev2d initiates) pairs IKE suite i with group i and
# ESP suite i; role B (charon initiates) pairs IKE suite i with group i+2
# and ESP suite i+1, so each role sees every cipher and every group.
declare -a MATRIX=()
for role in a b; do
  for i in 0 1 2 3 4; do
    if [[ $role == a ]]; then g=$i e=$i n=$((10 + i)); else g=$(((i + 2) % 5)) e=$(((i + 1) % 5)) n=$((20 + i)); fi
    ike=${IKE_SUITES[$i]} esp=${ESP_SUITES[$e]} group=${GROUPS_[$g]}
    name=$role$i
    add_case "$name" "$n" "$(field "$ike" 1)-$(field "$group" 1)!" "$(field "$esp" 1)!" \
      "$(field "$ike" 2)-$(field "$group" 2)" "$(field "$esp" 2)"
    MATRIX+=("$role $name $i $g $e")
  done
done

# A mismatch, both roles.
add_case mismatch-a 30 "aes256gcm16-prfsha384-ecp384!" "aes128gcm16!" "aes128-sha256-modp3072" "aes128gcm16"
add_case mismatch-b 31 "aes256gcm16-prfsha384-ecp384!" "aes128gcm16!" "aes128-sha256-modp3072" "aes128gcm16"
# INVALID_KE_PAYLOAD: ikev2d's KE is x25519, charon wants ecp384 ...
add_case ke-a 32 "aes128gcm16-prfsha256-x25519-ecp384!" "aes128gcm16!" "aes128gcm16-prfsha256-ecp384" "aes128gcm16"
# ... and charon's KE is x25519, ikev2d accepts only ecp384.
add_case ke-b 33 "aes128gcm16-prfsha256-ecp384!" "aes128gcm16!" "aes128gcm16-prfsha256-x25519-ecp384" "aes128gcm16"

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

# ikev2d's IKE SA record of connection NAME (JSON).
west_sa() { records west ike_sa | jq -c --arg c "$1" '[.[] | select(.connection == $c)][0] // empty'; }
# charon's --raw list of NAME's SAs.
east_raw() { swan --list-sas --ike "$1" --raw 2>/dev/null; }

# expect_fields TEXT FIELDS: every "key=value" of FIELDS is in TEXT.
expect_fields() {
  local text=$1 fields=$2 f
  for f in $fields; do
    grep -qE "(^| |\{)$f( |\}|$)" <<<"$text" || return 1
  done
}

declare -A RESULT=()
passes=0

check_case() {
  local role=$1 name=$2 i=$3 g=$4 e=$5 n=${CASE_OF[$2]}
  local ike=${IKE_SUITES[$i]} esp=${ESP_SUITES[$e]} group=${GROUPS_[$g]}
  log "case $name ($role): ike $(field "$ike" 1)-$(field "$group" 1), esp $(field "$esp" 1)"
  if [[ $role == a ]]; then
    out=$(ctl west up "$name" 2>&1)
    echo "$out" | sed 's/^/    /'
  else
    swan --initiate --ike "$name" --child net --timeout 10 >/dev/null 2>&1
  fi
  wait_for 10 "$name: IKE SA on both sides" \
    "[[ \$(west_sa $name | jq -r .state) == ESTABLISHED && \$(charon_ike_count $name) -eq 1 ]]"
  local sa raw expected
  sa=$(west_sa "$name")
  raw=$(east_raw "$name")
  expected="${IKE_NAMES[$i]}/${GROUP_NAMES[$g]}"
  [[ $(jq -r .algorithms <<<"$sa") == "$expected" ]] ||
    fail "$name: ikev2d's IKE SA has $(jq -r .algorithms <<<"$sa"), expected $expected"
  local ike_part=${raw%%child-sas*}
  expect_fields "$ike_part" "$(field "$ike" 3) $(field "$group" 3)" ||
    fail "$name: charon's IKE SA is not $(field "$ike" 3) $(field "$group" 3): $raw"
  if has_esp; then
    wait_for 5 "$name: CHILD SA on both sides" \
      "[[ \$(west_sa $name | jq -r '.children[0].state') == INSTALLED && \$(charon_child_count $name) -eq 1 ]]"
    sa=$(west_sa "$name")
    raw=$(east_raw "$name")
    [[ $(jq -r '.children[0].algorithms' <<<"$sa") == "${ESP_NAMES[$e]}" ]] ||
      fail "$name: ikev2d's CHILD SA has $(jq -r '.children[0].algorithms' <<<"$sa"), expected ${ESP_NAMES[$e]}"
    expect_fields "${raw#*child-sas}" "$(field "$esp" 3)" ||
      fail "$name: charon's CHILD SA is not $(field "$esp" 3): $raw"
    ip netns exec "$NS_W" ping -c 2 -i 0.2 -W 2 -I "10.11.$n.1" "10.12.$n.1" >/dev/null ||
      fail "$name: no ping through the tunnel"
    sa=$(west_sa "$name")
    [[ $(jq -r '.children[0].packets_in' <<<"$sa") -ge 2 && $(jq -r '.children[0].packets_out' <<<"$sa") -ge 2 ]] ||
      fail "$name: the ping did not go through the CHILD SA: $sa"
  fi
  RESULT[$name]=pass
  passes=$((passes + 1))
}

for row in "${MATRIX[@]}"; do
  # shellcheck disable=SC2086
  check_case $row
done

log "summary: $passes/${#MATRIX[@]} cases pass"
stop_daemon west
log "PASS"
