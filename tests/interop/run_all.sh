#!/bin/bash
# Runs every tests/interop/*_test.sh one after the other (in the lab kernel,
# one boot for all) and prints a table of results; exit 1 if any failed.
# INTEROP_ONLY=REGEX picks some.
here=$(dirname "$(realpath "$0")")
declare -a rows=()
failed=0
for script in "$here"/*_test.sh; do
  name=$(basename "$script" _test.sh)
  [[ -n ${INTEROP_ONLY:-} && ! $name =~ $INTEROP_ONLY ]] && continue
  start=$(date +%s)
  echo "===== $name"
  bash "$script"
  code=$?
  case $code in
    0) result=pass ;;
    77) result=skip ;;
    *) result="FAIL ($code)"; failed=1 ;;
  esac
  rows+=("$(printf '%-16s %-10s %4ss' "$name" "$result" $(($(date +%s) - start)))")
done
echo "===== interop results"
printf '%s\n' "${rows[@]}"
exit $failed
