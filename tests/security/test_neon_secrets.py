"""No Neon or SQL role password or connection string appears as plain text in any synthesized stack."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ALL_COMBOS, Combo

SECRET_ATTRIBUTES = ("password", "database_password", "connection_uri", "connection_uri_pooler", "key")
_REFERENCE = re.compile(r"\b(neon_\w+)\.([\w-]+)\.(" + "|".join(SECRET_ATTRIBUTES) + r")\b")
_GENERATED = re.compile(r"\b(random_password\.[\w-]+\.result|random_bytes\.[\w-]+\.(base64|hex)|aws_iam_access_key\.[\w-]+\.secret)\b")
_URI_WITH_CREDENTIALS = re.compile(r"postgres(?:ql)?://[^\s\"]*@")


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=[f"{e}-phase{p}" for e, p in ALL_COMBOS])
def test_no_plaintext_credentials(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    stack = stacks[env, phase]
    for path, text in _strings(stack):
        assert not _URI_WITH_CREDENTIALS.search(text), f"{path}: connection string with credentials in plain text"
        if "postgres://" in text:
            assert text.startswith("${") and text.endswith("}"), f"{path}: connection string outside an expression"
    for type_name, blocks in stack.get("resource", {}).items():
        if type_name.startswith("neon_"):
            for name, body in blocks.items():
                assert not set(body) & set(SECRET_ATTRIBUTES), f"{type_name}.{name} sets a secret attribute"
    # SQL roles log in with generated passwords; each postgresql provider with its database owner's.
    for name, body in stack.get("resource", {}).get("postgresql_role", {}).items():
        assert re.fullmatch(r"\$\{random_password\.[\w-]+\.result\}", body["password"]), f"postgresql_role.{name}"
    for provider in stack.get("provider", {}).get("postgresql", []):
        assert re.fullmatch(r"\$\{neon_(role\.[\w-]+\.password|project\.[\w-]+\.database_password)\}", provider["password"]), provider["alias"]
    # Any output that mentions a secret attribute must be sensitive.
    for name, output in stack.get("output", {}).items():
        if _REFERENCE.search(json.dumps(output["value"])) or _GENERATED.search(json.dumps(output["value"])):
            assert output.get("sensitive") is True, f"output {name} exposes a secret"


def test_the_checks_catch_a_literal_connection_string() -> None:
    bad = {"resource": {"railway_variable": {"v": {"value": "postgres://auth_owner:s3cret@ep-x.neon.tech/auth"}}}}
    assert any(_URI_WITH_CREDENTIALS.search(t) for _, t in _strings(bad))
    good = '${format("postgres://%s/%s?sslmode=verify-full", format("%s:%s@%s", neon_role.r.name, urlencode(neon_role.r.password), h), d)}'
    assert not _URI_WITH_CREDENTIALS.search(good)
    assert _REFERENCE.search(good)
