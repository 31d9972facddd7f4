# The two set-up commands: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
ADMIN_USER ?= admin
ADMIN_PASSWORD ?= admin-migu-ops

.PHONY: run test venv install migrate demo serve serve-prod worker beat lint bench bench-import clean messages

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py ensure_admin --username $(ADMIN_USER) --password $(ADMIN_PASSWORD)

## make run: install, migrate, load demo data, create the admin login and serve on the embedded default
run: demo
	@echo "Admin: http://$(HOST)/admin/  login $(ADMIN_USER) / $(ADMIN_PASSWORD)   API: http://$(HOST)/api/docs/"
	$(BIN)/python manage.py runserver $(HOST)

## make test: the whole suite (PostgreSQL when DATABASE_URL is set, else SQLite)
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make serve-prod: the production stack (gunicorn, whitenoise, production settings, JSON logs) on the
## embedded default (SQLite, eager tasks) for a quick look over plain HTTP; a throw-away key each start.
serve-prod: demo
	DJANGO_SETTINGS_MODULE=migu_ops.settings.production SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0 \
	sh -c '$(BIN)/python manage.py collectstatic --noinput -v0 && \
	       $(BIN)/gunicorn migu_ops.wsgi:application --config deploy/gunicorn.conf.py --bind $(HOST)'

## A real worker and beat against Redis and PostgreSQL (set REDIS_URL and DATABASE_URL)
worker: install
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-migu_ops.settings.local} $(BIN)/celery -A migu_ops worker --loglevel=INFO

beat: install
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-migu_ops.settings.local} $(BIN)/celery -A migu_ops beat --loglevel=INFO

## make lint: ruff and the import boundaries (import-linter contracts in pyproject.toml)
lint: install
	$(BIN)/python -m ruff check .
	$(BIN)/lint-imports

bench-import: install
	$(BIN)/python bench/import_complaints.py

## make bench: run the benchmarks that record figures (DATABASE_URL: a database for benchmarks only) and
## regenerate the table of bench/README.md from bench/results/. The order gives each its data: the import and
## the API load bring their own; scoring_generate.py wipes the partners and loads the month the back-test needs;
## settlement and credit then add their own partners (they score every contract in force, theirs and the
## back-test's); the year-end runs in a rolled-back transaction.
bench: install
	$(BIN)/python bench/import_complaints.py --record
	$(BIN)/python bench/api_load.py --record
	$(BIN)/python bench/scoring_generate.py --preset small
	$(BIN)/python bench/scoring_month_end.py --daily --record
	if [ -n "$$REDIS_URL" ]; then $(BIN)/python bench/scoring_month_end_workers.py --record; fi
	$(BIN)/python bench/backtest_month.py --record
	$(BIN)/python bench/settlement_month.py --record
	$(BIN)/python bench/credit_scoring.py --record
	$(BIN)/python bench/code_yearend.py --record
	$(BIN)/python bench/figures.py

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache

## make messages: refresh locale/en/LC_MESSAGES/django.po from the code and compile it (commit both files)
messages: install
	$(BIN)/python manage.py makemessages -l en --no-location --ignore=.venv --ignore=bench --ignore=staticfiles --ignore=tests
	cd locale && ../$(BIN)/python ../manage.py compilemessages -l en
