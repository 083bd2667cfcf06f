# Two commands do all set-up on a fresh Debian/Ubuntu machine with Python 3.11+:
#   make run    render the example attendees locally and print where the results are
#   make test   lint, format check and the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_STAMP := tools/node_modules/.installed

.PHONY: run test lint format bench serve clean system-deps

$(STAMP): requirements.txt functions/requirements.txt pyproject.toml
	@PYTHON=$(PYTHON) bash scripts/system_deps.sh runtime
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing Python packages into $(VENV)/ (log: $(VENV)/install.log)"
	@{ $(BIN)/python -m pip install --disable-pip-version-check --upgrade pip \
	  && $(BIN)/python -m pip install --disable-pip-version-check -r requirements.txt \
	  && $(BIN)/python -m pip install --disable-pip-version-check --no-deps -e . ; } > $(VENV)/install.log 2>&1 \
	  || { tail -n 30 $(VENV)/install.log; echo "pip install failed: see $(VENV)/install.log"; exit 1; }
	@touch $(STAMP)

$(NODE_STAMP): tools/package.json tools/package-lock.json
	@bash scripts/system_deps.sh node
	@echo "Installing Node tools into tools/node_modules/ (firebase-tools, targaryen)"
	@cd tools && npm ci --no-audit --no-fund --loglevel=error > /dev/null
	@touch $(NODE_STAMP)

run: $(STAMP)
	@$(BIN)/badgeforge run examples/attendees.csv --user organizer@example.com

test: $(STAMP) $(NODE_STAMP)
	@bash scripts/system_deps.sh test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python bench/render_speed.py

serve: $(STAMP)
	$(BIN)/badgeforge serve

clean:
	rm -rf $(VENV) out .badgeforge tools/node_modules .pytest_cache
