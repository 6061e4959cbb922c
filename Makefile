# The two commands of the README: `make demo` and `make test`. Everything else is for developers.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/huanjie
HOST ?= 127.0.0.1:8000

.PHONY: install demo test test-unit test-pg test-browser lint bench docs clean wheelhouse install-offline audit-deps

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml scripts/system-deps.sh
	@scripts/system-deps.sh
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11（$(PYTHON)），请先安装：sudo apt-get install -y python3.11 python3.11-venv" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	@touch $@

demo: install
	$(BIN)/huanjie migrate --no-input -v 0
	$(BIN)/huanjie demo
	@echo "换届通演示系统： http://$(HOST)/ （后台任务进程随之启动，Ctrl-C 同时结束）"
	$(BIN)/huanjie db_worker --interval 1 --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/huanjie runserver $(HOST) --insecure --noreload

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy huanjie

test-unit: install
	$(BIN)/pytest -q -n 2 --dist loadgroup

# The whole suite: lint and types, every test on SQLite, then the browser tests.
test: lint test-unit test-browser

test-pg: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -n 2 --dist loadgroup

test-browser: install
	@scripts/system-deps.sh browser
	$(BIN)/pytest -q -p no:xdist huanjie/browser_tests -o addopts="-p no:cacheprovider"

bench: install
	$(BIN)/python bench/bench_tally.py
	$(BIN)/python bench/bench_regions.py
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_count.py
	$(BIN)/python bench/bench_report.py
	$(BIN)/python bench/bench_board.py

docs: install
	$(BIN)/python -m huanjie.rules.docs > docs/rules.md
	$(BIN)/python -m huanjie.privacy > docs/personal-data.md

# Offline install (docs/operations.md): `make wheelhouse` on a machine with internet access and
# the server's platform (Debian 12, amd64, Python 3.11) downloads every locked package, checked
# against its hash, plus a wheel of huanjie itself; copy the folder to the server and run
# `make install-offline WHEELHOUSE=/path/to/wheelhouse` there (no network needed).
WHEELHOUSE ?= wheelhouse

wheelhouse: install
	$(BIN)/pip download -q --disable-pip-version-check --require-hashes -r requirements.lock -d $(WHEELHOUSE)
	$(BIN)/pip wheel -q --disable-pip-version-check --no-deps -w $(WHEELHOUSE) .
	@echo "离线安装包已写入 $(WHEELHOUSE)/，复制到服务器后运行：make install-offline WHEELHOUSE=目录"

# Known vulnerabilities in the locked packages (SECURITY.md H5), on the connected machine that
# builds the wheelhouse: pip-audit asks PyPI's vulnerability data, which an intranet server (and
# this project's CI, which reaches only a package index) cannot. A tool, not a dependency: it
# lives in a throwaway environment under var/. Exit 1 names each vulnerable package and its fix.
audit-deps:
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11（$(PYTHON)）" >&2; exit 1; }
	test -x var/pip-audit/bin/pip-audit || { $(PYTHON) -m venv var/pip-audit && var/pip-audit/bin/pip install -q pip-audit; }
	var/pip-audit/bin/pip-audit --strict -r requirements.lock --require-hashes --disable-pip --progress-spinner off

install-offline:
	@test -d "$(WHEELHOUSE)" || { echo "找不到离线安装包目录 $(WHEELHOUSE)，用法：make install-offline WHEELHOUSE=目录" >&2; exit 2; }
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11（$(PYTHON)），请先安装：sudo apt-get install -y python3.11 python3.11-venv" >&2; exit 1; }
	@# Always a new virtual environment: one copied from the build machine (make wheelhouse leaves
	@# its own .venv in the checkout) has scripts whose #! lines name that machine's paths.
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --no-index --find-links $(WHEELHOUSE) --require-hashes -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-index --no-deps --force-reinstall $(WHEELHOUSE)/huanjie-*.whl

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .hypothesis
