"""Who may publish to the alert topics and use their keys, and what a human without MFA may do: AWS's
decision for concrete requests (``iam_eval``) against the policies of every synthesized stack."""

from __future__ import annotations

from typing import Any

import pytest

from environments import load_all
from platform_plan.phases import plan_for
from tests.access.iam_eval import Decision, Principal, Request, UnsupportedPolicy, explain_kms, explain_same_account
from tests.access.world import ACCOUNT, StackWorld, Topic
from tests.conftest import ALL_COMBOS, Combo

OTHER_ACCOUNT = "444455556666"
CLOUDWATCH = Principal.service("cloudwatch.amazonaws.com")
BUDGETS = Principal.service("budgets.amazonaws.com")
ALERTS = "Alerts/Resource"
SECURITY = "AuditTrail/Topics/Alerts"
IDS = [f"{e}-phase{p}" for e, p in ALL_COMBOS]
ADMIN_IDENTITY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
"""Whatever else a human administrator is allowed (a stand-in for the group's other permissions)."""
_LAST: list[str] = []


@pytest.fixture(scope="module")
def worlds(stacks: dict[Combo, dict[str, Any]]) -> dict[Combo, StackWorld]:
    return {combo: StackWorld(stack) for combo, stack in stacks.items()}


def why() -> str:
    return _LAST[0] if _LAST else ""


def publish(topic: Topic, principal: Principal, identity: list[dict[str, Any]] | None = None, **context: Any) -> Decision:
    """AWS's decision on ``sns:Publish`` to ``topic`` (over TLS unless the context says otherwise)."""
    service = {"aws:PrincipalServiceName": principal.id} if principal.kind == "Service" else {}
    request = Request(principal, "sns:Publish", topic.arn, {"aws:SecureTransport": True, **service, **context})
    explanation = explain_same_account(request, resource_policy=topic.policy, identity_policies=identity or [], resource_account=ACCOUNT)
    _LAST[:] = [str(explanation)]
    return explanation.decision


def use_key(world: StackWorld, topic: Topic, principal: Principal, action: str, **context: Any) -> Decision:
    assert topic.key_arn is not None
    request = Request(principal, action, topic.key_arn, {"aws:PrincipalServiceName": principal.id, **context})
    explanation = explain_kms(request, key_policy=world.key_policy(topic.key_arn), identity_policies=[], key_account=ACCOUNT)
    _LAST[:] = [str(explanation)]
    return explanation.decision


def alarm(topic: Topic, name: str = "healthcare-env-api-down", *, account: str = ACCOUNT, region: str | None = None) -> dict[str, Any]:
    """Request context of a CloudWatch alarm publishing to ``topic`` (an alarm notifies topics of its own region)."""
    return {"aws:SourceArn": f"arn:aws:cloudwatch:{region or topic.region}:{account}:alarm:{name}", "aws:SourceAccount": account}


def budget(account: str = ACCOUNT) -> dict[str, Any]:
    return {"aws:SourceArn": f"arn:aws:budgets::{account}:budget/healthcare-env-monthly", "aws:SourceAccount": account}


def _alert_topics(world: StackWorld) -> list[Topic]:
    return [t for t in world.topics() if t.path.endswith(("/Alerts/Resource", "/AlertsUsEast1/Resource"))]


