#!/bin/bash
# Installs, from Debian 12's archive, everything ikev2d needs to build, test,
# fuzz and run its demo. Safe to run again: apt only fetches what is missing.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev clang-format
  libboost-dev libssl-dev libmnl-dev nlohmann-json3-dev libsystemd-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  iproute2 iputils-ping kmod user-mode-linux jq openssl
  systemd groff-base man-db iptables nftables conntrack
  strongswan-charon strongswan-swanctl strongswan-pki libstrongswan-standard-plugins
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
