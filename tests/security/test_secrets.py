"""Secret scan: no credential-looking literal anywhere in the synthesized output (checkov's secrets framework)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ENGINE
from tests.security._broken_stacks import BrokenStacks

pytestmark = pytest.mark.checkov


def _failed(report: dict[str, Any] | None) -> list[str]:
    if report is None:
        return []
    return [f"{c['check_id']} {c['file_path']}:{c.get('file_line_range')}" for c in report["results"]["failed_checks"]]


def test_no_secret_in_any_synthesized_stack(checkov_reports: dict[str, dict[str, Any]], synth_root: Path) -> None:
    assert _failed(checkov_reports.get("secrets")) == []
    # 12 environment x phase stacks and, on cdktf, the bootstrap stack (Terraform Cloud variables: references only).
    assert len(list(synth_root.glob("phase*/stacks/*/cdk.tf.json"))) == 12 + (ENGINE == "cdktf")


def test_secret_scan_catches_a_planted_secret(broken_stacks: BrokenStacks) -> None:
    report = broken_stacks.planted_secret_report
    assert report is not None, "checkov's secrets framework reported nothing"
    # Exactly the planted key, on its line: the rest of the stack scans clean.
    found = [(c["check_id"], c["file_path"], c["file_line_range"][0]) for c in report["results"]["failed_checks"]]
    assert found == [("CKV_SECRET_2", "/phase1/stacks/dev/cdk.tf.json", broken_stacks.planted_line)]