# The operational alert topic ---------------------------------------------------------------------


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=IDS)
def test_cloudwatch_alarms_and_budgets_of_the_account_may_publish(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    world = worlds[combo]
    topic = world.topic(ALERTS)
    assert publish(topic, CLOUDWATCH, **alarm(topic)) is Decision.ALLOW, why()
    assert publish(topic, BUDGETS, **budget()) is Decision.ALLOW, why()
    assert use_key(world, topic, CLOUDWATCH, "kms:GenerateDataKey", **alarm(topic)) is Decision.ALLOW, why()
    assert use_key(world, topic, CLOUDWATCH, "kms:Decrypt", **alarm(topic)) is Decision.ALLOW, why()
    assert use_key(world, topic, BUDGETS, "kms:GenerateDataKey", **budget()) is Decision.ALLOW, why()
    assert use_key(world, topic, BUDGETS, "kms:Decrypt", **budget()) is Decision.ALLOW, why()


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=IDS)
def test_budgets_acting_for_another_account_may_neither_publish_nor_use_the_key(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    """Confused deputy: budgets.amazonaws.com serves every AWS account; only budgets of this account (aws:SourceAccount,
    aws:SourceArn ``arn:aws:budgets::<account>:*``) may publish to the topic and use its key."""
    world = worlds[combo]
    topic = world.topic(ALERTS)
    foreign = budget(OTHER_ACCOUNT)
    mixed = {"aws:SourceArn": foreign["aws:SourceArn"], "aws:SourceAccount": ACCOUNT}  # a budget ARN of another account
    for context in (foreign, mixed, {"aws:SourceAccount": ACCOUNT}, {}):
        assert publish(topic, BUDGETS, **context) is Decision.IMPLICIT_DENY, (context, why())
        for action in ("kms:GenerateDataKey", "kms:Decrypt"):
            assert use_key(world, topic, BUDGETS, action, **context) is Decision.IMPLICIT_DENY, (context, action, why())


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=IDS)
def test_nobody_else_may_publish(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    world = worlds[combo]
    for topic in _alert_topics(world):
        assert publish(topic, CLOUDWATCH, **alarm(topic, account=OTHER_ACCOUNT)) is Decision.IMPLICIT_DENY, why()
        assert publish(topic, CLOUDWATCH, **alarm(topic, region="ap-south-1")) is Decision.IMPLICIT_DENY, why()
        assert publish(topic, CLOUDWATCH, **{"aws:SourceAccount": ACCOUNT}) is Decision.IMPLICIT_DENY, why()  # no alarm ARN
        assert publish(topic, BUDGETS, **budget(OTHER_ACCOUNT)) is Decision.IMPLICIT_DENY, why()
        assert publish(topic, Principal.service("events.amazonaws.com"), **alarm(topic)) is Decision.IMPLICIT_DENY, why()
        assert publish(topic, Principal.anonymous()) is Decision.IMPLICIT_DENY, why()
        outsider = Principal.role(OTHER_ACCOUNT, "attacker")
        assert publish(topic, outsider, [ADMIN_IDENTITY], **{"aws:PrincipalAccount": OTHER_ACCOUNT}) is Decision.IMPLICIT_DENY, why()
        # Publishing without TLS is refused even to the publishers the topic admits.
        assert publish(topic, CLOUDWATCH, **{**alarm(topic), "aws:SecureTransport": False}) is Decision.EXPLICIT_DENY, why()
        assert use_key(world, topic, Principal.service("events.amazonaws.com"), "kms:GenerateDataKey", **alarm(topic)) is Decision.IMPLICIT_DENY, why()
        assert use_key(world, topic, CLOUDWATCH, "kms:GenerateDataKey", **alarm(topic, account=OTHER_ACCOUNT)) is Decision.IMPLICIT_DENY, why()


@pytest.mark.parametrize("combo", [c for c in ALL_COMBOS if plan_for(c[1]).bucket_grants], ids=lambda c: f"{c[0]}-phase{c[1]}")
def test_service_identities_cannot_publish_alerts(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    world = worlds[combo]
    topic = world.topic(ALERTS)
    for service in sorted({g.service for g in plan_for(combo[1]).bucket_grants}):
        user, identity = world.user(f"Identity-{service}")
        assert publish(topic, user, identity, **{"aws:PrincipalAccount": ACCOUNT}) is Decision.IMPLICIT_DENY, (service, why())


def test_within_the_account_publishing_is_otherwise_a_matter_of_iam(worlds: dict[Combo, StackWorld]) -> None:
    """Said plainly: an IAM principal of the account whose own policies allow sns:Publish may publish (the
    topic policy grants it nothing; AWS evaluates same-account IAM policies on their own)."""
    topic = worlds["prod", 1].topic(ALERTS)
    admin = Principal.role(ACCOUNT, "platform-admin")
    assert publish(topic, admin, [ADMIN_IDENTITY], **{"aws:PrincipalAccount": ACCOUNT}) is Decision.ALLOW, why()
    assert publish(topic, admin, [], **{"aws:PrincipalAccount": ACCOUNT}) is Decision.IMPLICIT_DENY, why()


# The security alert topic (AuditTrail): CloudWatch alarms only ---------------------------------


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=IDS)
def test_security_topic_admits_cloudwatch_alarms_but_not_budgets(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    world = worlds[combo]
    topic = world.topic(SECURITY)
    assert publish(topic, CLOUDWATCH, **alarm(topic, "healthcare-env-RootAccountUse")) is Decision.ALLOW, why()
    assert publish(topic, BUDGETS, **budget()) is Decision.IMPLICIT_DENY, why()
    assert publish(topic, CLOUDWATCH, **alarm(topic, account=OTHER_ACCOUNT)) is Decision.IMPLICIT_DENY, why()


# Humans without MFA ------------------------------------------------------------------------------


MFA_COMBOS = [c for c in ALL_COMBOS if load_all()[c[0]].account.admin_group_name is not None]


def _for_user(policy: dict[str, Any], user: str) -> dict[str, Any]:
    """The policy as AWS evaluates it for IAM user ``user``: ``${aws:username}`` is that user's name."""
    import json

    return json.loads(json.dumps(policy).replace("${aws:username}", user))


def _human(world: StackWorld, action: str, resource: str, identity: list[dict[str, Any]], **context: Any) -> Decision:
    alice = Principal.user(ACCOUNT, "alice")
    request = Request(alice, action, resource, {"aws:PrincipalAccount": ACCOUNT, "aws:username": "alice", **context})
    explanation = explain_same_account(request, resource_policy=None, identity_policies=identity, resource_account=ACCOUNT)
    _LAST[:] = [str(explanation)]
    return explanation.decision


@pytest.mark.parametrize("combo", MFA_COMBOS, ids=lambda c: f"{c[0]}-phase{c[1]}")
def test_admins_without_mfa_may_only_set_up_mfa(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    world = worlds[combo]
    policy = world.managed_policy("Account/RequireMfa")
    with pytest.raises(UnsupportedPolicy, match="policy variables"):
        _human(world, "s3:GetObject", "arn:aws:s3:::b/k", [policy])  # iam_eval never guesses a variable
    mfa = _for_user(policy, "alice")
    admin = [mfa, ADMIN_IDENTITY]
    own_device, own_user = f"arn:aws:iam::{ACCOUNT}:mfa/alice", f"arn:aws:iam::{ACCOUNT}:user/alice"
    no_mfa = {"aws:MultiFactorAuthPresent": False}
    # Signed in without MFA, or with a long-term access key (the key is then absent): everything else is denied.
    for context in (no_mfa, {}):
        assert _human(world, "s3:GetObject", "arn:aws:s3:::healthcare-prod-medical-documents-1/r.pdf", admin, **context) is Decision.EXPLICIT_DENY, why()
        assert _human(world, "iam:CreateAccessKey", own_user, admin, **context) is Decision.EXPLICIT_DENY, why()
        assert _human(world, "iam:DeactivateMFADevice", own_user, admin, **context) is Decision.EXPLICIT_DENY, why()
    # ... but setting up one's own MFA device works, from this policy alone.
    assert _human(world, "iam:CreateVirtualMFADevice", own_device, [mfa], **no_mfa) is Decision.ALLOW, why()
    assert _human(world, "iam:EnableMFADevice", own_user, [mfa], **no_mfa) is Decision.ALLOW, why()
    assert _human(world, "iam:ChangePassword", own_user, [mfa], **no_mfa) is Decision.ALLOW, why()
    assert _human(world, "iam:EnableMFADevice", f"arn:aws:iam::{ACCOUNT}:user/bob", [mfa], **no_mfa) is Decision.IMPLICIT_DENY, why()
    # Signed in with MFA, the policy takes nothing away.
    assert (
        _human(world, "s3:GetObject", "arn:aws:s3:::healthcare-prod-medical-documents-1/r.pdf", admin, **{"aws:MultiFactorAuthPresent": True}) is Decision.ALLOW
    ), why()


@pytest.mark.parametrize("combo", MFA_COMBOS, ids=lambda c: f"{c[0]}-phase{c[1]}")
def test_admins_manage_their_own_mfa_devices_under_any_name_and_nobody_elses(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    """AWS's current self-manage-MFA policy: the console lets a user name a device (up to eight per user), so
    devices are ``mfa/*``; what ties a device to a user is EnableMFADevice / DeactivateMFADevice on the user's own ARN."""
    mfa = [_for_user(worlds[combo].managed_policy("Account/RequireMfa"), "alice")]
    alice, bob = f"arn:aws:iam::{ACCOUNT}:user/alice", f"arn:aws:iam::{ACCOUNT}:user/bob"
    phone = f"arn:aws:iam::{ACCOUNT}:mfa/alice-phone"
    no_mfa, with_mfa = {"aws:MultiFactorAuthPresent": False}, {"aws:MultiFactorAuthPresent": True}
    world = worlds[combo]
    # Alice enables a device named "alice-phone" on her first sign-in (no MFA yet).
    assert _human(world, "iam:CreateVirtualMFADevice", phone, mfa, **no_mfa) is Decision.ALLOW, why()
    assert _human(world, "iam:EnableMFADevice", alice, mfa, **no_mfa) is Decision.ALLOW, why()
    assert _human(world, "iam:ListMFADevices", alice, mfa, **no_mfa) is Decision.ALLOW, why()
    # Signed in with it, she reads it, and may remove it (deactivate, then delete the virtual device).
    assert _human(world, "iam:GetMFADevice", alice, mfa, **with_mfa) is Decision.ALLOW, why()
    assert _human(world, "iam:DeactivateMFADevice", alice, mfa, **with_mfa) is Decision.ALLOW, why()
    assert _human(world, "iam:DeleteVirtualMFADevice", phone, mfa, **with_mfa) is Decision.ALLOW, why()
    # Bob's devices are not hers: she can neither bind to, read, nor deactivate them, with or without MFA.
    for context in (no_mfa, with_mfa):
        for action in ("iam:DeactivateMFADevice", "iam:EnableMFADevice", "iam:GetMFADevice", "iam:ResyncMFADevice"):
            assert _human(world, action, bob, mfa, **context) is not Decision.ALLOW, (action, context, why())
    # Without MFA, removing her own device is refused too: only an MFA session may take MFA away.
    assert _human(world, "iam:DeactivateMFADevice", alice, mfa, **no_mfa) is Decision.EXPLICIT_DENY, why()
    assert _human(world, "iam:DeleteVirtualMFADevice", phone, mfa, **no_mfa) is Decision.EXPLICIT_DENY, why()
