#!/bin/bash
# compare.sh — ikev2d against strongSwan's charon as IKEv2 responders, side
# by side on this machine (issue 6). Run as root from anywhere:
#
#   sudo bench/compare/compare.sh
#
# Two network namespaces joined by a veth: the responder's (10.98.0.2) and
# the load generator's (10.98.0.1 plus 10.78.0.1-254). For each case (PSK +
# x25519, ECDSA P-256 + x25519, RSA-2048 + ecp256) ikev2d and charon run in
# turn, each freshly started for each count; ikev2d-load establishes
# COUNT_SMALL, then COUNT_LARGE IKE SAs and leaves them up on the responder,
# whose CPU time (/proc/PID/stat) and VmRSS are read before and after.
# bench/compare/README.md explains every number. Environment (defaults):
#   COUNT_SMALL=10000 COUNT_LARGE=100000 (0: skip)  CASES="psk ecdsa rsa"
#   RESPONDERS="ikev2d charon"  CONCURRENCY=64  LOAD_TIMEOUT=60 (s per handshake)
#   RUN_BUDGET=0 (s per ikev2d-load run; 0: none; when used up the run is
#   stopped and the SAs established so far are measured)
#   JSON_OUT=FILE (raw numbers)  TABLE_OUT=FILE (the markdown table too)
#   IKEV2D IKECTL IKEV2D_LOAD PRIMITIVE_COSTS (none given: built in build/ first)
#   LOAD_THREADS=$(nproc) (ikev2d-load --threads)
#   CHARON=/usr/lib/ipsec/charon  KEEP_WORK=1 (keep the temp dir and logs)
# Everything it creates (namespaces by name, processes by PID, the temp
# dir) is removed on exit, also on failure and Ctrl-C.

set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Without IKEV2D, IKECTL, IKEV2D_LOAD and PRIMITIVE_COSTS given, main()
# installs what is missing (scripts/install-deps.sh) and builds the four in
# the README's build directory, build/ (RelWithDebInfo), first.
BUILD_FIRST=yes
[[ -n ${IKEV2D:-}${IKECTL:-}${IKEV2D_LOAD:-}${PRIMITIVE_COSTS:-} ]] && BUILD_FIRST=""
IKEV2D=${IKEV2D:-$REPO/build/daemon/ikev2d}
IKECTL=${IKECTL:-$REPO/build/cli/ikectl}
IKEV2D_LOAD=${IKEV2D_LOAD:-$REPO/build/tools/load/ikev2d-load}
PRIMITIVE_COSTS=${PRIMITIVE_COSTS:-$REPO/build/bench/primitive_costs}
CHARON=${CHARON:-/usr/lib/ipsec/charon}
COUNT_SMALL=${COUNT_SMALL:-10000}
COUNT_LARGE=${COUNT_LARGE:-100000}
CASES=${CASES:-"psk ecdsa rsa"}
RESPONDERS=${RESPONDERS:-"ikev2d charon"}
CONCURRENCY=${CONCURRENCY:-64}
LOAD_TIMEOUT=${LOAD_TIMEOUT:-60}
JSON_OUT=${JSON_OUT:-}
TABLE_OUT=${TABLE_OUT:-}
KEEP_WORK=${KEEP_WORK:-}
PRIMITIVE_MIN_TIME=${PRIMITIVE_MIN_TIME:-0.5}
RUN_BUDGET=${RUN_BUDGET:-0}

RESPONDER_ADDRESS=10.98.0.2
LOAD_ADDRESS=10.98.0.1
SOURCE_PREFIX=10.78.0 # .1-.254: the load generator's /24
SOURCE_COUNT=254
FIRST_PORT=1000
PSK=ikev2d-compare-0123456789abcdef
CORES=$(nproc)
LOAD_THREADS=${LOAD_THREADS:-$CORES}
CLK_TCK=$(getconf CLK_TCK)

MAX_PORTS=4096
NS_R=""
NS_L=""
WORK=""
RESPONDER_PID=""
LOAD_PID=""

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
die() {
  echo "compare.sh: $*" >&2
  exit 1
}

