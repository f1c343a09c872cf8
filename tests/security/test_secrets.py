"""Secret scan: no credential-looking literal anywhere in the synthesized output (checkov's secrets framework)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ENGINE
from tests.security._checkov import run_checkov

pytestmark = pytest.mark.checkov

PLANTED_ACCESS_KEY = "AKIA" + "Q3EGT5BZ7WXN4RMC"  # split so this file itself does not look like a credential


def _failed(report: dict[str, Any] | None) -> list[str]:
    if report is None:
        return []
    return [f"{c['check_id']} {c['file_path']}:{c.get('file_line_range')}" for c in report["results"]["failed_checks"]]


def test_no_secret_in_any_synthesized_stack(checkov_reports: dict[str, dict[str, Any]], synth_root: Path) -> None:
    assert _failed(checkov_reports.get("secrets")) == []
    # 12 environment x phase stacks and, on cdktf, the bootstrap stack (Terraform Cloud variables: references only).
    assert len(list(synth_root.glob("phase*/stacks/*/cdk.tf.json"))) == 12 + (ENGINE == "cdktf")


def test_secret_scan_catches_a_planted_secret(synth_root: Path, tmp_path: Path) -> None:
    stack = json.loads((synth_root / "phase1" / "stacks" / "dev" / "cdk.tf.json").read_text())
    stack.setdefault("resource", {})["railway_variable"] = {
        "leak": {"name": "AWS_ACCESS_KEY_ID", "value": PLANTED_ACCESS_KEY, "environment_id": "e", "service_id": "s"}
    }
    text = json.dumps(stack, indent=2)
    planted_line = next(number for number, line in enumerate(text.splitlines(), start=1) if PLANTED_ACCESS_KEY in line)
    target = tmp_path / "phase1" / "stacks" / "dev"
    target.mkdir(parents=True)
    (target / "cdk.tf.json").write_text(text)
    report = run_checkov(tmp_path, "secrets").get("secrets")
    assert report is not None, "checkov's secrets framework reported nothing"
    # Exactly the planted key, on its line: the rest of the stack scans clean.
    found = [(c["check_id"], c["file_path"], c["file_line_range"][0]) for c in report["results"]["failed_checks"]]
    assert found == [("CKV_SECRET_2", "/phase1/stacks/dev/cdk.tf.json", planted_line)]
