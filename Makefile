# Every target builds on `install`, so a fresh clone needs nothing but `make run` or `make test`.
VENV      := .venv
PY        := $(VENV)/bin/python
BIN       := $(VENV)/bin
STAMP     := $(VENV)/.installed
HOST      ?= 127.0.0.1
PORT      ?= 8000
export RATSFLOW_DATABASE_URL ?= sqlite:///$(CURDIR)/var/ratsflow.db

.PHONY: install run test lint bench clean postgres

install: $(STAMP)

$(STAMP): pyproject.toml scripts/ensure-system-packages
	bash scripts/ensure-system-packages
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: install
	@mkdir -p var
	$(BIN)/ratsflow db upgrade
	$(BIN)/ratsflow demo load --first-start
	$(BIN)/ratsflow serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check workflow service tests bench
	$(BIN)/ruff format --check workflow service tests bench
	$(BIN)/mypy workflow service
	$(BIN)/lint-imports

postgres:
	@bash scripts/ensure-postgres

test: install lint postgres
	$(BIN)/pytest -q -n 2

bench: install postgres
	$(PY) -m bench

clean:
	rm -rf $(VENV) var .mypy_cache .pytest_cache .ruff_cache
