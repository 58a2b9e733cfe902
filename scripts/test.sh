#!/usr/bin/env bash
# Run the whole suite; pytest's "no tests collected" (exit 5) is a failure, never a pass.
set -uo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: failing the run." >&2
    exit 1
fi
exit "$status"
