"""Any environment is one TOML file: its name, cross-file uniqueness, all problems at once, the CLI's output."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import main as entry
from environments import ENVIRONMENTS_DIR
from tests.conftest import ENGINE
from tests.unit.test_environments import _assert_clean_failure, _copy_environments, _run_main, _set_key


def _add_qa(directory: Path) -> Path:
    """A fourth environment made the way the README says: copy a file, change what must be unique."""
    qa = directory / "qa.toml"
    shutil.copy(directory / "staging.toml", qa)
    _set_key(qa, "vpc_cidr", '"10.3.0.0/16"')
    _set_key(qa, "domain", '"meridian-health-qa.org"')
    _set_key(qa, "cloudflare.zone_id", '"0123456789abcdef0123456789abcdef"')
    # Its own AWS account: each Terraform Cloud environment's account holds that environment's HCP Terraform trust.
    _set_key(qa, "aws_account_ids", '["777788889999"]')
    _set_key(qa, "phase", "1")
    # It keeps staging's AWS account: staging owns that account's baseline (detection, password policy).
    _set_key(qa, "owns_account_baseline", "false")
    _set_key(qa, "manage_password_policy", "false")
    return qa


def test_a_new_environment_is_one_file_and_no_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = _copy_environments(tmp_path)
    _add_qa(directory)
    out = tmp_path / "out"
    assert entry.main(["--config-dir", str(directory), "--env", "qa", "--outdir", str(out)], environ={}) == 0
    stack = json.loads((out / "stacks" / "qa" / "cdk.tf.json").read_text())
    # Stack, workspace and resource names follow the file name.
    assert stack["terraform"]["cloud"]["workspaces"]["name"] == "healthcare-qa"
    buckets = {b["bucket"].split("-${")[0] for b in stack["resource"]["aws_s3_bucket"].values()}
    assert buckets == {"healthcare-qa-audit-logs", "healthcare-qa-access-logs", "healthcare-qa-backups"}
    assert stack["provider"]["aws"][0]["default_tags"][0]["tags"]["Environment"] == "qa"
    # The copy gets another documentation account id and keeps staging's example audit reader (and gets a zone id
    # of no placeholder form): synthesis succeeds and says how many values deploy would refuse.
    assert capsys.readouterr().out.splitlines() == [
        f"qa: phase 1, {_count(stack)} resources -> {out / 'stacks' / 'qa' / 'cdk.tf.json'}",
        f"qa: 2 placeholder values must be replaced before deploy (python main.py placeholders qa --config-dir {directory})",
    ]


def _count(stack: dict[str, object]) -> int:
    return sum(len(blocks) for blocks in stack["resource"].values())  # type: ignore[union-attr]


def test_synth_prints_one_line_per_stack_unless_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with_bootstrap = ["--env", "bootstrap"] if ENGINE == "cdktf" else []  # the TFE provider is cdktf-only
    assert entry.main(["--env", "dev", *with_bootstrap, "--outdir", str(tmp_path / "o")], environ={}) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":", 1)[0] for line in lines] == ["dev", "dev", "bootstrap"][: 2 + len(with_bootstrap) // 2]
    assert re.fullmatch(r"dev: phase 4, \d+ resources -> .*/o/stacks/dev/cdk\.tf\.json", lines[0])
    assert lines[1] == "dev: 1 placeholder value must be replaced before deploy (python main.py placeholders dev)"
    if with_bootstrap:
        assert re.fullmatch(r"bootstrap: Terraform Cloud workspaces, \d+ resources -> .*/o/stacks/bootstrap/cdk\.tf\.json", lines[2])
    # Quiet: the smallest stack will do (phase 1), what is printed does not depend on it.
    assert entry.main(["--env", "dev", "--phase", "1", "--quiet", "--outdir", str(tmp_path / "q")], environ={}) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("file_name", "fragment"),
    [
        ("QA.toml", "got 'QA'"),
        ("my env.toml", "got 'my env'"),
        ("qa.v2.toml", "got 'qa.v2'"),
        ("a-very-long-environment-name.toml", "got 'a-very-long-environment-name'"),
        ("1qa.toml", "got '1qa'"),
        ("bootstrap.toml", "must not be one the app reserves (bootstrap)"),
    ],
    ids=["uppercase", "space", "dots", "too-long", "leading-digit", "reserved"],
)
def test_fails_when_an_environment_file_name_is_not_a_name(tmp_path: Path, file_name: str, fragment: str) -> None:
    directory = _copy_environments(tmp_path)
    shutil.copy(ENVIRONMENTS_DIR / "dev.toml", directory / file_name)
    outdir = tmp_path / "out"
    outdir.mkdir()
    (outdir / "previous.txt").write_text("previous output")
    result = _run_main("--config-dir", str(directory), "--outdir", str(outdir))
    line = _assert_clean_failure(
        result, outdir, f"{file_name}: environment name (the file name)" if "reserves" not in fragment else f"{file_name}: environment name", fragment
    )
    assert line.startswith("error: ")


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (("vpc_cidr", '"10.2.128.0/20"'), "qa.toml: vpc_cidr must not overlap prod's 10.2.0.0/16, got '10.2.128.0/20'"),
        (("domain", '"meridian-health.org"'), "qa.toml: public hostnames must differ from prod's: both publish under 'meridian-health.org'"),
    ],
    ids=["overlapping-cidr", "same-hostnames"],
)
def test_fails_when_two_files_claim_the_same_thing(tmp_path: Path, edit: tuple[str, str], fragment: str) -> None:
    directory = _copy_environments(tmp_path)
    qa = _add_qa(directory)
    _set_key(qa, *edit)
    if edit[0] == "domain":
        _set_key(qa, "manage_zone", "false")  # one owner per zone; prod owns it
    outdir = tmp_path / "out"
    outdir.mkdir()
    (outdir / "previous.txt").write_text("previous output")
    _assert_clean_failure(_run_main("--config-dir", str(directory), "--outdir", str(outdir)), outdir, fragment)


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    directory = _copy_environments(tmp_path)
    prod = directory / "prod.toml"
    _set_key(prod, "az_count", "9")
    _set_key(prod, "aws_region", '"mars-1"')
    _set_key(prod, "audit.log_reader_arn", None)
    outdir = tmp_path / "out"
    outdir.mkdir()
    result = _run_main("--config-dir", str(directory), "--outdir", str(outdir))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"error: 2 problems in {prod}:"
    assert [line.split(": ", 2)[2].split(" ")[0] for line in lines[1:]] == ["aws_region", "az_count"]
    # Rules between fields run once every field is valid: then all of them are reported too.
    _set_key(prod, "az_count", "3")
    _set_key(prod, "aws_region", '"us-east-1"')
    _set_key(prod, "aws_account_ids", "[]")
    _set_key(prod, "auto_apply", "true")
    result = _run_main("--config-dir", str(directory), "--outdir", str(outdir))
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"error: 3 problems in {prod}:"
    assert {line.split(": ", 2)[2].split(" ")[0] for line in lines[1:]} == {"aws_account_ids", "terraform_cloud.auto_apply", "audit.log_reader_arn"}
    assert list(outdir.iterdir()) == []


def test_help_tells_the_whole_interface(capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.main(["--help"], environ={}) == 0
    text = capsys.readouterr().out
    for fragment in (
        "main.py deploy NAME",
        "main.py promote NAME --to N",
        "main.py placeholders",
        "PLATFORM_ENVIRONMENTS",
        "TFC_ORGANIZATION",
        "exit status:",
        "  3  promote",
    ):
        assert fragment in text, fragment
