#!/bin/bash
# check_man.sh MAN_DIR — every page in MAN_DIR formats without a single
# warning, with groff at its strictest (-ww) and through man(1) as a reader
# sees it. Exit 77 (skipped) without groff or man.
set -euo pipefail
man_dir=$1
command -v groff >/dev/null && command -v man >/dev/null || {
  echo "skipped: install groff-base and man-db"
  exit 77
}
pages=("$man_dir"/*.[1-8])
[ -e "${pages[0]}" ] || { echo "check_man: FAIL: no pages in $man_dir" >&2; exit 1; }
status=0
for page in "${pages[@]}"; do
  warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
  warnings+=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
  # The NAME section is what whatis/apropos index: "name \- description".
  if ! sed -n '/^\.SH NAME/{n;p;q}' "$page" | grep -q ' \\- '; then
    warnings+="NAME section is not 'name \\- description'"
  fi
  if [ -n "$warnings" ]; then
    echo "check_man: FAIL: $page:" >&2
    echo "$warnings" >&2
    status=1
  else
    echo "ok: $(basename "$page")"
  fi
done
exit $status
