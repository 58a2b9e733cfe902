#!/usr/bin/env bash
# Run the whole suite, spread over the machine's cores (pytest-xdist; PITCHCHECK_TEST_WORKERS=0 runs it in one
# process); pytest's "no tests collected" (exit 5) is a failure, never a pass.
set -uo pipefail
cd "$(dirname "$0")/.."
workers="${PITCHCHECK_TEST_WORKERS:-auto}"
spread=()
if [ "$workers" != "0" ] && [[ " $* " != *" -n "* ]]; then
    spread=(-n "$workers")
fi
.venv/bin/python -m pytest "${spread[@]}" "$@"
status=$?
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: failing the run." >&2
    exit 1
fi
exit "$status"
