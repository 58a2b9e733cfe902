#!/usr/bin/env bash
# Create or refresh .venv from requirements.lock; a stamp keyed on the lock's hash makes a re-run a no-op.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
UV_VERSION="0.13.9"
lock_hash=$(cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)
stamp=".venv/.installed-$lock_hash"

if [ -f "$stamp" ] && [ -x .venv/bin/pitchcheck ]; then
    exit 0
fi

echo "Setting up .venv from requirements.lock (first run takes a few minutes)..."
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
# uv resolves and installs this stack in seconds; pip backtracks for minutes.
.venv/bin/python -m pip install --quiet "uv==$UV_VERSION"
find_links=()
# The CPU build of torch pinned in the lock lies on local disk on these machines.
[ -d /opt/wheels ] && find_links=(--find-links /opt/wheels)
.venv/bin/uv pip install --quiet --compile-bytecode --python .venv/bin/python "${find_links[@]}" -r requirements.lock
.venv/bin/uv pip install --quiet --python .venv/bin/python --no-deps -e .
rm -f .venv/.installed-*
touch "$stamp"
echo "Environment ready."
