#!/bin/bash
# The test command of the README and of CI: installs what it needs on a fresh
# Debian 12 machine, checks formatting, then builds and runs every test in
# the normal build, in the AddressSanitizer+UBSan build, and the libFuzzer
# targets for a bounded time each (IKE_FUZZ_SECONDS, default 20). Network
# tests (label net) and the strongSwan interop tests (label interop) make
# their own network namespaces; lab tests boot the ESP-capable user-mode
# kernel of tests/lab.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
fuzz_seconds=${IKE_FUZZ_SECONDS:-20}

step() { printf '\n=== %s ===\n' "$*"; }

step "dependencies"
scripts/install-deps.sh

step "formatting"
scripts/check-format.sh

# Line-table debug info (-g1, -gline-tables-only) keeps backtraces and
# sanitizer reports readable and compiles about a quarter faster than -g,
# which keeps the whole run under 30 minutes on two cores.
step "normal build"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" >/dev/null
cmake --build build -j "$jobs"
(cd build && ctest --output-on-failure -j "$jobs" -L 'unit|packaging|net|interop')

# The lab kernel runs on one core, mostly waiting for its tests' timers, so
# it runs beside the sanitizer build instead of before it; its output is
# printed once it is done.
step "ESP lab kernel (user-mode Linux): started in the background"
lab_log=$(mktemp /tmp/ikev2d-lab-XXXXXX.log)
setsid bash -c 'cd build && exec ctest --output-on-failure -L lab' >"$lab_log" 2>&1 &
lab_pid=$!
stop_lab() { kill -- -"$lab_pid" 2>/dev/null || true; }
trap stop_lab EXIT

# One clang build serves as the AddressSanitizer+UBSan build of every unit
# and network test and as the libFuzzer build, so the sanitized code is
# compiled once.
step "AddressSanitizer + UBSan + libFuzzer build (clang)"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIKE_SANITIZE=ON \
  -DIKE_FUZZ=ON -DIKE_BUILD_BENCH=OFF -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
  -DIKE_FUZZ_SECONDS="$fuzz_seconds" >/dev/null
cmake --build build-fuzz -j "$jobs"

step "unit and network tests under AddressSanitizer + UBSan"
(cd build-fuzz && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j "$jobs" -L 'unit|net')

step "fuzz targets, ${fuzz_seconds}s each"
(cd build-fuzz && ctest --output-on-failure -j "$jobs" -L fuzz)

step "ESP lab kernel (user-mode Linux): kernel ESP with our binaries"
lab_status=0
wait "$lab_pid" || lab_status=$?
trap - EXIT
cat "$lab_log"
rm -f "$lab_log"
[ "$lab_status" -eq 0 ] || { echo "lab tests failed" >&2; exit "$lab_status"; }

step "all tests passed"
