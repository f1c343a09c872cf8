"""Code gates, run by ``make test`` and so by CI: ruff (lint and format) and mypy --strict.

Configured in pyproject.toml (``[tool.ruff]``, ``[tool.mypy]``); the tools are pinned in
requirements/app.txt and run from the test interpreter's own environment. Each gate must
report zero findings; on failure the findings are the assertion message.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False)


def test_ruff_lint_finds_nothing() -> None:
    result = _run(str(BIN / "ruff"), "check", "--no-fix", "--output-format", "concise", ".")
    assert result.returncode == 0, f"ruff check:\n{result.stdout}{result.stderr}"


def test_ruff_format_changes_nothing() -> None:
    result = _run(str(BIN / "ruff"), "format", "--check", "--diff", ".")
    assert result.returncode == 0, f"ruff format --check (run `ruff format .`):\n{result.stdout}{result.stderr}"


@pytest.mark.slow
@pytest.mark.mypy
def test_mypy_strict_finds_nothing(mypy_gate: tuple[int, str]) -> None:
    # The files and the strictness come from [tool.mypy] (the seam's cdktf branch, always_false = CDKTN);
    # on CDK Terrain from mypy-cdktn.ini (always_true = CDKTN). The run starts in the background after
    # collection (tests/conftest.py); .mypy_cache keeps reruns fast, and the packaging test reuses it.
    returncode, output = mypy_gate
    assert returncode == 0, f"mypy:\n{output}"
