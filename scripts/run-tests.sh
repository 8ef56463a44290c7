#!/bin/bash
# The test command of the README and of CI: installs what it needs on a fresh
# Debian 12 machine, checks formatting, then builds and runs every test in
# the normal build, in the AddressSanitizer+UBSan build, and the libFuzzer
# targets for a bounded time each (IKE_FUZZ_SECONDS, default 20). Network
# tests (label net) make their own network namespaces; lab tests boot the
# ESP-capable user-mode kernel of tests/lab.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
fuzz_seconds=${IKE_FUZZ_SECONDS:-20}

step() { printf '\n=== %s ===\n' "$*"; }

step "dependencies"
scripts/install-deps.sh

step "formatting"
scripts/check-format.sh

step "normal build"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$jobs"
(cd build && ctest --output-on-failure -j "$jobs" -L 'unit|packaging|net|interop')

step "ESP lab kernel (user-mode Linux): kernel ESP with our binaries"
(cd build && ctest --output-on-failure -L lab)

step "AddressSanitizer + UBSan build"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DIKE_SANITIZE=ON \
  -DIKE_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j "$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j "$jobs" -L 'unit|net')

step "fuzz targets, ${fuzz_seconds}s each"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIKE_FUZZ=ON \
  -DCMAKE_CXX_COMPILER=clang++ -DIKE_FUZZ_SECONDS="$fuzz_seconds" >/dev/null
cmake --build build-fuzz -j "$jobs"
(cd build-fuzz && ctest --output-on-failure -L fuzz)

step "all tests passed"
