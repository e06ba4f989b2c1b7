#!/usr/bin/env bash
# timed.sh LABEL COMMAND...: runs a long step, says when it starts, how long it took, and
# which step failed.
set -uo pipefail
label=$1; shift
started=$(date +%s)
printf '\n==> %s\n' "$label"
"$@"
status=$?
elapsed=$(( $(date +%s) - started ))
if [ $status -ne 0 ]; then
  printf '!! %s failed after %d s (exit %d)\n' "$label" "$elapsed" "$status" >&2
  exit $status
fi
printf '==> %s done in %d min %02d s\n' "$label" $((elapsed / 60)) $((elapsed % 60))
