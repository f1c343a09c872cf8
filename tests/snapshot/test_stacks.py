"""One syrupy snapshot per environment x phase.

Update on purpose only (``make test PYTEST_ARGS=--snapshot-update`` is not offered; run
``.venv/bin/python -m pytest tests/snapshot --snapshot-update``) and say in the commit
message which resources changed and why.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ALL_COMBOS, Combo


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=[f"{e}-phase{p}" for e, p in ALL_COMBOS])
def test_stack_snapshot(stacks: dict[Combo, dict[str, Any]], snapshot_json: Any, env: str, phase: int) -> None:
    stack = stacks[env, phase]
    assert stack["//"]["metadata"]["stackName"] == env
    assert stack == snapshot_json
