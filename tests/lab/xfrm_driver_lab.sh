#!/bin/bash
# xfrm_driver_lab.sh — the XFRM driver's ESP tests in the ESP-capable lab
# kernel (tests/lab/README.md). The host kernel has XFRM but no ESP, so
# unit_daemon_xfrm's tests named *Lab* skip there; in the lab they run with
# IKEV2D_LAB=1: SAs of every default algorithm (AES-GCM-128/256,
# ChaCha20-Poly1305, AES-CBC + HMAC-SHA2-256) in tunnel and transport mode,
# with and without UDP encapsulation; ESN, wide replay windows, marks and
# lifetimes; address updates; soft and hard expire events; remove_owned; and
# datagrams both ways between two namespaces through SAs and policies the
# driver installed, with the SAs' counters read back through the driver.
#
# Two ways to run it:
#   - by ctest (label lab, test lab_xfrm_driver): CMake runs it inside the lab
#     as `lab-run env IKEV2D_SOURCE_DIR=... IKEV2D_BUILD_DIR=... bash SCRIPT`;
#   - by hand from the host: tests/lab/xfrm_driver_lab.sh [BUILD_DIR] boots
#     the lab once (tests/lab/lab-run) and runs itself inside.
# BUILD_DIR (default build-dev) must be a normal build, not ASan/TSan, whose
# binaries do not run under UML (UBSan ones do).
#
#   env: IKEV2D_LAB_FILTER  gtest filter (default *Lab*)
#        IKEV2D_LAB_RUN     the harness (default tests/lab/lab-run)
#   exit: the tests' status; 77 (skip) without the lab or the test binary.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=${IKEV2D_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
build_dir=${IKEV2D_BUILD_DIR:-${1:-$source_dir/build-dev}}
case $build_dir in /*) ;; *) build_dir=$(pwd)/$build_dir ;; esac
filter=${IKEV2D_LAB_FILTER:-*Lab*}
binary=$build_dir/tests/unit_daemon_xfrm

if [ ! -x "$binary" ]; then
  echo "skipped: $binary is not built (target unit_daemon_xfrm)"
  exit 77
fi
if ldd "$binary" 2>/dev/null | grep -q -e libasan -e libtsan; then
  echo "skipped: $binary is an ASan/TSan build, which cannot run in the lab kernel"
  exit 77
fi

if ! grep -q 'User Mode Linux' /proc/cpuinfo 2>/dev/null; then
  # On the host: boot the lab once and run this script inside it. lab-run
  # mounts the current directory read-write; the tests write only under /tmp
  # and /run, which are fresh inside.
  lab_run=${IKEV2D_LAB_RUN:-$here/lab-run}
  if ! command -v linux.uml >/dev/null || [ ! -x "$lab_run" ]; then
    echo "skipped: no lab kernel (install user-mode-linux; scripts/install-deps.sh)"
    exit 77
  fi
  cd "$build_dir"
  exec "$lab_run" env IKEV2D_SOURCE_DIR="$source_dir" IKEV2D_BUILD_DIR="$build_dir" \
    IKEV2D_LAB_FILTER="$filter" bash "$here/xfrm_driver_lab.sh"
fi

exec env IKEV2D_LAB=1 "$binary" --gtest_filter="$filter" --gtest_color=no
