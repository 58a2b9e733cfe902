# Two commands for a fresh clone: `make run` (the web app) and `make test` (the whole suite).
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test test-fast setup index bench bench-deps audit-deps screenshots

setup:
	@bash scripts/setup.sh

index: setup
	@.venv/bin/pitchcheck index

run: index
	.venv/bin/chainlit run app.py --headless --host $(HOST) --port $(PORT)

test: index
	@bash scripts/test.sh

# The suite without the browser, the servers and the slow tests: a check in under 90 s while changing code.
test-fast: index
	@bash scripts/test.sh -q -p no:cacheprovider -m "not browser and not server and not slow"

# The two-instance run needs nginx and PostgreSQL from Debian (installed when missing; root, as on this project's
# machines). About seven to ten minutes on 2 cores; rewrites docs/BENCHMARKS.md.
bench: index bench-deps
	.venv/bin/python bench/run.py

bench-deps:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light)
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql)

audit-deps: setup
	@.venv/bin/python scripts/audit_deps.py

# The README's pictures in docs/screenshots/ (the tests never write there).
screenshots: index
	.venv/bin/python scripts/screenshots.py