# kill_pid PID GRACE: SIGTERM, SIGKILL after GRACE seconds.
kill_pid() {
  local pid=$1 grace=$2
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 $((grace * 10))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  kill_pid "$LOAD_PID" 1
  kill_pid "$RESPONDER_PID" 2
  [[ -n $NS_L ]] && ip netns delete "$NS_L" 2>/dev/null
  [[ -n $NS_R ]] && ip netns delete "$NS_R" 2>/dev/null
  if [[ -n $WORK && -d $WORK ]]; then
    if [[ -n $KEEP_WORK ]]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
  fi
  exit "$status"
}

build_programs() {
  log "installing what is missing (scripts/install-deps.sh) and building in build/"
  "$REPO/scripts/install-deps.sh" || die "scripts/install-deps.sh failed"
  cmake -S "$REPO" -B "$REPO/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
    cmake --build "$REPO/build" --target ikev2d ikectl ikev2d-load primitive_costs -j "$(nproc)" ||
    die "build failed"
}

preflight() {
  [[ $(id -u) -eq 0 ]] || die "run as root (network namespaces)"
  [[ -n $BUILD_FIRST ]] && build_programs
  local tool
  for tool in "$IKEV2D" "$IKECTL" "$IKEV2D_LOAD" "$PRIMITIVE_COSTS" "$CHARON"; do
    [[ -x $tool ]] || die "$tool missing (build: see bench/compare/README.md)"
  done
  for tool in jq swanctl pki ip; do
    command -v "$tool" >/dev/null || die "$tool not installed"
  done
}

# ---- network ---------------------------------------------------------------

setup_network() {
  NS_R="ikecmp-$$-r"
  NS_L="ikecmp-$$-l"
  ip netns add "$NS_R" || die "ip netns add $NS_R"
  ip netns add "$NS_L" || die "ip netns add $NS_L"
  ip -n "$NS_L" link add vl type veth peer name vr netns "$NS_R" || die "veth"
  ip -n "$NS_L" addr add "$LOAD_ADDRESS/24" dev vl
  ip -n "$NS_R" addr add "$RESPONDER_ADDRESS/24" dev vr
  local ns
  for ns in "$NS_R" "$NS_L"; do ip -n "$ns" link set lo up; done
  ip -n "$NS_L" link set vl up
  ip -n "$NS_R" link set vr up
  local i
  for i in $(seq 1 $SOURCE_COUNT); do echo "addr add $SOURCE_PREFIX.$i/32 dev vl"; done |
    ip -n "$NS_L" -batch - || die "source addresses"
  ip -n "$NS_R" route add "$SOURCE_PREFIX.0/24" via "$LOAD_ADDRESS" || die "route"
  # Bigger default socket buffers where the kernel keeps them per namespace
  # (the host's values are never touched).
  for ns in "$NS_R" "$NS_L"; do
    ip netns exec "$ns" sysctl -q -w net.core.rmem_default=4194304 net.core.wmem_default=1048576 \
      2>/dev/null || true
  done
}

# ---- credentials and configuration ------------------------------------------

# make_pki TYPE SIZE: CA, responder and initiator certificates in $WORK/pki/TYPE.
make_pki() {
  local type=$1 size=$2 dir=$WORK/pki/$1
  mkdir -p "$dir"
  pki --gen --type "$type" --size "$size" --outform pem >"$dir/ca.key" || die "pki --gen"
  pki --self --ca --lifetime 30 --in "$dir/ca.key" --type "$type" \
    --dn "C=CH, O=ikev2d compare, CN=compare $type CA" --outform pem >"$dir/ca.pem" || die "pki --self"
  local who
  for who in responder initiator; do
    pki --gen --type "$type" --size "$size" --outform pem >"$dir/$who.key" || die "pki --gen"
    pki --issue --lifetime 30 --cacert "$dir/ca.pem" --cakey "$dir/ca.key" --type priv \
      --in "$dir/$who.key" --dn "C=CH, O=ikev2d compare, CN=$who.example" --san "$who.example" \
      --outform pem >"$dir/$who.pem" || die "pki --issue $who"
  done
}

case_name() {
  case $1 in
    psk) echo "PSK + x25519" ;;
    ecdsa) echo "ECDSA P-256 + x25519" ;;
    rsa) echo "RSA-2048 + ecp256" ;;
  esac
}
case_group() { [[ $1 == rsa ]] && echo ecp256 || echo x25519; }
case_pki() { [[ $1 == rsa ]] && echo rsa || echo ecdsa; }

