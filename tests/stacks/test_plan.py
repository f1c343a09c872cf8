"""``main.py plan``: the deploy preflight, ``cdktf plan``, the plan summary and the promotion preview."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import main as entry
from commands import plan as plan_command
from commands.plan import PlanCounts, base_phase, plan_counts, promotion_lines
from tests.conftest import ENGINE, REPO_ROOT
from tests.stacks.test_main import _replace_placeholders

PLAN_OUTPUT = "prod  Terraform used the selected providers...\nprod  \x1b[1mPlan:\x1b[0m 3 to add, 1 to change, 0 to destroy.\n"


def _fake_cli(tmp_path: Path, output: str, status: int = 0) -> tuple[Path, Path]:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    ran = tmp_path / "cli-args"
    cli = fake_bin / ENGINE
    cli.write_text(f"#!/bin/sh\necho \"$* envs=$PLATFORM_ENVIRONMENTS\" > {ran}\nprintf '%s' '{output}'\nexit {status}\n")
    cli.chmod(cli.stat().st_mode | stat.S_IEXEC)
    return fake_bin, ran


def _run(code: str, fake_bin: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": f"{fake_bin}{os.pathsep}/usr/bin:/bin", "HEALTHCARE_CDK_ENGINE": ENGINE, **env},
    )


def _plan_code(directory: Path, *args: str) -> str:
    return (
        "import os, sys, main; from pathlib import Path; from commands.common import report\n"
        f"try: rc = main.plan({['prod', *args]!r}, os.environ, config_dir=Path({str(directory)!r}))\n"
        "except main.ConfigError as exc: rc = report(exc)\n"
        "print(rc, 'cdktf' in sys.modules, 'cdktn' in sys.modules, 'jsii' in sys.modules)"
    )


def test_plan_without_a_terraform_cloud_token_names_it_and_exits_2_before_any_cli_or_engine(tmp_path: Path) -> None:
    directory = _replace_placeholders(tmp_path, "prod")
    fake_bin, ran = _fake_cli(tmp_path, PLAN_OUTPUT)
    result = _run(_plan_code(directory), fake_bin, {"HOME": str(tmp_path)})
    assert result.stdout.split()[-4:] == ["2", "False", "False", "False"], result.stderr
    assert result.stderr == "error: plan prod: missing credentials: TF_TOKEN_app_terraform_io (or `terraform login`) (see docs/deploying.md)\n"
    assert not ran.exists()


def test_plan_of_local_state_dev_names_the_provider_credentials_it_needs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = _replace_placeholders(tmp_path, "dev")
    with pytest.raises(entry.ConfigError, match=r"^plan dev: missing credentials: AWS credentials .*CLOUDFLARE_API_TOKEN; NEON_API_KEY; RAILWAY_TOKEN"):
        entry.plan(["dev"], {"HOME": str(tmp_path)}, config_dir=directory)


def test_plan_refuses_placeholders_like_deploy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.main(["plan", "prod"], environ={"HOME": str(tmp_path), entry.TFC_TOKEN: "t"}) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "error: plan prod: 12 placeholder values must be replaced first (docs/deploying.md, Values to replace):"
    assert all(line.startswith("error: environments/prod.toml: ") for line in lines[1:])


def test_plan_runs_cdktf_plan_and_writes_the_summary(tmp_path: Path) -> None:
    directory = _replace_placeholders(tmp_path, "prod")
    fake_bin, ran = _fake_cli(tmp_path, PLAN_OUTPUT)
    summary, step_summary = tmp_path / "plans" / "prod.md", tmp_path / "step.md"
    summary.parent.mkdir()
    environ = {"HOME": str(tmp_path), entry.TFC_TOKEN: "t", "GITHUB_SHA": "abc123", "PR_NUMBER": "42", "GITHUB_STEP_SUMMARY": str(step_summary)}
    result = _run(_plan_code(directory, "--summary", str(summary)), fake_bin, environ)
    assert result.stdout.split()[-4:] == ["0", "False", "False", "False"], result.stderr
    app = "" if ENGINE == "cdktf" else f" --app {sys.executable} main.py"
    assert ran.read_text().strip() == f"plan prod{app} envs=prod"
    assert "plan prod: commit abc123, pull request 42" in result.stdout
    assert result.stdout.splitlines()[-2] == "plan prod: 3 to add, 1 to change, 0 to destroy"
    text = summary.read_text()
    assert text.splitlines()[:4] == ["### plan `prod`", "", "- **3 to add, 1 to change, 0 to destroy**", "- plan prod: commit abc123, pull request 42"]
    assert step_summary.read_text() == text


def test_plan_reports_a_failed_cli_with_its_status(tmp_path: Path) -> None:
    directory = _replace_placeholders(tmp_path, "prod")
    fake_bin, _ = _fake_cli(tmp_path, "Error: workspace locked\n", status=1)
    summary = tmp_path / "s.md"
    result = _run(_plan_code(directory, "--summary", str(summary)), fake_bin, {"HOME": str(tmp_path), entry.TFC_TOKEN: "t"})
    assert result.stdout.split()[-4:] == ["1", "False", "False", "False"], result.stderr
    assert "- **plan failed** (exit 1): see the job log" in summary.read_text()


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("dev  Plan: 2 to add, 0 to change, 1 to destroy.", PlanCounts(add=2, change=0, destroy=1)),
        ("Plan: 1 to import, 2 to add, 3 to change, 0 to destroy.", PlanCounts(add=2, change=3, destroy=0, import_=1)),
        ("\x1b[32mNo changes.\x1b[0m Your infrastructure matches the configuration.", PlanCounts(add=0, change=0, destroy=0)),
        ("Error: Invalid provider configuration", None),
    ],
    ids=["counts", "imports", "no-changes", "none"],
)
def test_plan_counts_come_from_terraforms_plan_line(output: str, expected: PlanCounts | None) -> None:
    assert plan_counts(output) == expected


def _git(directory: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(directory), *args], check=True, capture_output=True, env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "PATH": os.environ["PATH"], "HOME": str(directory)})  # fmt: skip


def test_base_phase_reads_the_base_commits_file(tmp_path: Path) -> None:
    directory = _replace_placeholders(tmp_path, "prod")
    _git(directory, "init", "-q")
    _git(directory, "add", ".")
    _git(directory, "commit", "-qm", "base")
    path = directory / "prod.toml"
    path.write_text(path.read_text().replace("phase = 1", "phase = 2", 1))
    assert base_phase("HEAD", "prod", directory) == 1
    assert base_phase("HEAD", "qa", directory) is None  # a new environment file: no preview
    with pytest.raises(entry.ConfigError, match=r"^command line plan --base-ref: must name a commit .*got 'no-such-ref'$"):
        base_phase("no-such-ref", "prod", directory)


def test_promotion_preview_only_when_the_phase_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    config = entry.load_all()["staging"].model_copy(update={"phase": 2})
    previewed: list[tuple[int, int]] = []

    class _Preview:
        def lines(self) -> list[str]:
            return ["staging: phase 1 -> 2: 40 to add"]

    def fake_preview(current: object, target: int) -> _Preview:
        previewed.append((getattr(current, "phase"), target))  # noqa: B009
        return _Preview()

    monkeypatch.setattr("commands.promote.preview", fake_preview)
    assert promotion_lines(config, None) == [] and promotion_lines(config, 2) == []
    assert promotion_lines(config, 1) == ["staging: phase 1 -> 2: 40 to add"] and previewed == [(1, 2)]
    assert promotion_lines(config, 3) == ["staging: phase 3 -> 2: a lower phase removes components (a phase only adds; see docs/operations/rollback.md)"]
    markdown = plan_command.markdown("staging", PlanCounts(add=1, change=0, destroy=0), 0, None, ["staging: phase 1 -> 2: 40 to add"])
    assert markdown[-6:] == ["Promotion preview:", "", "```", "staging: phase 1 -> 2: 40 to add", "```", ""]
