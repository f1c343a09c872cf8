"""One syrupy snapshot per environment x phase.

Update on purpose only (``make test PYTEST_ARGS=--snapshot-update`` is not offered; run
``.venv/bin/python -m pytest tests/snapshot --snapshot-update``) and say in the commit
message which resources changed and why. Snapshots are recorded on the default engine (cdktf);
``make test ENGINE=cdktn`` compares against the same files through ``tests.engines.as_cdktf``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ALL_COMBOS, Combo
from tests.engines import as_cdktf


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=[f"{e}-phase{p}" for e, p in ALL_COMBOS])
def test_stack_snapshot(stacks: dict[Combo, dict[str, Any]], snapshot_json: Any, env: str, phase: int) -> None:
    stack = stacks[env, phase]
    assert stack["//"]["metadata"]["stackName"] == env
    # Recorded on cdktf; a cdktn run differs only in the engine's metadata version and provider pins.
    assert as_cdktf(stack) == snapshot_json
