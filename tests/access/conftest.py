"""Fixtures shared by the access tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.access.world import StackWorld
from tests.conftest import Combo


@pytest.fixture(scope="session")
def worlds(stacks: dict[Combo, dict[str, Any]]) -> dict[Combo, StackWorld]:
    """Every synthesized environment x phase, resolved to plain policy JSON."""
    return {combo: StackWorld(stack) for combo, stack in stacks.items()}
