"""One checkov run (terraform_json + secrets) over every synthesized environment x phase."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.security._checkov import CheckovMissing, checked_resource_types, run_checkov


@pytest.fixture(scope="session")
def checkov_reports(synth_root: Path) -> dict[str, dict[str, Any]]:
    """``{framework: report}`` of the single checkov run over ``synth_root`` (fails, never skips, without checkov)."""
    try:
        return run_checkov(synth_root, "terraform_json", "secrets")
    except CheckovMissing as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def checkov_types() -> frozenset[str]:
    """Resource types checkov has checks for."""
    try:
        return checked_resource_types()
    except CheckovMissing as exc:
        pytest.fail(str(exc))
