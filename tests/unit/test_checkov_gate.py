"""``constructs_lib.checkov_gate`` without running checkov: stacks, accepted files, judging a report, the CLI.

The gate over real checkov runs is in tests/security/test_checkov.py (the platform's stacks) and
tests/packaging/test_package.py (the README examples from the installed wheel).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from constructs_lib import checkov_gate as gate

REASON = "S3 cannot deliver server access logs to an SSE-KMS bucket, so the log target uses SSE-S3"


def test_importing_the_gate_does_not_start_jsii() -> None:
    code = "import sys; from constructs_lib import checkov_gate; print('jsii' in sys.modules, 'cdktf' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


@pytest.mark.parametrize(
    ("path", "stack"),
    [
        ("/stacks/records/cdk.tf.json", "records"),
        ("/phase1/stacks/dev/cdk.tf.json", "phase1/dev"),
        ("/records/cdk.tf.json", "records"),
        ("/example_1/cdktf.out/stacks/data/cdk.tf.json", "example_1/cdktf.out/data"),
    ],
)
def test_stack_names(path: str, stack: str) -> None:
    assert gate.stack_of(path) == stack


def test_fails_when_a_file_is_not_a_stack() -> None:
    with pytest.raises(ValueError, match="not a synthesized stack file: /stacks/x/manifest.json"):
        gate.stack_of("/stacks/x/manifest.json")


def _outdir(tmp_path: Path, resources: dict[str, Any]) -> Path:
    stack = tmp_path / "cdktf.out" / "stacks" / "records"
    stack.mkdir(parents=True)
    (stack / "cdk.tf.json").write_text(json.dumps({"resource": resources}))
    return tmp_path / "cdktf.out"


def _report(*results: tuple[str, str, bool]) -> dict[str, dict[str, Any]]:
    def record(check_id: str, resource: str) -> dict[str, Any]:
        return {"check_id": check_id, "resource": resource, "file_path": "/stacks/records/cdk.tf.json", "check_name": "a check"}

    return {
        "terraform_json": {
            "summary": {"parsing_errors": 0},
            "results": {
                "passed_checks": [record(c, r) for c, r, ok in results if ok],
                "failed_checks": [record(c, r) for c, r, ok in results if not ok],
            },
        }
    }


def test_a_published_acceptance_accepts_its_resource_only(tmp_path: Path) -> None:
    outdir = _outdir(tmp_path, {"aws_s3_bucket": {"Logs_1": {"//": {gate.ACCEPTED_KEY: {"CKV_AWS_145": REASON}}}, "Docs_2": {}}})
    result = gate.evaluate(_report(("CKV_AWS_145", "aws_s3_bucket.Logs_1", False), ("CKV_AWS_145", "aws_s3_bucket.Docs_2", False)), outdir)
    assert [(f.resource, a.reason, a.source) for f, a in result.accepted] == [("aws_s3_bucket.Logs_1", REASON, "construct")]
    assert [f.resource for f in result.unaccepted] == ["aws_s3_bucket.Docs_2"]
    assert not result.ok
    assert "FAILED CKV_AWS_145 records:aws_s3_bucket.Docs_2 a check" in result.report()


def test_a_file_entry_accepts_and_a_stale_one_fails(tmp_path: Path) -> None:
    outdir = _outdir(tmp_path, {"aws_s3_bucket": {"Docs_2": {}}})
    used = gate.Accepted("CKV_AWS_144", ("aws_s3_bucket.Docs*",), REASON, ("records",), "mine.toml")
    stale = gate.Accepted("CKV_AWS_18", ("aws_s3_bucket.*",), REASON, ("*",), "mine.toml")
    result = gate.evaluate(_report(("CKV_AWS_144", "aws_s3_bucket.Docs_2", False), ("CKV_AWS_18", "aws_s3_bucket.Docs_2", True)), outdir, [used, stale])
    assert result.unaccepted == () and result.stale == (stale,)
    assert not result.ok
    assert "STALE CKV_AWS_18" in result.report()


def test_a_stack_with_aws_resources_that_checkov_did_not_check_fails(tmp_path: Path) -> None:
    outdir = _outdir(tmp_path, {"aws_s3_bucket": {"Docs_2": {}}})
    result = gate.evaluate({}, outdir)
    assert result.unchecked_stacks == ("records",)
    assert not result.ok


def test_a_stack_without_aws_resources_needs_no_check(tmp_path: Path) -> None:
    assert gate.evaluate({}, _outdir(tmp_path, {"neon_project": {"Resource": {}}})).ok


def test_an_accepted_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "accepted.toml"
    path.write_text(f'[[skip]]\nid = "CKV_AWS_18"\nresources = ["aws_s3_bucket.Legacy*"]\nstacks = ["prod"]\nreason = "{REASON}"\n')
    assert gate.load_accepted(path) == [gate.Accepted("CKV_AWS_18", ("aws_s3_bucket.Legacy*",), REASON, ("prod",), "accepted.toml")]


def test_fails_when_an_accepted_entry_has_no_real_reason(tmp_path: Path) -> None:
    path = tmp_path / "accepted.toml"
    path.write_text('[[skip]]\nid = "CKV_AWS_18"\nresources = ["aws_s3_bucket.Legacy"]\nreason = "false positive"\n')
    with pytest.raises(gate.AcceptedFileError, match=r"^accepted.toml: skip #1 \(CKV_AWS_18\): reason must be a reason of at least 20 characters"):
        gate.load_accepted(path)


class _Resource:
    def __init__(self) -> None:
        self.overrides: dict[str, Any] = {}

    def add_override(self, path: str, value: Any) -> None:
        self.overrides[path] = value


def test_accept_writes_the_reason_under_the_resource_comment() -> None:
    resource = _Resource()
    gate.accept(resource, "CKV_AWS_144", REASON)
    assert resource.overrides == {"//.checkov_accepted.CKV_AWS_144": REASON}


@pytest.mark.parametrize(
    ("check_id", "reason", "message"), [("S3-1", REASON, "check_id must be a checkov check id"), ("CKV_AWS_144", "ok", "a reason of at least 20")]
)
def test_fails_when_accept_gets_a_bad_id_or_reason(check_id: str, reason: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        gate.accept(_Resource(), check_id, reason)


def test_the_script_says_how_to_get_checkov(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("CHECKOV_BIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    (tmp_path / "cdktf.out").mkdir()
    assert gate.main([str(tmp_path / "cdktf.out")]) == 2
    assert capsys.readouterr().err.startswith("error: checkov not found on PATH (and CHECKOV_BIN is not set): install it (pip install checkov")


def test_the_script_refuses_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert gate.main([str(tmp_path / "nothing"), "--checkov", sys.executable]) == 2
    assert "no such folder (synthesize first" in capsys.readouterr().err
