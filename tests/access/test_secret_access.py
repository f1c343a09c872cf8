"""Who can read the AI service's analytics URLs in Secrets Manager: the AI identity and Terraform's runs, nobody else.

Phase 4 replaced the ``ai_*_database_url`` outputs (readable by anyone who may read the workspace's
outputs) with a ``ServiceSecret``. Each case asks ``iam_eval`` for AWS's decision on a concrete
``GetSecretValue`` (secret policy plus identity policies) or KMS request (key policy plus identity
policies), with the ``aws:PrincipalArn`` AWS puts in every request's context.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.access.iam_eval import Decision, Principal, Request, explain_kms, explain_same_account
from tests.access.test_stack_access import why
from tests.access.world import ACCOUNT, RUNNER_ROLE, Secret, StackWorld
from tests.conftest import ALL_COMBOS, Combo

SECRET = "Secret-ai-analytics-database"
PHASE_4 = [(env, phase) for env, phase in ALL_COMBOS if phase >= 4]
IDS = [f"{e}-phase{p}" for e, p in PHASE_4]
EVERYTHING = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["secretsmanager:*", "kms:*"], "Resource": "*"}]}
"""An administrator's identity policy (``AdministratorAccess`` for these two services)."""
RUNNER = Principal.role(ACCOUNT, RUNNER_ROLE)
ADMIN = Principal.role(ACCOUNT, "platform-admin")

_LAST: list[str] = []


def _context(principal: Principal) -> dict[str, Any]:
    return {"aws:PrincipalArn": principal.id, "aws:PrincipalAccount": ACCOUNT}


def read(secret: Secret, principal: Principal, identity: list[dict[str, Any]]) -> Decision:
    request = Request(principal, "secretsmanager:GetSecretValue", secret.arn, _context(principal))
    explanation = explain_same_account(request, resource_policy=secret.policy, identity_policies=identity, resource_account=ACCOUNT)
    _LAST[:] = [str(explanation)]
    return explanation.decision


def decrypt(world: StackWorld, secret: Secret, principal: Principal, action: str, identity: list[dict[str, Any]]) -> Decision:
    assert secret.key_arn is not None
    context = {**_context(principal), "kms:ViaService": f"secretsmanager.{secret.region}.amazonaws.com", "kms:CallerAccount": ACCOUNT}
    request = Request(principal, action, secret.key_arn, context)
    explanation = explain_kms(request, key_policy=world.key_policy(secret.key_arn), identity_policies=identity, key_account=ACCOUNT)
    _LAST[:] = [str(explanation)]
    return explanation.decision


def last() -> str:
    return _LAST[0] if _LAST else why()


def _service_users(world: StackWorld) -> list[str]:
    users: dict[str, Any] = world.stack.get("resource", {}).get("aws_iam_user", {})
    return sorted(b["//"]["metadata"]["path"].split("/")[1] for b in users.values())


@pytest.mark.parametrize(("env", "phase"), PHASE_4, ids=IDS)
def test_the_ai_identity_reads_and_decrypts_its_secret(worlds: dict[Combo, StackWorld], env: str, phase: int) -> None:
    world = worlds[env, phase]
    secret = world.secret(SECRET)
    ai, identity = world.user("Identity-ai")
    assert read(secret, ai, identity) is Decision.ALLOW, last()
    assert decrypt(world, secret, ai, "kms:Decrypt", identity) is Decision.ALLOW, last()
    assert decrypt(world, secret, ai, "kms:GenerateDataKey", identity) is not Decision.ALLOW, last()  # it cannot write a value


@pytest.mark.parametrize(("env", "phase"), PHASE_4, ids=IDS)
def test_terraform_writes_and_refreshes_the_secret(worlds: dict[Combo, StackWorld], env: str, phase: int) -> None:
    world = worlds[env, phase]
    secret = world.secret(SECRET)
    assert read(secret, RUNNER, [EVERYTHING]) is Decision.ALLOW, last()
    for action in ("kms:GenerateDataKey", "kms:Decrypt"):
        assert decrypt(world, secret, RUNNER, action, [EVERYTHING]) is Decision.ALLOW, (action, last())


@pytest.mark.parametrize(("env", "phase"), PHASE_4, ids=IDS)
def test_no_other_service_and_no_administrator_reads_the_secret(worlds: dict[Combo, StackWorld], env: str, phase: int) -> None:
    world = worlds[env, phase]
    secret = world.secret(SECRET)
    others = [name for name in _service_users(world) if name != "Identity-ai"]
    assert "Identity-db-backup" in others
    for name in others:
        user, identity = world.user(name)
        assert read(secret, user, identity) is not Decision.ALLOW, (name, last())
        assert read(secret, user, [*identity, EVERYTHING]) is Decision.EXPLICIT_DENY, (name, last())  # even if IAM allowed it
        assert decrypt(world, secret, user, "kms:Decrypt", [*identity, EVERYTHING]) is not Decision.ALLOW, (name, last())
    assert read(secret, ADMIN, [EVERYTHING]) is Decision.EXPLICIT_DENY, last()
    assert decrypt(world, secret, ADMIN, "kms:Decrypt", [EVERYTHING]) is not Decision.ALLOW, last()
