"""Every synthesized environment x phase conforms to the Neon and Railway provider schemas."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conformance import ProviderSchema, check_stack
from tests.conftest import ALL_COMBOS, REPO_ROOT, Combo, resources_of

SCHEMAS = {name: ProviderSchema.load(REPO_ROOT / f"constructs_lib/providers/{name}/schema.json") for name in ("neon", "railway")}


@pytest.mark.parametrize("provider", sorted(SCHEMAS))
@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=[f"{e}-phase{p}" for e, p in ALL_COMBOS])
def test_stack_conforms_to_provider_schema(stacks: dict[Combo, dict[str, Any]], env: str, phase: int, provider: str) -> None:
    stack = stacks[env, phase]
    problems = check_stack(stack, SCHEMAS[provider])
    assert problems == [], "\n".join(map(str, problems))
    assert stack["terraform"]["required_providers"][provider]["version"]
    if provider == "neon":  # Neon is part of every phase: the check above really ran over its blocks
        assert len(resources_of(stack, "neon_project")) == 1
