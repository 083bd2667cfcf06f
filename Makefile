# Two commands do all set-up on a fresh Debian/Ubuntu machine with Python 3.11+:
#   make run    render the example attendees locally and print where the results are
#   make test   lint, format check and the whole test suite
# Firebase (docs/deploy.md):
#   make deploy PROJECT=your-project-id [ONLY=functions]   bundle, discovery venv, firebase deploy
#   make bundle   just build/functions (+ its venv), e.g. for `firebase emulators:start`
#   make lock     re-resolve functions/requirements.lock (hashes, python313) after changing functions/requirements.txt
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_STAMP := tools/node_modules/.installed

.PHONY: run test lint format bench serve clean system-deps bundle deploy deploy-check lock web

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

# The static pages (web/pages/*.html.j2 in templates/pages/layout.html.j2 -> web/*.html) and the Firebase JS SDK
# from npm bundled into web/vendor/firebase/ with web/config.json: all generated, gitignored (scripts/build_web.sh)
web: $(STAMP) $(NODE_STAMP)
	@bash scripts/build_web.sh

# (no Node needed: the run renders, mails and charges; `serve` builds the pages it shows by itself)
run: $(STAMP)
	@$(BIN)/badgeforge run examples/attendees.csv --user organizer@example.com

test: $(STAMP) $(NODE_STAMP) web
	@bash scripts/system_deps.sh test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadgroup --durations=25

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python bench/render_speed.py

serve: $(STAMP) web
	$(BIN)/badgeforge serve

FIREBASE := tools/node_modules/.bin/firebase
BUNDLE   := build/functions

bundle:
	@bash scripts/bundle_functions.sh $(BUNDLE)
	@bash scripts/functions_venv.sh $(BUNDLE)

deploy-check:
	@test -n "$(PROJECT)" || { echo "make deploy PROJECT=your-project-id  (see docs/deploy.md)"; exit 1; }
	@case "$(PROJECT)" in demo-*) echo "$(PROJECT) is a demo project: firebase-tools never deploys those"; exit 1;; esac

deploy: deploy-check $(NODE_STAMP) bundle web
	$(FIREBASE) deploy --project "$(PROJECT)" $(if $(ONLY),--only $(ONLY))

lock: $(STAMP)
	@bash scripts/lock_functions.sh

clean:
	rm -rf $(VENV) out .badgeforge tools/node_modules .pytest_cache build web/vendor web/config.json
