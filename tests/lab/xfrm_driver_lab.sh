#!/bin/sh
# xfrm_driver_lab.sh — the XFRM driver's ESP tests in the ESP-capable lab
# kernel. The host kernel has XFRM but no ESP, so unit_daemon_xfrm's tests
# named *Lab* skip there; this boots ../shared/kernel-lab's User-Mode Linux
# kernel (esp4/esp6, AES-GCM, ChaCha20-Poly1305, AES-CBC+HMAC-SHA2, veth)
# once and runs them inside with IKEV2D_LAB=1: SAs of every algorithm in
# tunnel and transport mode with and without UDP encapsulation, ESN and
# marks, address updates, expire events, remove_owned, and datagrams between
# two namespaces through SAs installed by the driver.
#
#   usage: tests/lab/xfrm_driver_lab.sh [BUILD_DIR [GTEST_ARGS...]]
#          BUILD_DIR defaults to build-dev; it must be a normal build, not
#          ASan/TSan (their binaries do not run under UML; UBSan does).
#   env:   IKEV2D_LAB_RUN  path of lab-run (default ../shared/kernel-lab/lab-run
#                          next to the repository)
#          IKEV2D_LAB_FILTER gtest filter (default *Lab*)
#   exit:  the tests' status; 77 when the lab is not available (skip).
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$repo/build-dev}
[ $# -gt 0 ] && shift
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
binary=$build/tests/unit_daemon_xfrm
lab_run=${IKEV2D_LAB_RUN:-$repo/../shared/kernel-lab/lab-run}
filter=${IKEV2D_LAB_FILTER:-*Lab*}

if [ ! -x "$binary" ]; then
  echo "xfrm_driver_lab: $binary missing; build the target unit_daemon_xfrm first" >&2
  exit 2
fi
if ldd "$binary" 2>/dev/null | grep -q -e libasan -e libtsan; then
  echo "xfrm_driver_lab: $binary is an ASan/TSan build, which cannot run in the lab kernel" >&2
  exit 2
fi
if [ ! -x "$lab_run" ] || ! command -v linux.uml >/dev/null; then
  echo "xfrm_driver_lab: no lab kernel ($lab_run, user-mode-linux); skipped" >&2
  exit 77
fi

# lab-run mounts the current directory read-write; the tests write only under
# /tmp and /run, which are fresh inside.
cd "$build"
exec "$lab_run" env IKEV2D_LAB=1 "$binary" --gtest_filter="$filter" --gtest_color=no "$@"
