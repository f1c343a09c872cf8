# The two commands that matter on a fresh machine:  make synth   and   make test
# Both set up everything first (idempotent): .venv (app + tests), .venv-checkov (checkov,
# kept apart so its pins cannot downgrade the app), node_modules (cdktf-cli, Node 22).
#
# ENGINE=cdktn runs the same app, library and tests on CDK Terrain instead of CDK for Terraform
# (docs/engines.md): its own .venv-cdktn from requirements/cdktn.txt, and the cdktn CLI
# (cli/cdktn, npm) only for deploy and test.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
ENGINE ?= cdktf
ifeq ($(ENGINE),cdktf)
VENV := .venv
REQUIREMENTS := requirements/app.txt
CLI_BIN := $(CURDIR)/node_modules/.bin
CLI_SETUP :=
else ifeq ($(ENGINE),cdktn)
VENV := .venv-cdktn
REQUIREMENTS := requirements/cdktn.txt
CLI_BIN := $(CURDIR)/cli/cdktn/node_modules/.bin
CLI_SETUP := cli/cdktn/node_modules/.installed
else
$(error ENGINE must be cdktf or cdktn, got '$(ENGINE)')
endif
CHECKOV_VENV := .venv-checkov
ENV ?= dev

# Node 22 from package.json first on PATH: jsii and cdktf-cli get a supported runtime.
export PATH := $(CURDIR)/node_modules/.bin:$(CLI_BIN):$(CURDIR)/$(VENV)/bin:$(PATH)
export HEALTHCARE_CDK_ENGINE := $(ENGINE)
export CHECKOV_BIN := $(CURDIR)/$(CHECKOV_VENV)/bin/checkov
export CHECKPOINT_DISABLE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help setup setup-all synth check check-lint check-types check-tests test deploy plan plan-comment promote bench dist publish clean

help:
	@echo "make synth              set up, then synthesize every environment into cdktf.out/stacks/<env>"
	@echo "make test               set up, then run the whole test suite (what CI runs)"
	@echo "make check [ENV=dev]    the fast tier for the edit loop: ruff, mypy, unit tests and guardrails, ENV's stack (no checkov, no packaging)"
	@echo "make setup              only set up .venv, .venv-checkov and node_modules"
	@echo "make deploy ENV=dev     check credentials, then cdktf deploy <env> (ENV=bootstrap: the Terraform Cloud workspaces)"
	@echo "make plan ENV=staging      check like deploy, then a speculative plan (Terraform Cloud; dev: local) and its summary"
	@echo "make plan-comment         post plans/*.md to pull request PR_NUMBER (GH_TOKEN; the pull-request workflow)"
	@echo "make promote ENV=prod TO=2  preview what promoting an environment adds (exit 3 if it removes or replaces)"
	@echo "make bench              benchmark, both engines side by side against the jsii import floor: synthesis, make check,"
	@echo "                        make test, .ci/run on a fresh clone (BENCH_ARGS=\"--no-ci --no-tiers --repeat 5\")"
	@echo "ENGINE=cdktn            with synth, test, deploy, promote: run on CDK Terrain instead of cdktf (docs/engines.md)"
	@echo "make dist               build the library wheel + sdist into dist/"
	@echo "make publish            upload dist/ to TWINE_REPOSITORY_URL (TWINE_USERNAME / TWINE_PASSWORD)"

setup: $(VENV)/.installed $(CHECKOV_VENV)/.installed node_modules/.installed

# Both engines' venvs have their own rule (whatever ENGINE is), so one `make -j` can build them side by side (setup-all).
# --no-compile: pip would byte-compile every module of the ~600 MB provider packages (55 s of CPU for .venv-cdktn, of
# 2 min 18 s); Python compiles the modules a process imports on first import instead (cdktn's providers load lazily).
# Except where every process imports everything: cdktf's AWS and Cloudflare packages load their ~2,500 modules up front,
# and checkov most of its own. Where PYTHONDONTWRITEBYTECODE is set (many CI images), Python would compile them again in
# every process (the jsii import: 42 s instead of 15 s); COMPILE writes their bytecode once, on every core.
COMPILE = $(1)/bin/python -m compileall -q -j 0 "$$($(1)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" >/dev/null
.venv/.installed: requirements/app.txt requirements/base.txt
	test -x .venv/bin/python || $(PYTHON) -m venv .venv
	.venv/bin/pip install --quiet --no-compile --requirement requirements/app.txt
	$(call COMPILE,.venv)
	touch $@

.venv-cdktn/.installed: requirements/cdktn.txt requirements/base.txt
	test -x .venv-cdktn/bin/python || $(PYTHON) -m venv .venv-cdktn
	.venv-cdktn/bin/pip install --quiet --no-compile --requirement requirements/cdktn.txt
	touch $@

