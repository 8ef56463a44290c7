#!/bin/bash
# The authentication matrix of issue 5: ikev2d (west) against charon (east),
# each case started once by `ikectl up` and once by `swanctl --initiate`:
# PSK; ECDSA P-256 and P-384, RSA-2048 with RSASSA-PSS and with PKCS#1 v1.5
# (RFC 7427), RSA-4096 and Ed25519 certificates; an end entity under an
# intermediate CA (only the root trusted by the verifier, the intermediate
# sent in a CERT payload); and refusals with AUTHENTICATION_FAILED and a
# readable reason for a revoked certificate (CRL loaded locally) and for a
# certificate from a CA the verifier does not trust, each on either side.
#
# One ikev2d and one charon for all cases; case N has its own address pair
# (case_addresses N), identities NAME-west.example / NAME-east.example and
# the hosts 10.1.N.1 (west's lo) / 10.2.N.1 (east's lo) as selectors. On
# the host only the IKE SAs are checked; with ESP (the lab kernel) also the
# CHILD SAs on both sides, 5 pings and a 2 MB TCP transfer through the
# tunnel, and the SA packet and byte counters of both sides against what was
# sent and against each other.
#
# AUTH_ONLY=REGEX runs some cases, AUTH_BULK_BYTES sets the transfer's size,
# AUTH_KEEP_LOGS=DIR keeps both daemons' logs.
source "$(dirname "$0")/lib.sh"
interop_setup auth

SWANCTL_CONNECTIONS=""
declare -a PASSING=()  # NAME:N of the cases expected to come up
declare -a REFUSED=()  # NAME:N:WHO:REASON of the cases expected to fail
declare -A RESULT=()   # NAME/ROLE -> pass or the reason of the failure

# west_conn NAME N EXTRA: ikev2d's side of case N.
west_conn() {
  local name=$1 n=$2 extra=$3
  cat >>"$WORK/west/ipsec.conf" <<CONF
conn $name
    left=$CASE_WEST
    right=$CASE_EAST
    leftid=@$name-west.example
    rightid=@$name-east.example
    leftsubnet=10.1.$n.1/32
    rightsubnet=10.2.$n.1/32
    keyingtries=1
    auto=add
$extra

CONF
}

# east_conn NAME N LOCAL_AUTH REMOTE_AUTH [CERT]: charon's side of case N.
east_conn() {
  local name=$1 n=$2 local_auth=$3 remote_auth=$4 cert=${5:-}
  SWANCTL_CONNECTIONS+="
  $name {
    local_addrs = $CASE_EAST
    remote_addrs = $CASE_WEST
    local {
      auth = $local_auth
      id = $name-east.example
      ${cert:+certs = $cert.pem}
    }
    remote {
      auth = $remote_auth
      id = $name-west.example
    }
    children {
      net {
        local_ts = 10.2.$n.1/32
        remote_ts = 10.1.$n.1/32
      }
    }
  }"
}