write_ikev2d_config() {
  local case=$1 dir=$WORK/ikev2d group
  group=$(case_group "$case")
  rm -rf "$dir"
  mkdir -p "$dir"/{ipsec.d/cacerts,ipsec.d/certs,ipsec.d/private,ipsec.d/crls,run}
  chmod 700 "$dir/ipsec.d/private"
  {
    echo "conn rw"
    echo "    left=$RESPONDER_ADDRESS"
    echo "    right=%any"
    echo "    rightid=%any"
    echo "    ike=aes128gcm16-prfsha256-$group!"
    echo "    esp=aes128gcm16!"
    echo "    auto=add"
    if [[ $case == psk ]]; then
      echo "    leftid=@responder.example"
      echo "    authby=psk"
    else
      echo "    leftcert=responder.pem"
      echo "    leftauth=pubkey"
      echo "    rightauth=pubkey"
    fi
  } >"$dir/ipsec.conf"
  if [[ $case == psk ]]; then
    echo ": PSK \"$PSK\"" >"$dir/ipsec.secrets"
  else
    local pki_dir=$WORK/pki/$(case_pki "$case") kind=ECDSA
    [[ $case == rsa ]] && kind=RSA
    cp "$pki_dir/ca.pem" "$dir/ipsec.d/cacerts/ca.pem"
    cp "$pki_dir/responder.pem" "$dir/ipsec.d/certs/responder.pem"
    cp "$pki_dir/responder.key" "$dir/ipsec.d/private/responder.key"
    echo ": $kind responder.key" >"$dir/ipsec.secrets"
  fi
  chmod 600 "$dir/ipsec.secrets"
}

