"""Who may use each PHI service's field-encryption key: AWS's decision (``iam_eval``) for concrete KMS requests
against the key policy and identity policies of every synthesized stack.

The intended answer, per key: only its own service's identity may GenerateDataKey and Decrypt, and only with
the encryption context ``service=<its name>``; no other identity of the stack, no human (an administrator with
``*`` on ``*`` included), no account root, no AWS service and no other account may use it at all. The account
may administer the key (which keeps it manageable) but not use it.
"""

from __future__ import annotations

from typing import Any

import pytest

from platform_plan.phases import plan_for
from tests.access.iam_eval import Decision, Principal, Request, explain_kms
from tests.access.world import ACCOUNT, StackWorld
from tests.conftest import ALL_COMBOS, Combo

USE = ("kms:GenerateDataKey", "kms:Decrypt")
NOT_GRANTED = ("kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant", "kms:PutKeyPolicy")
OTHER_ACCOUNT = "444455556666"
ADMIN_IDENTITY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
"""An administrator's identity policy (AdministratorAccess): allows everything IAM can allow."""
IDS = [f"{e}-phase{p}" for e, p in ALL_COMBOS]
CASES = [(e, p, s.name) for e, p in ALL_COMBOS for s in plan_for(p).services if s.encrypts_fields]
CASE_IDS = [f"{e}-phase{p}-{s}" for e, p, s in CASES]
_LAST: list[str] = []


def decide(world: StackWorld, principal: Principal, action: str, key_arn: str, identity: list[dict[str, Any]] | None = None, **context: Any) -> Decision:
    """AWS's decision on a KMS request by ``principal`` on ``key_arn`` (``context``: ``service=...`` for the encryption context)."""
    request_context: dict[str, Any] = {"kms:CallerAccount": principal.account} if principal.account else {}
    if principal.kind == "AWS":
        request_context["aws:PrincipalAccount"] = principal.account
    if principal.kind == "Service":
        request_context["aws:PrincipalServiceName"] = principal.id
    request_context |= {f"kms:EncryptionContext:{k}": v for k, v in context.items()}
    explanation = explain_kms(
        Request(principal, action, key_arn, request_context), key_policy=world.key_policy(key_arn), identity_policies=identity or [], key_account=ACCOUNT
    )
    _LAST[:] = [str(explanation)]
    return explanation.decision


def why() -> str:
    return _LAST[0] if _LAST else ""


@pytest.mark.parametrize(("env", "phase", "service"), CASES, ids=CASE_IDS)
def test_a_service_uses_its_own_key_only_with_its_own_context(worlds: dict[Combo, StackWorld], env: str, phase: int, service: str) -> None:
    world = worlds[env, phase]
    key = world.key(f"FieldKey-{service}")
    user, identity = world.user(f"Identity-{service}")
    other = next(s for s in ("patient", "appointment") if s != service)
    for action in USE:
        assert decide(world, user, action, key, identity, service=service) is Decision.ALLOW, why()
        assert decide(world, user, action, key, identity) is Decision.IMPLICIT_DENY, why()  # no context
        assert decide(world, user, action, key, identity, service=other) is Decision.IMPLICIT_DENY, why()
        assert decide(world, user, action, key, identity, service=service.upper()) is Decision.IMPLICIT_DENY, why()  # StringEquals is exact
    assert decide(world, user, "kms:DescribeKey", key, identity) is Decision.ALLOW, why()
    for action in NOT_GRANTED:
        assert decide(world, user, action, key, identity, service=service) is Decision.IMPLICIT_DENY, f"{action}: {why()}"


