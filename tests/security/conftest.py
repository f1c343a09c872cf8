"""One checkov run (terraform_json + secrets) over every synthesized environment x phase."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CHECKOV_RUN
from tests.security._broken_stacks import BrokenStacks
from tests.security._checkov import CheckovMissing, checked_resource_types, finish_checkov, run_checkov


@pytest.fixture(scope="session")
def checkov_reports(request: pytest.FixtureRequest, synth_root: Path) -> dict[str, dict[str, Any]]:
    """``{framework: report}`` of the single checkov run over ``synth_root`` (fails, never skips, without checkov).

    The run usually started in the background as soon as the stacks were synthesized.
    """
    started = request.config.stash.get(CHECKOV_RUN, None)
    try:
        if started is not None:
            return finish_checkov(started, synth_root)
        return run_checkov(synth_root, "terraform_json", "secrets")
    except CheckovMissing as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def broken_stacks(synth_root: Path, tmp_path_factory: pytest.TempPathFactory) -> BrokenStacks:
    """Copies of synthesized stacks broken on purpose, both checkov runs over them started together (``_broken_stacks``)."""
    try:
        return BrokenStacks.start(synth_root, tmp_path_factory.mktemp("broken-stacks"))
    except CheckovMissing as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def checkov_types() -> frozenset[str]:
    """Resource types checkov has checks for."""
    try:
        return checked_resource_types()
    except CheckovMissing as exc:
        pytest.fail(str(exc))


def report_subset(report: dict[str, Any], *, check_ids: Iterable[str] | None = None, phase: int | None = None) -> dict[str, Any]:
    """The part of the session's single checkov ``terraform_json`` report that a focused test looks at.

    ``check_ids`` keeps only those checks; ``phase`` keeps only results from ``phase<N>/stacks``.
    Focused tests (audit, network, storage) read this instead of running checkov again.
    """
    wanted = None if check_ids is None else frozenset(check_ids)

    def keep(record: dict[str, Any]) -> bool:
        return (wanted is None or record["check_id"] in wanted) and (phase is None or record["file_path"].startswith(f"/phase{phase}/"))

    results = report.get("results") or {}
    return {
        "summary": report["summary"],
        "results": {kind: [r for r in results.get(kind) or [] if keep(r)] for kind in ("passed_checks", "failed_checks", "skipped_checks")},
    }
