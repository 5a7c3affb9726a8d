# One meaning per target. `make demo` and `make test` install what they need themselves.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SYSTEM_PY := /usr/bin/python3
# Debian's PostgreSQL major version differs per release: bookworm 15, trixie 17, sid 18.
DEBIAN_RELEASE ?= $(shell . /etc/os-release 2>/dev/null; echo $${VERSION_CODENAME:-bookworm})
PG_MAJOR_bookworm := 15
PG_MAJOR_trixie := 17
PG_MAJOR := $(or $(PG_MAJOR_$(DEBIAN_RELEASE)),18)
APT_PACKAGES := qgis python3-qgis qgis-providers python3-pandas python3-openpyxl python3-odf \
	python3-pytest python3-venv poppler-utils gdal-bin postgresql postgresql-$(PG_MAJOR)-postgis-3 chromium
PYTEST_ARGS ?=
RELEASE ?= trixie
OUT ?= out
export QT_QPA_PLATFORM := offscreen
export QGIS_PREFIX_PATH := /usr
export XDG_RUNTIME_DIR := $(CURDIR)/.runtime
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup test test-qgis demo pictures lint package bench clean

setup: $(VENV)/.installed

# Debian's QGIS and Python packages, only when one is missing (idempotent and quick when all are there).
.system-packages:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing from Debian: $$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@mkdir -p $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)

$(VENV)/.installed: requirements-dev.txt
	@$(MAKE) --no-print-directory .system-packages
	@[ -x $(PY) ] || $(SYSTEM_PY) -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

test: setup
	@mkdir -p $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)
	$(PY) -m pytest $(PYTEST_ARGS)

# The suite on another Debian release's QGIS, in a reusable chroot: make test-qgis RELEASE=trixie (3.40) or sid (3.44)
test-qgis:
	scripts/test_in_debian.sh $(RELEASE) $(PYTEST_ARGS)

demo: setup
	@mkdir -p $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)
	$(PY) scripts/demo.py $(OUT)

# The README's pictures (docs/img), made headless from the sample data
pictures: setup
	@mkdir -p $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)
	$(PY) scripts/make_pictures.py

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

package: setup
	$(PY) scripts/package.py dist/veerkracht.zip

bench: setup
	@mkdir -p $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)
	$(PY) bench/run.py

clean:
	rm -rf dist $(OUT) .pytest_cache .ruff_cache
