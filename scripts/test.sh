#!/usr/bin/env bash
# Run the whole suite, spread over the machine's cores (pytest-xdist; PITCHCHECK_TEST_WORKERS=0, or any -n, --pdb,
# -s or -p no:xdist given, runs it as asked); pytest's "no tests collected" (exit 5) is a failure, never a pass.
set -uo pipefail
cd "$(dirname "$0")/.."
workers="${PITCHCHECK_TEST_WORKERS:-auto}"
spread=(-n "$workers" --dist loadgroup)
for arg in "$@"; do
    case "$arg" in
        -n* | --numprocesses* | --pdb | -s | --capture=no | no:xdist) spread=() ;;
    esac
done
[ "$workers" = "0" ] && spread=()
.venv/bin/python -m pytest ${spread[@]+"${spread[@]}"} "$@"
status=$?
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: failing the run." >&2
    exit 1
fi
exit "$status"
