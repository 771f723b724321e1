# phy — one-command set-up, tests, lint and benchmarks.
#   make install   system libraries (as root, only the missing ones) + .venv with phy[dev]
#   make test      the whole test suite under a virtual X screen with Mesa's software OpenGL
#   make lint      ruff + import-linter contracts
#   make bench     the benchmarks in benchmarks/
#   make docs      the API reference (docs/api/) and the shortcut tables of the user guide
#   make demo      phy demo: the Template GUI on the built-in synthetic dataset

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

APT_PACKAGES := python3-venv xvfb xauth x11-utils libgl1 libegl1 libgl1-mesa-dri libglx-mesa0 \
	libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
	libxcb-render-util0 libxcb-xinerama0 libxcb-xfixes0 libxcb-shape0 libxcb-cursor0 \
	libnss3 libasound2 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxi6 libdbus-1-3 \
	libfontconfig1 fonts-dejavu-core

# Settings the test run needs (never set inside the library): Mesa software GL, and
# Qt WebEngine, which refuses to run as root with its sandbox on.
TEST_ENV := LIBGL_ALWAYS_SOFTWARE=1 QTWEBENGINE_DISABLE_SANDBOX=1 \
	QTWEBENGINE_CHROMIUM_FLAGS="--disable-gpu --no-sandbox"

.PHONY: install system-packages test lint bench docs demo clean

install: system-packages $(STAMP)

system-packages:
	@if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		missing=""; \
		for p in $(APT_PACKAGES); do \
			dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
		done; \
		if [ -n "$$missing" ]; then \
			echo "apt-get install:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
				apt-get install -y -qq --no-install-recommends $$missing; \
		fi; \
	else \
		echo "not root or no apt-get: skipping system packages ($(APT_PACKAGES))"; \
	fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

test: install
	$(TEST_ENV) $(BIN)/python -m pytest tests $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check phy tests benchmarks
	$(BIN)/lint-imports

bench: install
	$(TEST_ENV) $(BIN)/python -m benchmarks

# Generated from the code (docstrings, default shortcuts); no display needed.
docs: install
	$(BIN)/python docs/tools/build_api.py
	$(BIN)/python docs/tools/build_shortcuts.py

# The Template GUI on the built-in synthetic dataset (generated once in ~/.phy/demo/).
demo: install
	$(BIN)/phy demo

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
