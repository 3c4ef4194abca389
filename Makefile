# Every target builds on `install`, so a fresh clone needs nothing but `make run` or `make test`.
VENV      := .venv
PY        := $(VENV)/bin/python
BIN       := $(VENV)/bin
STAMP     := $(VENV)/.installed
PIP       := $(PY) -m pip -q --disable-pip-version-check
TOOLS     := requirements/tools.txt
LOCK      := requirements/lock.txt
# The peer benchmark's SpiffWorkflow: installed by `make bench` only, never by `install`.
BENCHREQ  := requirements/bench.txt
BENCHSTAMP := $(VENV)/.bench-installed
# openapi-python-client, for the test that generates a client as an integrator would: a venv
# of its own with its own lock, since beside the project it would pull typer and httpx back.
GENERATOR := $(VENV)/client-generator
GEN_LOCK  := requirements/client-generator.txt
HOST      ?= 127.0.0.1
PORT      ?= 8000
export RATSFLOW_DATABASE_URL ?= sqlite:///$(CURDIR)/var/ratsflow.db

.PHONY: install lock upgrade-deps run test lint bench clean postgres

install: $(STAMP)

# Exact versions with hashes from the lock, so two installs a week apart get the same
# FastAPI, Starlette and SQLAlchemy. The locked pip comes first (the venv's own is older and
# slower); the lock is complete, so pip resolves nothing (--no-deps) and `pip check` fails
# the install when the set does not fit. The project itself comes last, built by the locked
# setuptools.
$(STAMP): pyproject.toml $(TOOLS) $(LOCK) $(GEN_LOCK) scripts/ensure-system-packages
	bash scripts/ensure-system-packages
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --no-deps --require-hashes -r $(TOOLS)
	$(PIP) install --no-deps --require-hashes -r $(LOCK)
	$(PIP) install --no-deps --no-build-isolation -e .
	$(PIP) check
	test -x $(GENERATOR)/bin/python || python3 -m venv $(GENERATOR)
	$(GENERATOR)/bin/python -m pip -q --disable-pip-version-check install --no-deps \
		--require-hashes -r $(TOOLS)
	$(GENERATOR)/bin/python -m pip -q --disable-pip-version-check install --no-deps \
		--require-hashes -r $(GEN_LOCK)
	$(GENERATOR)/bin/python -m pip -q --disable-pip-version-check check
	touch $(STAMP)

# pip-tools is needed only here, so it is no dependency of the project.
# `make lock` adds what pyproject.toml newly names and keeps every other pin;
# `make upgrade-deps` moves every pin to the newest release; both reinstall from the result.
# Neither waits for `install`: after a new name in pyproject.toml that would fail `pip check`.
COMPILE = CUSTOM_COMPILE_COMMAND="make lock (keeps pins) or make upgrade-deps" \
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(if $(filter upgrade-deps,$@),--upgrade)
lock upgrade-deps:
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install pip-tools
	$(COMPILE) -o $(TOOLS) requirements/tools.in
	$(COMPILE) --extra dev -c $(TOOLS) -o $(LOCK) pyproject.toml
	$(COMPILE) -c $(TOOLS) -c $(LOCK) -o $(BENCHREQ) requirements/bench.in
	$(COMPILE) -c $(TOOLS) -o $(GEN_LOCK) requirements/client-generator.in
	$(MAKE) install

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

# The bench set is compiled against the lock, so it only adds packages (SpiffWorkflow, lxml).
$(BENCHSTAMP): $(STAMP) $(BENCHREQ)
	$(PIP) install --no-deps --require-hashes -r $(BENCHREQ)
	$(PIP) check
	touch $(BENCHSTAMP)

bench: install $(BENCHSTAMP) postgres
	$(PY) -m bench

clean:
	rm -rf $(VENV) var .mypy_cache .pytest_cache .ruff_cache
