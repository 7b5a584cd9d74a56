# `make run` and `make test` work on a fresh machine with only Python >= 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
# Local runs: debug pages and plain http unless the caller says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-on} HTTPS=$${HTTPS:-off}
# Tests run as production does (DEBUG off), with a key made up for the run: no key is ever written down.
TEST_ENV := SECRET_KEY=$${SECRET_KEY:-$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')} HTTPS=off DEBUG=off
BOOTSTRAP_VERSION ?= 5.3.8
AXE_VERSION ?= 4.14.1

.PHONY: run test lint format messages backup restore vendor-bootstrap vendor-axe vendor-fonts clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(RUNTIME_STAMP)

# The seeded conference is over: a newcomer sees it as on 2 October 2023, registration open
# (SITE_CLOCK=real for real time; see README, "Run it").
DEMO_CLOCK := 2023-10-02T09:00+06:00
PORT ?= 8000

run: $(RUNTIME_STAMP)
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed --if-missing
	@echo
	@echo "  Site:      http://127.0.0.1:$(PORT)/  (clock: $${SITE_CLOCK:-$(DEMO_CLOCK)}; SITE_CLOCK=real for real time)"
	@echo "  Mail:      $${EMAIL_HOST:+sent through }$${EMAIL_HOST:-written as files under var/mail/}"
	@echo "  Organiser: DEBUG=on $(BIN)/python manage.py createsuperuser, then sign in at http://127.0.0.1:$(PORT)/admin/"
	@echo
	SITE_CLOCK=$${SITE_CLOCK:-$(DEMO_CLOCK)} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(RUN_ENV) \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# With the service's own environment (DATABASE_URL, PRIVATE_MEDIA_ROOT, ...): see README, "Backups".
backup: $(RUNTIME_STAMP)
	$(RUN_ENV) $(BIN)/python manage.py backup $${BACKUP_DIR:-var/backups}

restore: $(RUNTIME_STAMP)
	@test -n "$(FROM)" || { echo "usage: make restore FROM=var/backups/wpsconf-<time>"; exit 2; }
	$(RUN_ENV) $(BIN)/python manage.py restore "$(FROM)"

test: $(DEV_STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

format: $(DEV_STAMP)
	$(BIN)/python -m ruff check --fix .
	$(BIN)/python -m ruff format .

# Needs GNU gettext (apt-get install gettext). The compiled .mo files are committed,
# so running the site never needs it.
messages: $(DEV_STAMP)
	DEBUG=on $(BIN)/python manage.py makemessages --no-obsolete -l ru -l kk --ignore=.venv --ignore=var --ignore=staticfiles --ignore=scripts
	$(BIN)/python scripts/country_names.py
	DEBUG=on $(BIN)/python manage.py compilemessages --ignore=.venv

vendor-bootstrap:
	cd $$(mktemp -d) && npm pack bootstrap@$(BOOTSTRAP_VERSION) && tar xzf bootstrap-$(BOOTSTRAP_VERSION).tgz && \
	  sed 's#/\*\# sourceMappingURL=[^*]*\*/##' package/dist/css/bootstrap.min.css > $(CURDIR)/static/vendor/bootstrap/bootstrap.min.css && \
	  sed 's#//\# sourceMappingURL=.*$$##' package/dist/js/bootstrap.bundle.min.js > $(CURDIR)/static/vendor/bootstrap/bootstrap.bundle.min.js && \
	  cp package/LICENSE $(CURDIR)/static/vendor/bootstrap/LICENSE

# The accessibility checker of tests/test_browser_accessibility.py, with its licences.
vendor-axe:
	cd $$(mktemp -d) && npm pack axe-core@$(AXE_VERSION) && tar xzf axe-core-$(AXE_VERSION).tgz && \
	  cp package/axe.min.js package/LICENSE package/LICENSE-3RD-PARTY.txt $(CURDIR)/vendor/axe-core/

# The badge font, with its licence (needs Debian's fonts-dejavu-core).
vendor-fonts:
	cp /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf registration/fonts/

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