# ee_cert NAME ISSUER TYPE SIZE DN SAN [pki --issue options]: pki_cert, but
# an end entity NAME-west / NAME-east gets the one key of its side and type
# (made once), since key generation is what takes time in the lab kernel.
# West and east keep different keys, so each side proves its own.
ee_cert() {
  local name=$1 issuer=$2 type=$3 size=$4 dn=$5 san=$6 side
  shift 6
  side=${name##*-}
  local key=shared-$side-$type$size
  [[ -f $WORK/pki/$key.key ]] || pki_key "$key" "$type" "$size"
  cp "$WORK/pki/$key.key" "$WORK/pki/$name.key"
  pki --issue --lifetime 30 --cacert "$WORK/pki/$issuer.pem" --cakey "$WORK/pki/$issuer.key" \
    --type priv --in "$WORK/pki/$name.key" --dn "$dn" ${san:+--san "$san"} "$@" \
    --crl "http://crl.invalid/$issuer.crl" --outform pem >"$WORK/pki/$name.pem" ||
    fail "pki --issue $name"
}

# cert_case NAME N TYPE SIZE WEST_AUTH EAST_LOCAL_AUTH EAST_REMOTE_AUTH [CA]:
# west's and east's end entities of TYPE/SIZE under CA (default: a root CA
# of TYPE/SIZE made for the case; a CA that exists is reused, since key
# generation is what takes time in the lab kernel).
cert_case() {
  local name=$1 n=$2 type=$3 size=$4 west_auth=$5 east_local=$6 east_remote=$7 ca=${8:-$1-ca}
  case_addresses "$n"
  if [[ ! -f $WORK/pki/$ca.pem ]]; then
    pki_ca "$ca" "$type" "$size" "C=CH, O=ikev2d interop, CN=$ca root CA"
    ikev2d_ca "$ca"
    charon_ca "$ca"
  fi
  ee_cert "$name-west" "$ca" "$type" "$size" "C=CH, O=ikev2d interop, CN=$name-west.example" \
    "$name-west.example"
  ee_cert "$name-east" "$ca" "$type" "$size" "C=CH, O=ikev2d interop, CN=$name-east.example" \
    "$name-east.example"
  ikev2d_credential "$name-west"
  charon_credential "$name-east"
  west_conn "$name" "$n" "    leftcert=$name-west.pem
    leftauth=$west_auth
    rightauth=pubkey"
  east_conn "$name" "$n" "$east_local" "$east_remote" "$name-east"
  PASSING+=("$name:$n")
}

if has_esp; then esp=yes; else esp=no; fi  # also caches the answer for subshells
log "making certificates (kernel with ESP: $esp)"
: >"$WORK/west/ipsec.conf"
: >"$WORK/west/ipsec.secrets"
chmod 600 "$WORK/west/ipsec.secrets"

# 1: PSK.
case_addresses 1
west_conn psk 1 "    authby=psk"
east_conn psk 1 psk psk
echo '@psk-west.example @psk-east.example : PSK "interop-auth-psk-0123456789"' \
  >>"$WORK/west/ipsec.secrets"
PASSING+=("psk:1")

cert_case ecdsa256 2 ecdsa 256 pubkey pubkey pubkey
cert_case ecdsa384 3 ecdsa 384 pubkey pubkey pubkey
# RSA with RFC 7427 signatures; charon's constraints refuse the other
# padding, so each case proves which one both sides used.
# The three RSA cases share one RSA-2048 root.
cert_case rsapss 4 rsa 2048 rsa/pss-sha256 ike:rsa/pss-sha256 ike:rsa/pss-sha256 rsa-ca
cert_case rsapkcs1 5 rsa 2048 rsa-sha256 ike:rsa-sha256 ike:rsa-sha256 rsa-ca
cert_case rsa4096 6 rsa 4096 pubkey pubkey pubkey rsa-ca
cert_case ed25519 7 ed25519 0 pubkey pubkey pubkey

# 8: end entities under intermediate CAs, one per side, below one root that
# both trust. charon holds its intermediate as an untrusted certificate
# (swanctl/x509) and sends it; ikev2d holds its own in ipsec.d/cacerts (the
# place strongSwan's ipsec.d uses for intermediates) and sends it; neither
# has the other's intermediate, so each verifies a chain from a CERT payload.
case_addresses 8
pki_ca chain-root ecdsa 256 "C=CH, O=ikev2d interop, CN=chain root CA"
pki_cert chain-west-ica chain-root ecdsa 256 "C=CH, O=ikev2d interop, CN=chain west intermediate" "" \
  --ca
pki_cert chain-east-ica chain-root ecdsa 256 "C=CH, O=ikev2d interop, CN=chain east intermediate" "" \
  --ca
ee_cert chain-west chain-west-ica ecdsa 256 "C=CH, O=ikev2d interop, CN=chain-west.example" \
  chain-west.example
ee_cert chain-east chain-east-ica ecdsa 256 "C=CH, O=ikev2d interop, CN=chain-east.example" \
  chain-east.example
ikev2d_ca chain-root
ikev2d_ca chain-west-ica
ikev2d_credential chain-west
charon_ca chain-root
cp "$WORK/pki/chain-east-ica.pem" "$CHARON_DIR/swanctl/x509/"
charon_credential chain-east
west_conn chain 8 "    leftcert=chain-west.pem
    leftauth=pubkey
    rightauth=pubkey"
east_conn chain 8 pubkey pubkey chain-east
PASSING+=("chain:8")

# refused_case NAME N WEST_ISSUER EAST_ISSUER: end entities under the given
# CAs (made before), everything else as a passing case.
refused_case() {
  local name=$1 n=$2 west_issuer=$3 east_issuer=$4
  case_addresses "$n"
  ee_cert "$name-west" "$west_issuer" ecdsa 256 "C=CH, O=ikev2d interop, CN=$name-west.example" \
    "$name-west.example"
  ee_cert "$name-east" "$east_issuer" ecdsa 256 "C=CH, O=ikev2d interop, CN=$name-east.example" \
    "$name-east.example"
  ikev2d_credential "$name-west"
  charon_credential "$name-east"
  west_conn "$name" "$n" "    leftcert=$name-west.pem
    leftauth=pubkey
    rightauth=pubkey"
  east_conn "$name" "$n" pubkey pubkey "$name-east"
}

# 9, 10: a revoked certificate, the CRL loaded at the verifier only.
pki_ca revoke-ca ecdsa 256 "C=CH, O=ikev2d interop, CN=revoke CA"
ikev2d_ca revoke-ca
charon_ca revoke-ca
refused_case revokedeast 9 revoke-ca revoke-ca
refused_case revokedwest 10 revoke-ca revoke-ca
pki --signcrl --cacert "$WORK/pki/revoke-ca.pem" --cakey "$WORK/pki/revoke-ca.key" \
  --cert "$WORK/pki/revokedeast-east.pem" --reason key-compromise --outform pem \
  >"$WORK/west/ipsec.d/crls/revoke-east.crl" 2>/dev/null || fail "pki --signcrl east"
pki --signcrl --cacert "$WORK/pki/revoke-ca.pem" --cakey "$WORK/pki/revoke-ca.key" \
  --cert "$WORK/pki/revokedwest-west.pem" --reason key-compromise --outform pem \
  >"$CHARON_DIR/swanctl/x509crl/revoke-west.crl" 2>/dev/null || fail "pki --signcrl west"
REFUSED+=("revokedeast:9:west:revoked" "revokedwest:10:east:revoked")

# 11, 12: a certificate from a CA only its owner trusts.
pki_ca trusted-ca ecdsa 256 "C=CH, O=ikev2d interop, CN=trusted CA"
pki_ca rogue-east-ca ecdsa 256 "C=CH, O=ikev2d interop, CN=rogue east CA"
pki_ca rogue-west-ca ecdsa 256 "C=CH, O=ikev2d interop, CN=rogue west CA"
ikev2d_ca trusted-ca
charon_ca trusted-ca
charon_ca rogue-east-ca
ikev2d_ca rogue-west-ca
refused_case wrongcaeast 11 trusted-ca rogue-east-ca
refused_case wrongcawest 12 rogue-west-ca trusted-ca
REFUSED+=("wrongcaeast:11:west:trusted" "wrongcawest:12:east:trusted")

cat >"$CHARON_DIR/swanctl/swanctl.conf" <<CONF
connections {$SWANCTL_CONNECTIONS
}
secrets {
  ike-psk {
    id-1 = psk-east.example
    id-2 = psk-west.example
    secret = "interop-auth-psk-0123456789"
  }
}
CONF

# Hosts behind each end for the tunnel (only used with ESP).
for entry in "${PASSING[@]}"; do
  n=${entry#*:}
  ip -n "$NS_W" addr add "10.1.$n.1/32" dev lo
  ip -n "$NS_E" addr add "10.2.$n.1/32" dev lo
  ip -n "$NS_W" route add "10.2.$n.1/32" dev vw src "10.1.$n.1"
  ip -n "$NS_E" route add "10.1.$n.1/32" dev ve src "10.2.$n.1"
done

start_daemon west
charon_start "rsa_pss = no"
log "daemons started"

# Snapshots of one connection, one process of each daemon's tool each (in
# the lab kernel every swanctl start costs time):
#   read_west CONN   W=(ESTABLISHED-IKE-SAs INSTALLED-CHILD-SAs packets_in
#                       packets_out bytes_in bytes_out IKE-SAs-in-any-state)
#   read_charon CONN C=(the same from charon's view)
# The counters are those of the first CHILD SA.
declare -a W=() C=()
read_west() {
  read -r -a W <<<"$(ctl west --json status | jq -r -s --arg conn "$1" '
    map(select(.type == "ike_sa" and .connection == $conn)) as $sas
    | ($sas | map(select(.state == "ESTABLISHED")) | .[0].children // []) as $children
    | [($sas | map(select(.state == "ESTABLISHED")) | length),
       ($children | map(select(.state == "INSTALLED")) | length),
       ($children[0].packets_in // 0), ($children[0].packets_out // 0),
       ($children[0].bytes_in // 0), ($children[0].bytes_out // 0), ($sas | length)]
    | map(tostring) | join(" ")')"
}
count_of() {
  local text=$1 word=$2
  local without=${text//"$word"/}
  echo $(((${#text} - ${#without}) / ${#word}))
}
read_charon() {
  local raw value field
  raw=$(swan --list-sas --ike "$1" --raw 2>/dev/null)
  C=("$(count_of "$raw" "state=ESTABLISHED")" "$(count_of "$raw" "state=INSTALLED")")
  for field in packets-in packets-out bytes-in bytes-out; do
    value=0
    [[ $raw =~ $field=([0-9]+) ]] && value=${BASH_REMATCH[1]}
    C+=("$value")
  done
  C+=("$(count_of "$raw" "uniqueid=")")
}
read_both() { read_west "$1" && read_charon "$1"; }
counters() {
  echo "west in/out ${W[2]}/${W[3]} pkts ${W[4]}/${W[5]} B, charon in/out ${C[2]}/${C[3]} pkts ${C[4]}/${C[5]} B"
}

# traffic NAME N: 5 pings from 10.1.N.1 to 10.2.N.1 on fresh SAs, after
# which the counters of both sides are exactly what was sent (5 packets of
# 84 bytes each way: IP + ICMP + 56 bytes, as the kernel counts ESP SAs by
# inner packet); then a TCP transfer of $BULK_BYTES from west to east, all
# of it received, the data direction at least that many bytes on both
# sides, the ACK direction equal on both (the sender's kernel counts TCP
# segmentation offload batches as one packet, the receiver each segment, so
# the data direction's packet counts differ between the two).
BULK_BYTES=${AUTH_BULK_BYTES:-2097152}
traffic() {
  local name=$1 n=$2 out received start
  out=$(ip netns exec "$NS_W" ping -n -q -c 5 -i 0.05 -W 2 -I "10.1.$n.1" "10.2.$n.1" 2>&1) ||
    { echo "ping: $out"; return 1; }
  [[ $out == *" 0% packet loss"* ]] || { echo "ping: $out"; return 1; }
  for _ in $(seq 1 20); do
    read_both "$name"
    [[ "${W[*]:2:4}" == "5 5 420 420" && "${C[*]:2:4}" == "5 5 420 420" ]] && break
    sleep 0.1
  done
  [[ "${W[*]:2:4}" == "5 5 420 420" && "${C[*]:2:4}" == "5 5 420 420" ]] ||
    { echo "after 5 pings: $(counters)"; return 1; }
  rm -f "$WORK/bulk.$n"
  ip netns exec "$NS_E" perl -MIO::Socket::INET -e '
    my $server = IO::Socket::INET->new(LocalAddr => $ARGV[0], LocalPort => 5001, Listen => 1,
                                       ReuseAddr => 1) or die "listen: $!";
    print STDERR "listening\n";
    my $client = $server->accept or die "accept: $!";
    my ($total, $buffer) = (0, "");
    while ((my $got = sysread($client, $buffer, 65536)) > 0) { $total += $got }
    print "$total\n";' "10.2.$n.1" >"$WORK/bulk.$n" 2>"$WORK/bulk.$n.err" &
  local listener=$!
  wait_for 5 "TCP listener on 10.2.$n.1" "grep -q listening '$WORK/bulk.$n.err'"
  start=$(date +%s%N)
  ip netns exec "$NS_W" bash -c "head -c $BULK_BYTES /dev/zero >/dev/tcp/10.2.$n.1/5001" ||
    { kill "$listener" 2>/dev/null; echo "TCP transfer failed"; return 1; }
  wait "$listener"
  local milliseconds=$((($(date +%s%N) - start) / 1000000))
  received=$(<"$WORK/bulk.$n")
  [[ $received == "$BULK_BYTES" ]] || { echo "TCP: received ${received:-nothing}"; return 1; }
  # The last ACKs may still be on their way.
  for _ in $(seq 1 20); do
    read_both "$name"
    [[ ${W[2]} == "${C[3]}" && ${W[4]} == "${C[5]}" ]] && break
    sleep 0.1
  done
  [[ ${W[2]} == "${C[3]}" && ${W[4]} == "${C[5]}" ]] || { echo "ACK direction differs: $(counters)"; return 1; }
  ((W[5] >= BULK_BYTES + 420 && C[4] >= BULK_BYTES + 420 && C[2] >= W[3])) ||
    { echo "data direction short of $BULK_BYTES B: $(counters)"; return 1; }
  echo "5 pings exact; $BULK_BYTES B TCP in $milliseconds ms: $(counters)"
}

# established NAME N ROLE: the checks of an established case; prints why not.
established() {
  local name=$1 n=$2
  read_both "$name"
  [[ ${W[0]} == 1 ]] || { echo "west: no established IKE SA"; return 1; }
  [[ ${C[0]} == 1 ]] || { echo "charon: no established IKE SA"; return 1; }
  has_esp || return 0
  [[ ${W[1]} == 1 ]] || { echo "west: no INSTALLED CHILD SA"; return 1; }
  [[ ${C[1]} == 1 ]] || { echo "charon: no INSTALLED CHILD SA"; return 1; }
  traffic "$name" "$n"
}

# poll SECONDS 'COMMAND': like wait_for, but only returns false on timeout.
poll() {
  local tries=$(($1 * 20))
  for _ in $(seq 1 $tries); do
    eval "$2" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  return 1
}

record() {
  local key=$1 result=$2
  RESULT[$key]=$result
  log "$key: $result"
}

# bring_down NAME: no IKE SA of NAME left on either side (ikectl down, and
# swanctl --terminate for what charon still holds).
gone() { read_both "$1" && [[ ${W[6]} == 0 && ${C[6]} == 0 ]]; }
bring_down() {
  local name=$1
  ctl west down "$name" >/dev/null 2>&1
  poll 3 "gone $name" && return 0
  swan --terminate --ike "$name" --force --timeout 5 >/dev/null 2>&1
  poll 5 "gone $name" || fail "$name: IKE SAs left: west $(ike_states west), charon ${C[6]}"
}

# AUTH_ONLY=REGEX runs only the cases whose name matches.
selected() { [[ -z ${AUTH_ONLY:-} || $1 =~ $AUTH_ONLY ]]; }

for entry in "${PASSING[@]}"; do
  name=${entry%%:*} n=${entry#*:}
  selected "$name" || continue
  log "== $name: ikectl up"
  out=$(ctl west up "$name" 2>&1)
  log "   ikectl up returned"
  if why=$(established "$name" "$n"); then
    record "$name/ikectl" pass
    [[ -n $why ]] && log "   $why"
  else
    record "$name/ikectl" "FAIL: $why"
    echo "$out"
  fi
  bring_down "$name"

  log "== $name: swanctl --initiate"
  swan --initiate --ike "$name" --child net --timeout 10 >"$WORK/initiate.out" 2>&1
  log "   swanctl --initiate returned"
  poll 5 "read_west $name && [[ \${W[0]} == 1 ]]"
  if why=$(established "$name" "$n"); then
    record "$name/swanctl" pass
    [[ -n $why ]] && log "   $why"
  else
    record "$name/swanctl" "FAIL: $why"
    tail -5 "$WORK/initiate.out"
  fi
  bring_down "$name"
done

# Refusals. WHO is the verifier that holds the CRL / lacks the CA; REASON a
# word its log must give. Only the log lines of the attempt are searched.
log_since() { tail -n +"$(($2 + 1))" "$1"; }
lines() { wc -l <"$1"; }

for entry in "${REFUSED[@]}"; do
  IFS=: read -r name n who reason <<<"$entry"
  selected "$name" || continue
  log "== $name (refused by $who): ikectl up"
  charon_at=$(lines "$CHARON_DIR/charon.log")
  out=$(ctl west up "$name" 2>&1)
  echo "$out" | sed 's/^/   | /'
  why=""
  if [[ $who == west ]]; then
    # We refuse charon's certificate and tell charon: an INFORMATIONAL with
    # AUTHENTICATION_FAILED (RFC 7296 2.21.2).
    grep -qi "$reason" <<<"$out" || why+="ikectl up does not say '$reason'; "
    poll 5 "log_since '$CHARON_DIR/charon.log' $charon_at | grep -q 'parsed INFORMATIONAL request.*N(AUTH_FAILED)'" ||
      why+="charon did not receive AUTHENTICATION_FAILED; "
  else
    grep -q "AUTHENTICATION_FAILED" <<<"$out" || why+="ikectl up does not say AUTHENTICATION_FAILED; "
    log_since "$CHARON_DIR/charon.log" "$charon_at" | grep -qi "$reason" ||
      why+="charon's log does not say '$reason'; "
  fi
  poll 5 "read_both $name && [[ \${W[6]} == 0 && \${C[0]} == 0 ]]" ||
    why+="IKE SAs left: west ${W[6]}, charon ${C[0]} established; "
  record "$name/ikectl" "${why:+FAIL: }${why:-pass}"
  bring_down "$name"

  log "== $name (refused by $who): swanctl --initiate"
  charon_at=$(lines "$CHARON_DIR/charon.log")
  west_at=$(lines "$WORK/west/ikev2d.log")
  why=""
  swan --initiate --ike "$name" --child net --timeout 10 >"$WORK/initiate.out" 2>&1 &&
    why+="swanctl --initiate succeeded; "
  if [[ $who == west ]]; then
    # We answer IKE_AUTH with AUTHENTICATION_FAILED.
    poll 5 "log_since '$CHARON_DIR/charon.log' $charon_at | grep -q 'received AUTHENTICATION_FAILED'" ||
      why+="charon did not receive AUTHENTICATION_FAILED; "
    poll 5 "log_since '$WORK/west/ikev2d.log' $west_at | grep -qi '$reason'" ||
      why+="ikev2d's log does not say '$reason'; "
  else
    # charon refuses our certificate and tells us.
    log_since "$CHARON_DIR/charon.log" "$charon_at" | grep -qi "$reason" ||
      why+="charon's log does not say '$reason'; "
    poll 5 "log_since '$WORK/west/ikev2d.log' $west_at | grep -q 'AUTHENTICATION_FAILED'" ||
      why+="ikev2d's log does not show charon's AUTHENTICATION_FAILED; "
  fi
  poll 5 "read_west $name && [[ \${W[6]} == 0 ]]" || why+="west kept an IKE SA; "
  record "$name/swanctl" "${why:+FAIL: }${why:-pass}"
  bring_down "$name"
done

log "===== authentication matrix ($(has_esp && echo "ESP kernel: IKE, CHILD SAs, traffic" ||
  echo "host: IKE SAs only"))"
failed=0
passed=0
for key in $(printf '%s\n' "${!RESULT[@]}" | sort); do
  printf '  %-22s %s\n' "$key" "${RESULT[$key]}"
  if [[ ${RESULT[$key]} == pass ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
log "$passed passed, $failed failed"
# AUTH_KEEP_LOGS=DIR keeps both daemons' logs.
if [[ -n ${AUTH_KEEP_LOGS:-} ]]; then
  mkdir -p "$AUTH_KEEP_LOGS"
  cp "$CHARON_DIR/charon.log" "$WORK/west/ikev2d.log" "$AUTH_KEEP_LOGS/"
fi
((failed == 0)) || fail "$failed cases of the authentication matrix failed"
stop_daemon west
log "PASS"
