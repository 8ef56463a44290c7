# The PSK road-warrior responder that ikev2d-load is pointed at, shared by
# tests/net/load_test.sh, bench/scale/scale_run.sh and bench/dos/dos_run.sh.

# write_road_warrior_psk DIR ADDRESS PSK: DIR/ipsec.conf with conn "rw"
# (left=ADDRESS as @east.example, right=%any, PSK) and DIR/ipsec.secrets.
write_road_warrior_psk() {
  local dir=$1 address=$2 psk=$3
  cat >"$dir/ipsec.conf" <<CONF
conn rw
    left=$address
    leftid=@east.example
    right=%any
    rightid=%any
    authby=psk
    auto=add
CONF
  echo ": PSK \"$psk\"" >"$dir/ipsec.secrets"
  chmod 600 "$dir/ipsec.secrets"
}
