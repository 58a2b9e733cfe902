# Two commands for a fresh clone: `make run` (the web app) and `make test` (the whole suite).
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test setup index bench audit-deps screenshots

setup:
	@bash scripts/setup.sh

index: setup
	@.venv/bin/pitchcheck index

run: index
	.venv/bin/chainlit run app.py --headless --host $(HOST) --port $(PORT)

test: index
	@bash scripts/test.sh

bench: index
	.venv/bin/python bench/run.py

audit-deps: setup
	@.venv/bin/python scripts/audit_deps.py

# The README's pictures in docs/screenshots/ (the tests never write there).
screenshots: index
	.venv/bin/python scripts/screenshots.py