# Everything both engines need (.ci/run, make bench), built in parallel: pip and npm spend much of their time
# waiting on the package index and the disk, so two or three at once finish sooner on two cores.
setup-all:
	$(MAKE) --no-print-directory -j 3 .venv/.installed .venv-cdktn/.installed $(CHECKOV_VENV)/.installed node_modules/.installed cli/cdktn/node_modules/.installed

cli/cdktn/node_modules/.installed: cli/cdktn/package.json cli/cdktn/package-lock.json node_modules/.installed
	cd cli/cdktn && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CHECKOV_VENV)/.installed: requirements/checkov.txt
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --no-compile --requirement requirements/checkov.txt
	$(call COMPILE,$(CHECKOV_VENV))
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

synth: $(VENV)/.installed node_modules/.installed  # no checkov: synthesis does not run it
	$(VENV)/bin/python main.py

# The fast tier (docs/testing.md): lint, types and tests side by side (-O keeps each one's output together); the tests
# run on two pytest-xdist workers and synthesize only ENV, at its file's phase. make test runs all of it and more.
check: $(VENV)/.installed node_modules/.installed
	$(MAKE) --no-print-directory -j 3 -O check-lint check-types check-tests

check-lint:
	$(VENV)/bin/ruff check --output-format concise . && $(VENV)/bin/ruff format --check .

check-types:
	$(VENV)/bin/mypy $(if $(filter cdktn,$(ENGINE)),--config-file mypy-cdktn.ini --cache-dir .mypy_cache/cdktn)

check-tests:
	HEALTHCARE_TEST_ENV=$(ENV) $(VENV)/bin/python -m pytest -q -n 2 -m "not slow" --snapshot-warn-unused tests/unit tests/snapshot

# One process: cdktf synth, mypy and checkov run beside it in the background (tests/conftest.py). Two pytest-xdist
# workers (-n 2 --dist loadgroup) work too but gain nothing here: the run is CPU-bound (docs/performance.md).
test: setup $(CLI_SETUP)
	$(VENV)/bin/python -m pytest

deploy: setup $(CLI_SETUP)
	$(VENV)/bin/python main.py deploy $(ENV) $(DEPLOY_ARGS)

# PLAN_BASE: a git commit to compare the phase with (promotion preview); PLAN_SUMMARY: append the Markdown summary there.
plan: setup $(CLI_SETUP)
	$(VENV)/bin/python main.py plan $(ENV) $(if $(PLAN_BASE),--base-ref $(PLAN_BASE)) $(if $(PLAN_SUMMARY),--summary $(PLAN_SUMMARY))

# One comment per pull request, edited in place on later pushes (gh: preinstalled on GitHub's runners).
plan-comment:
	@test -n "$${PR_NUMBER:-}" || { echo "error: plan-comment: PR_NUMBER is not set (the pull request to comment on)" >&2; exit 2; }
	@test -n "$${GH_TOKEN:-}" || { echo "error: plan-comment: GH_TOKEN is not set (a token that may comment on the pull request)" >&2; exit 2; }
	@ls plans/*.md >/dev/null 2>&1 || { echo "error: plan-comment: no plan summaries in plans/ (make plan PLAN_SUMMARY=plans/<env>.md)" >&2; exit 2; }
	{ echo "## Terraform plans"; echo; cat plans/*.md; } > plans/.comment.md
	gh pr comment "$$PR_NUMBER" --edit-last --body-file plans/.comment.md || gh pr comment "$$PR_NUMBER" --body-file plans/.comment.md

promote: setup
	@test -n "$${TO:-}" || { echo "error: promote: set TO to the target phase, e.g. make promote ENV=prod TO=2" >&2; exit 2; }
	$(VENV)/bin/python main.py promote $(ENV) --to $(TO)

bench: setup-all  # both engines side by side
	.venv/bin/python benchmarks/synth.py $(BENCH_ARGS)

dist: setup
	rm -rf dist build
	$(VENV)/bin/python -m build --no-isolation --outdir dist .
	$(VENV)/bin/python -m twine check --strict dist/*

publish: dist
	@test -n "$${TWINE_REPOSITORY_URL:-}" || { echo "error: publish: TWINE_REPOSITORY_URL is not set (the internal index upload URL)" >&2; exit 2; }
	@test -n "$${TWINE_USERNAME:-}" -a -n "$${TWINE_PASSWORD:-}" || { echo "error: publish: TWINE_USERNAME and TWINE_PASSWORD must be set" >&2; exit 2; }
	$(VENV)/bin/python -m twine upload --non-interactive dist/*

clean:
	rm -rf cdktf.out .pytest_cache dist build *.egg-info
