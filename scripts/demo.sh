#!/bin/bash
# The README's first command (`sudo scripts/demo.sh`): installs what is
# missing (scripts/install-deps.sh), builds ikev2d and ikectl in build/
# (RelWithDebInfo, the build directory scripts/run-tests.sh uses too), and
# runs the demo, tests/lab/demo_lab.sh: two ikev2d in network namespaces
# ("moon" and "sun") with certificates made on the fly, `ikectl up`,
# `ikectl status` on both sides, a ping from the subnet behind moon to the
# one behind sun through the tunnel with the ESP counters of every SA, then
# `ikectl down` and a clean shutdown.
#
# ESP SAs need a kernel with ESP. Where the host kernel has none (ours, and
# many CI machines: `ip xfrm state add ... proto esp` fails there), the demo
# runs inside the user-mode Linux kernel of tests/lab/lab-run, which boots in
# a few seconds as an ordinary process.
# Exit status: the demo's (0 when every step checked out).
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir=$(pwd)

step() { printf '\n### %s\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "demo: run it as root (sudo scripts/demo.sh): it installs packages and creates network namespaces" >&2
  exit 1
fi

step "dependencies (scripts/install-deps.sh)"
scripts/install-deps.sh

step "build: ikev2d and ikectl in build/ (RelWithDebInfo)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target ikev2d ikectl -j "$(nproc)"

# kernel_has_esp: tries an ESP SA in a throwaway namespace.
source tests/lab/daemon_lib.sh
if kernel_has_esp; then
  step "the host kernel has ESP: running the demo here"
  exec bash tests/lab/demo_lab.sh "$source_dir/build"
fi
step "the host kernel has no ESP: running the demo in the lab kernel (tests/lab/lab-run, user-mode Linux $(ls /usr/lib/uml/modules | head -n 1))"
cd build
exec "$source_dir/tests/lab/lab-run" env IKEV2D_SOURCE_DIR="$source_dir" \
  IKEV2D_BUILD_DIR="$source_dir/build" bash "$source_dir/tests/lab/demo_lab.sh"
