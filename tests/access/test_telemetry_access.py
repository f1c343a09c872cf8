"""Application logs in every environment x phase, decided as AWS would: each service writes only its own log group,
no service reads any, the log reader role (audit reader and on-call) reads them all, and each group's key serves
CloudWatch Logs for that group only."""

from __future__ import annotations

from typing import Any

import pytest

from platform_plan.phases import plan_for
from tests.access.iam_eval import Decision, Principal, Request, decide_kms, decide_same_account, evaluate
from tests.access.world import ACCOUNT, StackWorld
from tests.conftest import ALL_COMBOS, Combo, resources_of

WRITE = ("logs:CreateLogStream", "logs:PutLogEvents")
READ = ("logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:DescribeLogStreams")


def _groups(world: StackWorld) -> dict[str, str]:
    """Application log group ARN by service (``/aws/railway/<prefix>/<service>``)."""
    groups = {}
    for name, block in resources_of(world.stack, "aws_cloudwatch_log_group").items():
        group = world.resolve(block["name"])
        if group.startswith("/aws/railway/"):
            groups[group.rsplit("/", 1)[1]] = world.reference(f"aws_cloudwatch_log_group.{name}.arn")
    return groups


def _key(world: StackWorld, service: str) -> str:
    """The ARN of ``Telemetry-<service>/Key``."""
    (name,) = [n for n, b in resources_of(world.stack, "aws_kms_key").items() if b["//"]["metadata"]["path"].endswith(f"/Telemetry-{service}/Key")]
    return world.reference(f"aws_kms_key.{name}.arn")


def _target(action: str, group: str) -> str:
    return f"{group}:log-stream:replica-1" if action in ("logs:PutLogEvents", "logs:GetLogEvents") else group


def _decide(principal: Principal, policies: list[dict[str, Any]], action: str, resource: str) -> Decision:
    # A log group has no resource policy: in its account the caller's identity policies decide.
    return decide_same_account(Request(principal, action, resource), resource_policy=None, identity_policies=policies, resource_account=ACCOUNT)


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=[f"{e}-{p}" for e, p in ALL_COMBOS])
def test_each_service_writes_its_own_log_group_only_and_reads_none(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    world = worlds[combo]
    groups = _groups(world)
    assert set(groups) == {s.name for s in plan_for(combo[1]).monitored_services}
    for service in groups:
        principal, policies = world.user(f"Identity-{service}")
        for other, group in groups.items():
            for action in WRITE:
                expected = Decision.ALLOW if other == service else Decision.IMPLICIT_DENY
                assert _decide(principal, policies, action, _target(action, group)) is expected, (service, other, action)
            for action in (*READ, "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DisassociateKmsKey"):
                assert _decide(principal, policies, action, _target(action, group)) is Decision.IMPLICIT_DENY, (service, other, action)


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=[f"{e}-{p}" for e, p in ALL_COMBOS])
def test_the_log_reader_reads_every_application_log_group_and_only_the_readers_assume_it(
    worlds: dict[Combo, StackWorld], configs: dict[str, Any], combo: Combo
) -> None:
    world, config = worlds[combo], configs[combo[0]]
    readers = [a for a in (config.audit.log_reader_arn, *config.telemetry.log_reader_arns) if a]
    roles = {world.resolve(b["name"]): (n, b) for n, b in resources_of(world.stack, "aws_iam_role").items()}
    name = f"{config.name_prefix}-app-log-reader"
    if not readers:
        assert name not in roles  # dev: no reader configured, so no role (nobody to trust)
        return
    resource, block = roles[name]
    role_arn = world.reference(f"aws_iam_role.{resource}.arn")
    trust = world.policy(block["assume_role_policy"])
    for arn in readers:
        account, role_name = arn.split(":")[4], arn.split(":role/", 1)[1]
        assert evaluate(trust, Request(Principal.role(account, role_name), "sts:AssumeRole", role_arn), resource_policy=True) == "allow"
    for service in _groups(world):
        principal, _ = world.user(f"Identity-{service}")
        assert evaluate(trust, Request(principal, "sts:AssumeRole", role_arn), resource_policy=True) is None
    read = world.managed_policy("AppLogReader/ReadPolicy")
    reader = Principal.role(ACCOUNT, name)
    for group in _groups(world).values():
        for action in READ:
            assert _decide(reader, [read], action, _target(action, group)) is Decision.ALLOW
        for action in (*WRITE, "logs:DeleteLogGroup", "logs:PutRetentionPolicy"):
            assert _decide(reader, [read], action, _target(action, group)) is Decision.IMPLICIT_DENY
    trail_group = f"arn:aws:logs:{world.region}:{ACCOUNT}:log-group:/aws/cloudtrail/{config.name_prefix}"
    assert _decide(reader, [read], "logs:GetLogEvents", f"{trail_group}:log-stream:x") is Decision.IMPLICIT_DENY


@pytest.mark.parametrize("combo", [c for c in ALL_COMBOS if c[1] in (1, 4)], ids=lambda c: f"{c[0]}-{c[1]}")
def test_each_log_groups_key_serves_cloudwatch_logs_for_that_group_only(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    world = worlds[combo]
    groups = _groups(world)
    logs = Principal.service(f"logs.{world.region}.amazonaws.com")
    for service, group in groups.items():
        key = _key(world, service)
        for other, other_group in groups.items():
            request = Request(logs, "kms:GenerateDataKey", key, {"kms:EncryptionContext:aws:logs:arn": other_group})
            decision = decide_kms(request, key_policy=world.key_policy(key), identity_policies=[], key_account=ACCOUNT)
            assert decision is (Decision.ALLOW if other == service else Decision.IMPLICIT_DENY), (service, other)
        principal, policies = world.user(f"Identity-{service}")
        request = Request(principal, "kms:Decrypt", key, {"kms:EncryptionContext:aws:logs:arn": group})
        assert decide_kms(request, key_policy=world.key_policy(key), identity_policies=policies, key_account=ACCOUNT) is Decision.IMPLICIT_DENY
