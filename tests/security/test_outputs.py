"""No stack output carries a database URL, a password, a key or an access key, sensitive or not.

Anyone who may read a workspace's outputs reads sensitive ones too (HCP Terraform's
``read-outputs`` state permission and the state version outputs API return them), so a secret's
home is with its consumer: a service's Railway variables, the AI service's Secrets Manager secret
(docs/deploying.md, "Where secrets live"). Checked in every environment x phase and the bootstrap stack.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.conftest import ALL_COMBOS, Combo

SECRET_REFERENCES = (
    r"neon_role\.[\w-]+\.password",
    r"neon_project\.[\w-]+\.(database_password|connection_uri|connection_uri_pooler)",
    r"neon_(api_key|org_api_key)\.[\w-]+\.key",
    r"random_password\.[\w-]+\.(result|bcrypt_hash)",
    r"random_bytes\.[\w-]+\.(base64|hex)",
    r"postgresql_role\.[\w-]+\.password",
    r"aws_iam_access_key\.[\w-]+\.(id|secret|encrypted_secret|ses_smtp_password_v4)",
    r"(data\.)?aws_secretsmanager_secret_version\.[\w-]+\.secret_(string|binary)",
    r"tfe_(agent_token|team_token|organization_token)\.[\w-]+\.token",
)
"""References to generated or provider-returned secrets, by resource type and attribute."""
_SECRET = re.compile(r"\b(" + "|".join(SECRET_REFERENCES) + r")\b")
_URL = re.compile(r"postgres(ql)?://")


def secret_outputs(stack: dict[str, Any]) -> list[str]:
    """One line per output that is sensitive, builds a connection string, or refers to a secret or a sensitive variable."""
    sensitive_variables = {name for name, body in (stack.get("variable") or {}).items() if body.get("sensitive")}
    found = []
    for name, output in (stack.get("output") or {}).items():
        text = json.dumps(output.get("value"))
        if output.get("sensitive"):
            found.append(f"{name}: marked sensitive (an output that needs it carries a secret)")
        if match := _SECRET.search(text):
            found.append(f"{name}: refers to {match.group(1)}")
        if _URL.search(text):
            found.append(f"{name}: builds a connection string")
        for variable in sorted(sensitive_variables):
            if re.search(rf"\bvar\.{re.escape(variable)}\b", text):
                found.append(f"{name}: refers to the sensitive variable {variable}")
    return found


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=[f"{e}-phase{p}" for e, p in ALL_COMBOS])
def test_no_output_carries_a_secret(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    stack = stacks[env, phase]
    assert stack.get("output"), "the check must see the stack's outputs"
    assert secret_outputs(stack) == []


def test_no_bootstrap_output_carries_a_secret(bootstrap_stack: dict[str, Any]) -> None:
    assert bootstrap_stack.get("output") and bootstrap_stack.get("variable"), "the check must see outputs and sensitive variables"
    assert secret_outputs(bootstrap_stack) == []


@pytest.mark.parametrize(
    ("value", "sensitive", "expected"),
    [
        ('${format("postgres://%s/%s", format("%s:%s@%s", postgresql_role.o.name, urlencode(random_password.p.result), h), d)}', True, 3),
        ("${neon_role.owner.password}", True, 2),
        ("${neon_project.p.connection_uri}", False, 1),
        ("${aws_iam_access_key.ai.id}", False, 1),
        ("${aws_iam_access_key.ai.secret}", True, 2),
        ("${aws_secretsmanager_secret_version.s.secret_string}", False, 1),
        ("${random_bytes.k.base64}", False, 1),
        ("${tfe_agent_token.t.token}", False, 1),
        ("${var.prod_neon_api_key}", False, 1),
        ("${aws_secretsmanager_secret.s.arn}", False, 0),
        ("${var.region}", False, 0),
        (4, False, 0),
    ],
    ids=[
        "migration-url",
        "owner-password",
        "neon-uri",
        "access-key-id",
        "access-key",
        "secret-value",
        "app-key",
        "agent-token",
        "sensitive-var",
        "arn",
        "plain-var",
        "phase",
    ],
)
def test_the_check_catches_each_kind_of_secret(value: Any, sensitive: bool, expected: int) -> None:
    stack = {
        "variable": {"prod_neon_api_key": {"type": "string", "sensitive": True}, "region": {"type": "string"}},
        "output": {"x": {"value": value, **({"sensitive": True} if sensitive else {})}},
    }
    assert len(secret_outputs(stack)) == expected, secret_outputs(stack)
