# The two set-up commands: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
ADMIN_USER ?= admin
ADMIN_PASSWORD ?= admin-migu-ops

.PHONY: run test venv install migrate demo serve worker beat lint bench-import clean messages

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

## A real worker and beat against Redis and PostgreSQL (set REDIS_URL and DATABASE_URL)
worker: install
	$(BIN)/celery -A migu_ops worker --loglevel=INFO

beat: install
	$(BIN)/celery -A migu_ops beat --loglevel=INFO

lint: install
	$(BIN)/python -m ruff check .

bench-import: install
	$(BIN)/python bench/import_complaints.py

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache

## make messages: refresh locale/en/LC_MESSAGES/django.po from the code and compile it (commit both files)
messages: install
	$(BIN)/python manage.py makemessages -l en --no-location --ignore=.venv --ignore=bench --ignore=staticfiles --ignore=tests
	cd locale && ../$(BIN)/python ../manage.py compilemessages -l en