write_charon_config() {
  local case=$1 dir=$WORK/charon group
  group=$(case_group "$case")
  rm -rf "$dir"
  mkdir -p "$dir"/swanctl/{x509,x509ca,private}
  chmod 700 "$dir/swanctl/private"
  # Not throttled: every DoS threshold far above what the run produces;
  # bigger IKE SA hash table than the default (1 bucket) for 100,000 SAs.
  # Threads: charon's default (16).
  cat >"$dir/strongswan.conf" <<CONF
charon {
  load = random nonce openssl pem pkcs1 pkcs8 x509 revocation constraints pubkey aes sha1 sha2 hmac gcm kdf kernel-netlink socket-default vici
  install_routes = no
  block_threshold = 1000000
  cookie_threshold = 1000000
  cookie_threshold_ip = 1000000
  init_limit_half_open = 1000000
  ikesa_table_size = 65536
  ikesa_table_segments = 16
  plugins { vici { socket = unix://$dir/charon.vici } }
  filelog { log { path = $dir/charon.log
                  time_format = %T
                  default = 0
                  flush_line = no } }
}
swanctl { load = pem pkcs1 pkcs8 x509 openssl }
CONF
  local local_auth remote_auth
  if [[ $case == psk ]]; then
    local_auth="auth = psk
      id = @responder.example"
    remote_auth="auth = psk"
  else
    local pki_dir=$WORK/pki/$(case_pki "$case")
    cp "$pki_dir/ca.pem" "$dir/swanctl/x509ca/ca.pem"
    cp "$pki_dir/responder.pem" "$dir/swanctl/x509/responder.pem"
    cp "$pki_dir/responder.key" "$dir/swanctl/private/responder.key"
    local_auth="auth = pubkey
      certs = responder.pem"
    remote_auth="auth = pubkey"
  fi
  cat >"$dir/swanctl/swanctl.conf" <<CONF
connections {
  rw {
    version = 2
    local_addrs = $RESPONDER_ADDRESS
    proposals = aes128gcm16-prfsha256-$group
    unique = never
    local {
      $local_auth
    }
    remote {
      $remote_auth
    }
    children {
      c {
        esp_proposals = aes128gcm16
      }
    }
  }
}
secrets {
  ike-psk {
    secret = "$PSK"
  }
}
CONF
}

# ---- responders ---------------------------------------------------------------

start_responder() {
  local responder=$1
  if [[ $responder == ikev2d ]]; then
    local dir=$WORK/ikev2d
    ip netns exec "$NS_R" "$IKEV2D" --config "$dir/ipsec.conf" --secrets "$dir/ipsec.secrets" \
      --ipsec-d "$dir/ipsec.d" --runtime-dir "$dir/run" --log-level warning \
      >>"$dir/ikev2d.log" 2>&1 &
    RESPONDER_PID=$!
    for _ in $(seq 1 100); do
      [[ -S $dir/run/ikev2d.sock ]] && break
      kill -0 "$RESPONDER_PID" 2>/dev/null || die "ikev2d exited at start: $(tail -5 "$dir/ikev2d.log")"
      sleep 0.05
    done
    [[ -S $dir/run/ikev2d.sock ]] || die "ikev2d did not start"
    "$IKECTL" --socket "$dir/run/ikev2d.sock" list-conns >/dev/null || die "ikectl list-conns"
  else
    local dir=$WORK/charon
    rm -f "$dir/charon.vici"
    # charon's pid file is fixed at /var/run/charon.pid: a private /run.
    ip netns exec "$NS_R" unshare -m sh -c \
      "mount -t tmpfs none /run; STRONGSWAN_CONF=$dir/strongswan.conf exec $CHARON" \
      >>"$dir/charon.stdout" 2>&1 &
    RESPONDER_PID=$!
    for _ in $(seq 1 100); do
      [[ -S $dir/charon.vici ]] && break
      kill -0 "$RESPONDER_PID" 2>/dev/null || die "charon exited at start: $(tail -5 "$dir/charon.stdout")"
      sleep 0.05
    done
    [[ -S $dir/charon.vici ]] || die "charon did not start"
    local out
    out=$(cd "$dir/swanctl" && STRONGSWAN_CONF=$dir/strongswan.conf swanctl --load-all --noprompt \
      --uri "unix://$dir/charon.vici" --file "$dir/swanctl/swanctl.conf" 2>&1) || die "swanctl: $out"
    grep -v "^opening directory" <<<"$out" | grep -qi "fail\|error" && die "swanctl: $out"
  fi
  local comm
  comm=$(cat "/proc/$RESPONDER_PID/comm")
  [[ $comm == ikev2d || $comm == charon ]] || die "PID $RESPONDER_PID is $comm, not the responder"
}

stop_responder() {
  kill_pid "$RESPONDER_PID" 5
  RESPONDER_PID=""
}

# cpu_ticks PID: utime + stime of every thread (fields 14, 15 of stat).
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
threads() { awk '/^Threads:/ { print $2 }' "/proc/$1/status"; }

# responder_sas RESPONDER: the IKE SAs it holds established; the seconds the
# listing took (ikectl --json status streams every SA; swanctl --stats only
# counts) in $WORK/status.seconds.
responder_sas() {
  local start
  start=$(date +%s.%N)
  if [[ $1 == ikev2d ]]; then
    ip netns exec "$NS_R" "$IKECTL" --socket "$WORK/ikev2d/run/ikev2d.sock" --json status \
      >"$WORK/status.out"
  else
    STRONGSWAN_CONF=$WORK/charon/strongswan.conf swanctl --stats \
      --uri "unix://$WORK/charon/charon.vici" >"$WORK/status.out" 2>/dev/null
  fi
  echo "$(date +%s.%N) - $start" | bc >"$WORK/status.seconds"
  if [[ $1 == ikev2d ]]; then
    jq -c 'select(.type == "ike_sa" and .state == "ESTABLISHED")' "$WORK/status.out" | wc -l
  else
    awk '/^IKE_SAs:/ { print $2 }' "$WORK/status.out"
  fi
}

# ---- one measurement -----------------------------------------------------------

# measure CASE RESPONDER COUNT: a fresh responder, COUNT IKE SAs, the
# numbers as one JSON object on stdout.
measure() {
  local case=$1 responder=$2 count=$3 group
  group=$(case_group "$case")
  local ports=$(((count + SOURCE_COUNT - 1) / SOURCE_COUNT))
  ((ports > MAX_PORTS)) && ports=$MAX_PORTS
  local credentials=(--psk "$PSK" --remote-id @responder.example)
  if [[ $case != psk ]]; then
    local pki_dir=$WORK/pki/$(case_pki "$case")
    credentials=(--cert "$pki_dir/initiator.pem" --key "$pki_dir/initiator.key" --ca "$pki_dir/ca.pem")
  fi
  start_responder "$responder"
  sleep 1 # let start-up work settle before the baseline
  local cpu_before rss_before
  cpu_before=$(cpu_ticks "$RESPONDER_PID")
  rss_before=$(rss_kb "$RESPONDER_PID")
  local report=$WORK/load-$case-$responder-$count.json
  log "$(case_name "$case") / $responder: $count IKE SAs from $SOURCE_COUNT addresses x $ports ports"
  ip netns exec "$NS_L" "$IKEV2D_LOAD" "$RESPONDER_ADDRESS" \
    --from "$SOURCE_PREFIX.1-$SOURCE_PREFIX.$SOURCE_COUNT" --ports "$ports" --first-port $FIRST_PORT \
    --count "$count" --concurrency "$CONCURRENCY" --threads "$LOAD_THREADS" --timeout "$LOAD_TIMEOUT" \
    --ike "aes128gcm16-prfsha256-$group!" --esp "aes128gcm16!" "${credentials[@]}" \
    --json >"$report" 2>"$WORK/load.err" &
  LOAD_PID=$!
  # RUN_BUDGET: ikev2d-load ends at SIGINT and reports what it measured.
  local started=$SECONDS stopped=false
  while [[ $RUN_BUDGET -gt 0 ]] && kill -0 "$LOAD_PID" 2>/dev/null; do
    if ((SECONDS - started >= RUN_BUDGET)); then
      log "  run budget of $RUN_BUDGET s used up: stopping ikev2d-load"
      kill -INT "$LOAD_PID"
      stopped=true
      break
    fi
    sleep 1
  done
  wait "$LOAD_PID"
  local load_code=$?
  LOAD_PID=""
  [[ -s $report ]] || die "ikev2d-load (exit $load_code) wrote no report: $(tail -5 "$WORK/load.err")"
  # The SAs stay up on the responder (the tool just went away: no DPD on
  # either side). Read CPU and memory before asking for the SA count.
  sleep 1
  kill -0 "$RESPONDER_PID" 2>/dev/null || die "$responder died during the run"
  local cpu_after rss_after thread_count held
  cpu_after=$(cpu_ticks "$RESPONDER_PID")
  rss_after=$(rss_kb "$RESPONDER_PID")
  thread_count=$(threads "$RESPONDER_PID")
  held=$(responder_sas "$responder")
  local status_seconds
  status_seconds=$(cat "$WORK/status.seconds")
  [[ $status_seconds == .* ]] && status_seconds=0$status_seconds
  stop_responder
  jq -c --arg case "$case" --arg responder "$responder" --argjson count "$count" \
    --argjson ports "$ports" --argjson cpu_ticks "$((cpu_after - cpu_before))" \
    --argjson clk "$CLK_TCK" --argjson rss_before "$rss_before" --argjson rss_after "$rss_after" \
    --argjson held "${held:-0}" --argjson threads "$thread_count" --argjson load_exit "$load_code" \
    --argjson status_seconds "$status_seconds" --argjson stopped "$stopped" '
    {case: $case, responder: $responder, count: $count,
     source_endpoints: ($ports * '"$SOURCE_COUNT"'), load_exit: $load_exit,
     established: .established, failed: .failed, failures: .ike.failures,
     child_failures: .child.failures, child_established: .child.succeeded,
     ike_lost: .ike_lost, responder_held: $held,
     status_seconds: $status_seconds, stopped_by_budget: $stopped,
     handshakes_per_second: .handshakes_per_second,
     p50_ms: .ike_latency.p50_ms, p99_ms: .ike_latency.p99_ms,
     responder_cpu_seconds: ($cpu_ticks / $clk),
     cpu_ms_per_handshake: (if .established > 0 then $cpu_ticks / $clk * 1000 / .established else null end),
     rss_kb_before: $rss_before, rss_kb_after: $rss_after,
     rss_bytes_per_sa: (if .established > 0 then ($rss_after - $rss_before) * 1024 / .established | floor else null end),
     responder_threads: $threads, load_tool_cpu_seconds: .tool_cpu_seconds,
     load_tool_cpu_ms_per_handshake: (if .established > 0 then .tool_cpu_seconds * 1000 / .established else null end),
     load: .}' "$report"
}

# ---- the crypto-bound limit --------------------------------------------------------

# Which primitive_costs benchmarks one responder handshake of each case sums.
crypto_ops() {
  case $1 in
    psk) echo "BM_keyex_x25519 BM_ike_key_derivation BM_psk_auth_pair BM_aead_pair/256 BM_nonce_and_spi" ;;
    ecdsa) echo "BM_keyex_x25519 BM_ike_key_derivation BM_id_prf_pair BM_sign/ecdsa_p256 BM_verify/ecdsa_p256 BM_cert_verify/ecdsa_p256 BM_aead_pair/1536 BM_nonce_and_spi" ;;
    rsa) echo "BM_keyex_ecp256 BM_ike_key_derivation BM_id_prf_pair BM_sign/rsa_2048 BM_verify/rsa_2048 BM_cert_verify/rsa_2048 BM_aead_pair/2048 BM_nonce_and_spi" ;;
  esac
}

