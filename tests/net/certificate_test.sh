#!/bin/bash
# Certificates made on the fly with openssl (an ECDSA P-256 CA and one end
# entity per side): `ikectl up` authenticates both sides with them, status
# shows the peer's identity, list-certs lists the loaded certificates. The
# conn has forceencaps=yes, so IKE_AUTH and everything after it travel on
# the NAT-T port with the non-ESP marker (RFC 7296 2.23).

source "$(dirname "$0")/lib.sh"
net_setup cert
command -v openssl >/dev/null || { echo "SKIP: no openssl"; exit $SKIP; }

pki=$WORK/pki
mkdir -p "$pki"
openssl ecparam -name prime256v1 -genkey -noout -out "$pki/ca.key" 2>/dev/null
openssl req -x509 -new -key "$pki/ca.key" -sha256 -days 30 -subj "/O=ikev2d test/CN=Net Test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out "$pki/ca.pem" 2>/dev/null || fail "CA certificate"
for side in west east; do
  openssl ecparam -name prime256v1 -genkey -noout -out "$pki/$side.key" 2>/dev/null
  openssl req -new -key "$pki/$side.key" -subj "/O=ikev2d test/CN=$side.example" \
    -out "$pki/$side.csr" 2>/dev/null
  printf 'subjectAltName=DNS:%s.example\nkeyUsage=critical,digitalSignature\n' "$side" \
    >"$pki/$side.ext"
  openssl x509 -req -in "$pki/$side.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
    -CAcreateserial -days 30 -sha256 -extfile "$pki/$side.ext" -out "$pki/$side.pem" \
    2>/dev/null || fail "$side certificate"
  cp "$pki/ca.pem" "$WORK/$side/ipsec.d/cacerts/ca.pem"
  cp "$pki/$side.pem" "$WORK/$side/ipsec.d/certs/$side.pem"
  cp "$pki/$side.key" "$WORK/$side/ipsec.d/private/$side.key"
  echo ": ECDSA $side.key" >"$WORK/$side/ipsec.secrets"
  chmod 600 "$WORK/$side/ipsec.secrets" "$WORK/$side/ipsec.d/private/$side.key"
done

cert_conn() {
  local side=$1 left right peer lnet rnet
  if [[ $side == west ]]; then
    left=$WEST_ADDRESS right=$EAST_ADDRESS peer=east lnet=10.1.0.0/24 rnet=10.2.0.0/24
  else
    left=$EAST_ADDRESS right=$WEST_ADDRESS peer=west lnet=10.2.0.0/24 rnet=10.1.0.0/24
  fi
  cat <<CONF
conn office
    left=$left
    right=$right
    leftcert=$side.pem
    leftid=@$side.example
    rightid=@$peer.example
    leftsubnet=$lnet
    rightsubnet=$rnet
    authby=pubkey
    forceencaps=yes
    auto=add
CONF
}
cert_conn west >"$WORK/west/ipsec.conf"
cert_conn east >"$WORK/east/ipsec.conf"
start_daemon west
start_daemon east

log "ikectl list-certs"
ctl west list-certs || fail "list-certs failed"
[[ $(records west certificate list-certs | jq length) -eq 2 ]] ||
  fail "list-certs: $(records west certificate list-certs)"
records west certificate list-certs | jq -e 'map(select(.is_ca)) | length == 1' >/dev/null ||
  fail "no CA in list-certs"
records west certificate list-certs |
  jq -e 'map(select(.has_private_key and (.subject | test("west.example")))) | length == 1' \
    >/dev/null || fail "our certificate is not marked as having its key"

log "ikectl up office (certificates)"
ctl west up office
wait_for 5 "IKE SA on west" 'test "$(ike_states west)" == "office:ESTABLISHED"'
[[ $(ike_states east) == "office:ESTABLISHED" ]] || fail "east status: $(ike_states east)"
check_first west ike_sa '.remote_id == "east.example"' || fail "west does not see east.example"
check_first east ike_sa '.remote_id == "west.example"' || fail "east does not see west.example"
check_first west ike_sa '.local == "10.99.0.1[4500]" and .remote == "10.99.0.2[4500]"' ||
  fail "forceencaps: IKE SA not on the NAT-T port: $(records west ike_sa)"

log "SIGTERM"
stop_daemon west
stop_daemon east
for side in west east; do
  [[ -z $(our_policies $side) ]] || fail "$side policies after SIGTERM: $(our_policies $side)"
  [[ -z $(our_states $side) ]] || fail "$side SAs after SIGTERM: $(our_states $side)"
done
log "PASS"
