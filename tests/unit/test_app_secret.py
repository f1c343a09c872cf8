"""AppSecret: generated keys kept by version (a bump adds a value; nothing is destroyed while a newer version exists)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from constructs_lib import AppSecret, AppSecretProps, ValidationError
from tests.conftest import synth_json


def _synth(version: int, **overrides: Any) -> tuple[AppSecret, dict[str, Any]]:
    from constructs_lib.engine.core import TerraformStack, Testing as CdktfTesting

    stack = TerraformStack(CdktfTesting.app(), "test")
    secret = AppSecret(stack, "Key", AppSecretProps(name="auth-jwt-signing-key", version=version, **overrides))
    return secret, synth_json(stack)


def _versions(stack: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{address: block}`` of every random_bytes, without cdktf's metadata."""
    return {f"random_bytes.{n}": {k: v for k, v in b.items() if k != "//"} for n, b in stack["resource"]["random_bytes"].items()}


def test_first_version_is_one_protected_256_bit_value_in_a_sensitive_reference() -> None:
    secret, stack = _synth(1)
    ((address, block),) = _versions(stack).items()
    assert block == {"length": 32, "keepers": {"name": "auth-jwt-signing-key", "version": "1"}, "lifecycle": {"prevent_destroy": True}}
    assert secret.older == {} and secret.version == 1
    assert stack["provider"]["random"] == [{}]
    assert secret.current.startswith("${TfToken[")  # base64 of random_bytes: sensitive in the provider's schema


def test_a_version_bump_adds_a_value_and_destroys_none() -> None:
    _, before = _synth(4, oldest_version=3)
    _, after = _synth(5, oldest_version=3)
    old, new = _versions(before), _versions(after)
    (current_after,) = [a for a, b in new.items() if b["keepers"]["version"] == "5"]
    # The new current value is a resource the old plan did not have: Terraform generates a new value ...
    assert current_after not in old
    # ... and every version that existed is the very same resource (same address and keepers: same value).
    assert all(new[address] == block for address, block in old.items())
    assert sorted(b["keepers"]["version"] for b in new.values()) == ["3", "4", "5"]


def test_raising_the_oldest_version_retires_only_the_versions_below_it() -> None:
    _, before = _synth(5, oldest_version=3)
    _, after = _synth(5, oldest_version=4)
    old, new = _versions(before), _versions(after)
    assert set(new) < set(old) and all(new[a] == old[a] for a in new)
    assert sorted(b["keepers"]["version"] for b in new.values()) == ["4", "5"]


def test_keepers_change_with_the_version_so_a_replaced_value_cannot_keep_its_old_address() -> None:
    _, one = _synth(1)
    _, two = _synth(2, oldest_version=2)
    (first,) = _versions(one).values()
    (second,) = _versions(two).values()
    assert first["keepers"] != second["keepers"]  # random_bytes.keepers forces replacement (RequiresReplace)


def test_protection_off_leaves_the_versions_destroyable() -> None:
    _, stack = _synth(2, protect_from_destroy=False)
    assert [b.get("lifecycle") for b in _versions(stack).values()] == [None, None]


def test_current_and_older_reference_their_versions() -> None:
    from constructs_lib.engine.core import TerraformOutput, TerraformStack, Testing as CdktfTesting

    stack = TerraformStack(CdktfTesting.app(), "test")
    secret = AppSecret(stack, "Key", AppSecretProps(name="field-key", version=3, length_bytes=64))
    assert list(secret.older) == [1, 2]
    TerraformOutput(stack, "current", value=secret.current, sensitive=True)
    for number, value in secret.older.items():
        TerraformOutput(stack, f"v{number}", value=value, sensitive=True)
    synthesized = synth_json(stack)
    by_version = {b["keepers"]["version"]: a for a, b in _versions(synthesized).items()}
    assert synthesized["output"]["current"]["value"] == f"${{{by_version['3']}.base64}}"
    assert synthesized["output"]["v1"]["value"] == f"${{{by_version['1']}.base64}}"
    assert synthesized["output"]["v2"]["value"] == f"${{{by_version['2']}.base64}}"
    assert all(b["length"] == 64 for b in _versions(synthesized).values())


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "JWT Key"}, "name must be 1..63 lowercase letters, digits and '-', starting with a letter, got 'JWT Key'"),
        ({"version": 0}, "version must be an integer 1..10000, got 0"),
        ({"version": True}, "version must be an integer 1..10000, got True"),
        ({"length_bytes": 8}, "length_bytes must be an integer 16..512, got 8"),
        (
            {"version": 2, "oldest_version": 3},
            r"version must be >= the oldest kept version 3 \(a key version is never lowered: that destroys the newer keys\), got 2",
        ),
        ({"version": 12}, r"oldest_version must be >= 3 \(at most 10 versions are kept; retire the oldest after every value made with it"),
    ],
    ids=["name", "version-zero", "version-bool", "too-short", "version-lowered", "too-many-kept"],
)
def test_fails_when_prop_is_out_of_range(fresh_stack: Any, overrides: dict[str, Any], message: str) -> None:
    values = {"name": "key", **overrides}
    with pytest.raises(ValidationError, match=f"^test/Key: {message}"):
        AppSecret(fresh_stack, "Key", AppSecretProps(**values))
    assert fresh_stack.node.find_child("Key").node.children == []


def test_props_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        AppSecretProps(name="key").version = 2  # type: ignore[misc]