@pytest.mark.parametrize(("env", "phase", "service"), CASES, ids=CASE_IDS)
def test_no_other_identity_of_the_stack_may_use_the_key(worlds: dict[Combo, StackWorld], env: str, phase: int, service: str) -> None:
    world = worlds[env, phase]
    key = world.key(f"FieldKey-{service}")
    others = [path for path in world.user_paths() if path != f"Identity-{service}"]
    assert others, "the stack has other identities to test against"
    for path in others:
        user, identity = world.user(path)
        own = path.removeprefix("Identity-")
        for action in (*USE, "kms:DescribeKey"):
            for context in ({"service": service}, {"service": own}, {}):
                assert decide(world, user, action, key, identity, **context) is Decision.IMPLICIT_DENY, f"{path} {action} {context}: {why()}"
        for action in USE:  # not even with an administrator's identity policy: the key policy delegates no use to IAM
            assert decide(world, user, action, key, [*identity, ADMIN_IDENTITY], service=service) is Decision.IMPLICIT_DENY, f"{path}: {why()}"


@pytest.mark.parametrize(("env", "phase", "service"), CASES, ids=CASE_IDS)
def test_no_human_root_service_or_other_account_may_use_the_key(worlds: dict[Combo, StackWorld], env: str, phase: int, service: str) -> None:
    world = worlds[env, phase]
    key = world.key(f"FieldKey-{service}")
    admin = Principal.role(ACCOUNT, "platform-admin")
    humans = [
        (admin, [ADMIN_IDENTITY]),
        (Principal.role(ACCOUNT, "healthcare-prod-audit-reader"), [ADMIN_IDENTITY]),
        (Principal.user(ACCOUNT, "alice"), [ADMIN_IDENTITY]),
        (Principal.role(OTHER_ACCOUNT, "attacker"), [ADMIN_IDENTITY]),
    ]
    for principal, identity in humans:
        for action in USE:
            assert decide(world, principal, action, key, identity, service=service) is Decision.IMPLICIT_DENY, f"{principal.id}: {why()}"
    root = Principal.root(ACCOUNT)
    for action in USE:
        assert decide(world, root, action, key, service=service) is Decision.IMPLICIT_DENY, why()
    for name in ("s3.amazonaws.com", "logs.amazonaws.com", "cloudtrail.amazonaws.com"):
        for action in USE:
            assert decide(world, Principal.service(name), action, key, service=service) is Decision.IMPLICIT_DENY, why()


@pytest.mark.parametrize(("env", "phase", "service"), CASES, ids=CASE_IDS)
def test_the_account_administers_the_key_through_iam_without_using_it(worlds: dict[Combo, StackWorld], env: str, phase: int, service: str) -> None:
    world = worlds[env, phase]
    key = world.key(f"FieldKey-{service}")
    admin = Principal.role(ACCOUNT, "terraform-apply")
    for action in ("kms:PutKeyPolicy", "kms:DescribeKey", "kms:ScheduleKeyDeletion", "kms:EnableKeyRotation"):
        assert decide(world, admin, action, key, [ADMIN_IDENTITY]) is Decision.ALLOW, why()  # the lockout-safe side
        assert decide(world, admin, action, key, []) is Decision.IMPLICIT_DENY, why()  # only through an IAM policy
        assert decide(world, Principal.role(OTHER_ACCOUNT, "admin"), action, key, [ADMIN_IDENTITY]) is Decision.IMPLICIT_DENY, why()


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_every_phi_service_has_its_own_key_and_only_they_have_one(worlds: dict[Combo, StackWorld], env: str, phase: int) -> None:
    world = worlds[env, phase]
    phi = sorted(s.name for s in plan_for(phase).services if s.encrypts_fields)
    keys = {service: world.key(f"FieldKey-{service}") for service in phi}
    assert len(set(keys.values())) == len(phi)
    field_keys = sorted(path for path in _key_paths(world) if path.startswith("FieldKey-"))
    assert field_keys == [f"FieldKey-{s}" for s in phi]


def _key_paths(world: StackWorld) -> list[str]:
    return [block["//"]["metadata"]["path"].split("/", 1)[1].removesuffix("/Resource") for block in world.resources.get("aws_kms_key", {}).values()]