measure_primitives() {
  log "measuring the primitives (primitive_costs)"
  "$PRIMITIVE_COSTS" --benchmark_format=json --benchmark_min_time="$PRIMITIVE_MIN_TIME" \
    >"$WORK/primitives.json" 2>"$WORK/primitives.err" || die "primitive_costs failed"
}

# crypto_json CASE: the case's operations and their sum, seconds per handshake.
crypto_json() {
  local ops
  ops=$(crypto_ops "$1")
  jq -c --arg ops "$ops" --argjson cores "$CORES" '
    def seconds: .cpu_time * ({"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}[.time_unit]);
    ($ops | split(" ")) as $names
    | [.benchmarks[] | select(.name as $n | $names | index($n)) | {(.name): seconds}] | add as $parts
    | ($parts | add) as $total
    | {operations: $parts, seconds_per_handshake: $total, cores: $cores,
       limit_handshakes_per_second: ($cores / $total)}' "$WORK/primitives.json"
}

# ---- output ----------------------------------------------------------------------------

fmt() { jq -rn --argjson v "${1:-null}" --argjson d "$2" 'if $v == null then "-" else ($v * pow(10; $d) | round / pow(10; $d) | tostring) end'; }

point() { [[ -f $WORK/points/$1.json ]] && jq -c . "$WORK/points/$1.json" || echo null; }

established_text() {
  local small=$1 large=$2
  jq -rn --argjson s "$small" --argjson l "$large" '
    def one: if . == null then empty
      elif .established == .count and .responder_held == .established then "\(.established)/\(.count)"
      else "\(.established)/\(.count) held \(.responder_held)"
        + (if .stopped_by_budget then " (stopped after the run budget)" else "" end)
        + (if (.failures // {}) | length > 0
        then " (" + ((.failures | to_entries | map("\(.value)x \(.key)")) | join("; ")) + ")" else "" end)
      end;
    ([$s, $l] | map(select(. != null))) as $all
    | (if ($all | all(.established == .count and .responder_held == .established)) then "yes" else "NO" end)
      + ": " + ([$s, $l] | map(one) | join(", "))'
}

render_table() {
  local large_label=$COUNT_LARGE
  # IKE-only: on a kernel without ESP both responders must refuse every
  # CHILD SA in IKE_AUTH (NO_PROPOSAL_CHOSEN) and keep the IKE SA up.
  jq -rs '
    (map(select(.child_established == 0 and ((.child_failures // {}) | keys | all(test("NO_PROPOSAL_CHOSEN")))
                and .responder_held == .established and .ike_lost == 0)) | length) as $ok
    | if $ok == length then
        "IKE-only comparison: in all \(length) runs the responder answered IKE_AUTH without the CHILD SA (NO_PROPOSAL_CHOSEN: the kernel has no ESP), held every IKE SA it established and lost none."
      else
        "WARNING: in \(length - $ok) of \(length) runs CHILD SAs came up, failed for another reason, or the responder held a different number of IKE SAs than were established (a stopped run leaves handshakes in flight): "
        + (map(select((.child_established == 0 and ((.child_failures // {}) | keys | all(test("NO_PROPOSAL_CHOSEN")))
                and .responder_held == .established and .ike_lost == 0) | not)
               | "\(.case)/\(.responder)/\(.count): \(.established) established, \(.responder_held) held, \(.child_established) CHILD SAs, \(.ike_lost) lost")
           | join("; "))
      end' "$WORK"/points/*.json
  echo
  echo "| case | responder | handshakes/s | CPU ms/handshake | RSS B/SA @$COUNT_SMALL | RSS B/SA @$large_label | p99 ms | all established? |"
  echo "|---|---|---:|---:|---:|---:|---:|---|"
  local case responder
  for case in $CASES; do
    for responder in $RESPONDERS; do
      local small large
      small=$(point "$case-$responder-$COUNT_SMALL")
      large=$(point "$case-$responder-$COUNT_LARGE")
      [[ $COUNT_LARGE -eq 0 ]] && large=null
      echo "| $(case_name "$case") | $responder | $(fmt "$(jq '.handshakes_per_second' <<<"$small")" 0) |" \
        "$(fmt "$(jq '.cpu_ms_per_handshake' <<<"$small")" 3) |" \
        "$(fmt "$(jq '.rss_bytes_per_sa' <<<"$small")" 0) | $(fmt "$(jq '.rss_bytes_per_sa' <<<"$large")" 0) |" \
        "$(fmt "$(jq '.p99_ms' <<<"$small")" 1) | $(established_text "$small" "$large") |"
    done
    if [[ $RESPONDERS == *ikev2d* && $RESPONDERS == *charon* ]]; then
      local a b cells=""
      a=$(point "$case-ikev2d-$COUNT_SMALL")
      b=$(point "$case-charon-$COUNT_SMALL")
      local al bl
      al=$(point "$case-ikev2d-$COUNT_LARGE")
      bl=$(point "$case-charon-$COUNT_LARGE")
      [[ $COUNT_LARGE -eq 0 ]] && al=null && bl=null
      ratio() { jq -rn --argjson a "$1" --argjson b "$2" --arg f "$3" '
        ($a | if . == null then null else .[$f] end) as $x | ($b | if . == null then null else .[$f] end) as $y
        | if $x == null or $y == null or $y == 0 then "-" else "\($x / $y * 100 | round / 100)x" end'; }
      cells="| $(case_name "$case") | **ikev2d/charon** | $(ratio "$a" "$b" handshakes_per_second) |"
      cells+=" $(ratio "$a" "$b" cpu_ms_per_handshake) | $(ratio "$a" "$b" rss_bytes_per_sa) |"
      cells+=" $(ratio "$al" "$bl" rss_bytes_per_sa) | $(ratio "$a" "$b" p99_ms) | |"
      echo "$cells"
    fi
  done
  echo
  for case in $CASES; do
    local crypto small
    crypto=$(cat "$WORK/crypto-$case.json")
    small=$(point "$case-ikev2d-$COUNT_SMALL")
    jq -rn --argjson c "$crypto" --argjson s "$small" --arg name "$(case_name "$case")" '
      "- \($name): responder crypto \($c.seconds_per_handshake * 1e6 | round) µs/handshake"
      + " -> crypto-bound limit \($c.cores) cores / that = \($c.limit_handshakes_per_second | round) handshakes/s"
      + (if $s == null or $s.handshakes_per_second == null then "" else
          "; ikev2d reaches \($s.handshakes_per_second | round) = \($s.handshakes_per_second / $c.limit_handshakes_per_second * 1000 | round / 10) % of it"
          + "; the initiator performs the same operations on the same cores, so a run on this machine is bound by \($c.limit_handshakes_per_second / 2 | round) handshakes/s, of which ikev2d reaches \($s.handshakes_per_second / $c.limit_handshakes_per_second * 2000 | round / 10) %"
          + (if $s.cpu_ms_per_handshake == null or $s.cpu_ms_per_handshake == 0 then "" else
             ", CPU efficiency \($c.seconds_per_handshake * 1000 / $s.cpu_ms_per_handshake * 1000 | round / 10) % (crypto s / ikev2d CPU s per handshake)" end) end)'
  done
}

# ---- main --------------------------------------------------------------------------------

main() {
  preflight
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  WORK=$(mktemp -d /tmp/ikev2d-compare-XXXXXX)
  mkdir -p "$WORK/points"
  # One UDP socket per source endpoint in ikev2d-load: as many endpoints as
  # SAs if the open-file limit allows (it applies to this script only).
  # Without CAP_SYS_RESOURCE the hard limit caps it, and SAs share endpoints.
  ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)" || die "cannot raise the open-file limit"
  MAX_PORTS=$((($(ulimit -n) - 1000) / SOURCE_COUNT))
  ((MAX_PORTS > 4096)) && MAX_PORTS=4096
  ((MAX_PORTS >= 1)) || die "open-file limit $(ulimit -n) too small"
  log "open files: $(ulimit -n), so at most $((MAX_PORTS * SOURCE_COUNT)) source endpoints"
  # One build for the whole run, even if the build dirs change meanwhile.
  mkdir -p "$WORK/bin"
  cp "$IKEV2D" "$IKECTL" "$IKEV2D_LOAD" "$PRIMITIVE_COSTS" "$WORK/bin/" || die "copying the programs"
  local built
  built=$(stat -c '%n %y' "$IKEV2D" "$IKEV2D_LOAD" | sed "s|$REPO/||")
  IKEV2D=$WORK/bin/$(basename "$IKEV2D")
  IKECTL=$WORK/bin/$(basename "$IKECTL")
  IKEV2D_LOAD=$WORK/bin/$(basename "$IKEV2D_LOAD")
  PRIMITIVE_COSTS=$WORK/bin/$(basename "$PRIMITIVE_COSTS")
  log "programs: $(tr '\n' ';' <<<"$built") repo HEAD $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)"
  setup_network
  measure_primitives
  make_pki ecdsa 256
  make_pki rsa 2048
  local case index=0 responder order count
  for case in $CASES; do
    crypto_json "$case" >"$WORK/crypto-$case.json" || die "crypto sum for $case"
    write_ikev2d_config "$case"
    write_charon_config "$case"
    # Alternate which responder goes first, case by case.
    order=$RESPONDERS
    if ((index % 2 == 1)); then order=$(tr ' ' '\n' <<<"$RESPONDERS" | tac | tr '\n' ' '); fi
    index=$((index + 1))
    for count in $COUNT_SMALL $COUNT_LARGE; do
      [[ $count -eq 0 ]] && continue
      for responder in $order; do
        measure "$case" "$responder" "$count" >"$WORK/points/$case-$responder-$count.json"
        jq -r '"  -> \(.established)/\(.count) established (responder holds \(.responder_held)), \(.handshakes_per_second | round) handshakes/s, p99 \(.p99_ms) ms, \(.cpu_ms_per_handshake * 1000 | round / 1000) CPU ms/handshake, \(.rss_bytes_per_sa) B/SA, listing \(.status_seconds) s, \(.responder_threads) threads (ikev2d-load: \(.load_tool_cpu_ms_per_handshake * 1000 | round / 1000) CPU ms/handshake), CHILD: \(.child_established) up, failures \(.child_failures | keys | map(.[0:80]) | join("; "))"' \
          "$WORK/points/$case-$responder-$count.json" >&2
      done
    done
  done
  local table
  table=$(render_table)
  echo
  echo "$table"
  [[ -n $TABLE_OUT ]] && echo "$table" >"$TABLE_OUT"
  if [[ -n $JSON_OUT ]]; then
    jq -n --slurpfile points <(cat "$WORK"/points/*.json) \
      --argjson crypto "$(for c in $CASES; do jq -c --arg c "$c" '{($c): .}' "$WORK/crypto-$c.json"; done | jq -s add)" \
      --argjson primitives "$(cat "$WORK/primitives.json")" \
      --arg date "$(date -u +%FT%TZ)" --argjson cores "$CORES" --arg built "$built" \
      --arg head "$(git -C "$REPO" rev-parse HEAD 2>/dev/null)" \
      --arg concurrency "$CONCURRENCY" --arg load_threads "$LOAD_THREADS" \
      '{date: $date, repo_head: $head, programs_built: $built, cores: $cores, concurrency: ($concurrency | tonumber), load_threads: ($load_threads | tonumber), ike_only: true,
        points: $points, crypto: $crypto, primitives: $primitives}' >"$JSON_OUT"
    log "raw numbers: $JSON_OUT"
  fi
}

main "$@"
