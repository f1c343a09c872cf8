"""AuditTrail in the platform stacks: every PHI bucket of every environment x phase is in the data events."""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.errors import ValidationError
from environments import EnvironmentConfig
from tests.conftest import ALL_COMBOS, Combo, config_at, resources_of


def _trail(stack: dict[str, Any]) -> dict[str, Any]:
    [trail] = resources_of(stack, "aws_cloudtrail").values()
    return trail


def _data_event_prefixes(trail: dict[str, Any]) -> list[str]:
    data = [s for s in trail["advanced_event_selector"] if s["field_selector"][0]["equals"] == ["Data"]]
    if not data:
        return []
    [selector] = data
    return {f["field"]: f for f in selector["field_selector"]}["resources.ARN"]["starts_with"]


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=[f"{e}-phase{p}" for e, p in ALL_COMBOS])
def test_every_phi_bucket_is_in_the_data_events(stacks: dict[Combo, dict[str, Any]], combo: Combo) -> None:
    stack = stacks[combo]
    # Independent of the construct: every bucket the stack tags as PHI (sources and their replicas).
    phi = sorted(
        f"${{aws_s3_bucket.{name}.arn}}/"
        for name, bucket in resources_of(stack, "aws_s3_bucket").items()
        if bucket.get("tags", {}).get("DataClassification") == "phi"
    )
    assert sorted(_data_event_prefixes(_trail(stack))) == phi
    assert len(phi) > 0  # the backups bucket (database dumps) is PHI from phase 1


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=[f"{e}-phase{p}" for e, p in ALL_COMBOS])
def test_trail_writes_to_the_audit_log_bucket(stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], combo: Combo) -> None:
    env, _ = combo
    stack, config = stacks[combo], configs[env]
    buckets = {b["bucket"].split("-${")[0]: name for name, b in resources_of(stack, "aws_s3_bucket").items()}
    trail = _trail(stack)
    assert trail["name"] == f"{config.project}-{env}-audit"
    assert trail["s3_bucket_name"] == f"${{aws_s3_bucket.{buckets[f'{config.project}-{env}-audit-logs']}.bucket}}"
    assert (trail["is_multi_region_trail"], trail["enable_log_file_validation"]) == (True, True)
    assert resources_of(stack, "aws_s3_bucket")[buckets[f"{config.project}-{env}-audit-logs"]]["object_lock_enabled"] is True


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_audit_settings_reach_the_stack(stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], env: str) -> None:
    audit = configs[env].audit
    stack = stacks[(env, configs[env].phase)]
    routes = sorted(
        (s["protocol"], s["endpoint"])
        for s in resources_of(stack, "aws_sns_topic_subscription").values()
        if s["topic_arn"].startswith("${aws_sns_topic.AuditTrail_")
    )
    assert routes == sorted([("email", e) for e in audit.alert_emails] + [("https", u) for u in audit.alert_https_endpoints])
    assert bool(audit.alert_https_endpoints) is (env == "prod")  # production's security alerts page
    [group] = [g for g in resources_of(stack, "aws_cloudwatch_log_group").values() if g["name"].startswith("/aws/cloudtrail/")]
    assert group["retention_in_days"] == audit.log_retention_days
    alarms = {a["metric_name"]: a for a in resources_of(stack, "aws_cloudwatch_metric_alarm").values() if a.get("namespace", "").endswith("/audit")}
    assert alarms["UnauthorizedApiCalls"]["threshold"] == audit.unauthorized_api_calls_threshold
    assert alarms["ConsoleSignInFailures"]["threshold"] == audit.console_signin_failures_threshold
    assert alarms["RootAccountUse"]["threshold"] == audit.change_alarm_threshold
    assert {a["period"] for a in alarms.values()} == {audit.alarm_period_seconds}


def test_fails_when_phase_has_the_trail_but_no_audit_bucket(configs: dict[str, EnvironmentConfig]) -> None:
    from constructs_lib.engine.core import Testing as CdktfTesting
    from platform_plan.phases import Component, PhasePlan
    from stacks.platform import PlatformStack

    plan = PhasePlan(phase=1, components=frozenset({Component.AUDIT_TRAIL}), services=())
    with pytest.raises(ValidationError, match=r"dev/AuditTrail: log_bucket must be the environment's audit-log SecureS3 bucket, got None"):
        PlatformStack(CdktfTesting.app(), config_at(configs, "dev", 1), plan)
