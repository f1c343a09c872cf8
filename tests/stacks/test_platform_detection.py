"""Detection in the platform stacks: what phase 1 adds for the owner of the account baseline, from the environment
file, per environment x phase; and nothing for an environment that leaves the baseline to another."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from constructs_lib.detection.conformance_pack import template_without
from environments import EnvironmentConfig
from platform_plan.phases import COMPONENT_PHASES, Component, plan_for
from stacks._detection import MACIE_OFF_REASON
from tests.conftest import ALL_COMBOS, Combo, config_at, resources_of

IDS = [f"{e}-phase{p}" for e, p in ALL_COMBOS]
DETECTION_TYPES = (
    "aws_guardduty_detector",
    "aws_guardduty_detector_feature",
    "aws_securityhub_account",
    "aws_securityhub_standards_subscription",
    "aws_securityhub_standards_control_association",
    "aws_config_configuration_recorder",
    "aws_config_delivery_channel",
    "aws_config_configuration_recorder_status",
    "aws_config_conformance_pack",
    "aws_iam_service_linked_role",
    "aws_accessanalyzer_analyzer",
    "aws_macie2_account",
    "aws_macie2_classification_job",
    "aws_cloudwatch_event_rule",
    "aws_cloudwatch_event_target",
)


def test_detection_arrives_in_phase_1() -> None:
    assert COMPONENT_PHASES[Component.DETECTION] == 1


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=IDS)
def test_the_owner_gets_every_piece_from_its_file(stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], combo: Combo) -> None:
    env, phase = combo
    stack, config = stacks[combo], configs[env]
    settings = config.detection
    assert config.account.owns_account_baseline
    (detector,) = resources_of(stack, "aws_guardduty_detector").values()
    assert detector["finding_publishing_frequency"] == settings.finding_publishing_frequency
    (feature,) = resources_of(stack, "aws_guardduty_detector_feature").values()
    assert (feature["name"], feature["status"]) == ("S3_DATA_EVENTS", "ENABLED")
    standards = sorted(s["standards_arn"].split("::standards/")[1] for s in resources_of(stack, "aws_securityhub_standards_subscription").values())
    assert standards == ["aws-foundational-security-best-practices/v/1.0.0", f"cis-aws-foundations-benchmark/v/{settings.cis_version}"]
    disabled = {(c["security_control_id"], c["updated_reason"]) for c in resources_of(stack, "aws_securityhub_standards_control_association").values()}
    expected = {(c.control, " ".join(c.reason.split())) for c in settings.disabled_controls} | (
        {("Macie.1", MACIE_OFF_REASON)} if not settings.macie else set()
    )
    assert disabled == expected
    (recorder,) = resources_of(stack, "aws_config_configuration_recorder").values()
    assert recorder["recording_group"]["include_global_resource_types"] is settings.record_global_resources
    (channel,) = resources_of(stack, "aws_config_delivery_channel").values()
    (audit_bucket,) = [n for n, b in resources_of(stack, "aws_s3_bucket").items() if b["bucket"].startswith(f"{config.name_prefix}-audit-logs-${{")]
    assert channel["s3_bucket_name"] == f"${{aws_s3_bucket.{audit_bucket}.bucket}}"
    (pack,) = resources_of(stack, "aws_config_conformance_pack").values()
    assert pack["template_body"] == template_without([r.rule for r in settings.excluded_config_rules])
    assert pack["//"]["excluded_rules"] == {r.rule: " ".join(r.reason.split()) for r in settings.excluded_config_rules}
    analyzers = sorted(a["type"] for a in resources_of(stack, "aws_accessanalyzer_analyzer").values())
    assert analyzers == ["ACCOUNT", *(["ACCOUNT_UNUSED_ACCESS"] if settings.unused_access_analyzer else [])]
    rules = sorted(r["name"] for r in resources_of(stack, "aws_cloudwatch_event_rule").values() if r["name"].endswith("-findings"))
    sources = ["access-analyzer", "guardduty", *(["macie"] if settings.macie else []), "securityhub"]
    assert rules == [f"{config.name_prefix}-{s}-findings" for s in sources]


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=IDS)
def test_macie_scans_every_phi_bucket_of_the_phase(stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], combo: Combo) -> None:
    env, phase = combo
    stack, config = stacks[combo], configs[env]
    jobs = sorted(j["name"] for j in resources_of(stack, "aws_macie2_classification_job").values())
    if not config.detection.macie:
        assert jobs == [] and resources_of(stack, "aws_macie2_account") == {}
        return
    phi = [b.purpose for b in plan_for(phase).buckets if b.classification.value == "phi"]
    assert jobs == sorted(f"{config.name_prefix}-{purpose}-phi-scan" for purpose in phi)


def test_prod_phase_1_scans_the_backups(stacks: dict[Combo, dict[str, Any]]) -> None:
    jobs = [j["name"] for j in resources_of(stacks["prod", 1], "aws_macie2_classification_job").values()]
    assert jobs == ["healthcare-prod-backups-phi-scan"]


@pytest.fixture(scope="module")
def second_in_the_account(configs: dict[str, EnvironmentConfig]) -> dict[str, Any]:
    """staging as a second environment of an account whose baseline another environment owns."""
    from constructs_lib.engine.core import Testing as CdktfTesting
    from stacks.platform import PlatformStack

    config = config_at(configs, "staging", 1)
    account = dataclasses.replace(config.account, owns_account_baseline=False, manage_password_policy=False)
    return json.loads(CdktfTesting.synth(PlatformStack(CdktfTesting.app(), config.model_copy(update={"account": account}), plan_for(1))))


def test_an_environment_that_does_not_own_the_baseline_gets_none_of_it(second_in_the_account: dict[str, Any]) -> None:
    assert {t: resources_of(second_in_the_account, t) for t in DETECTION_TYPES} == {t: {} for t in DETECTION_TYPES}
    assert resources_of(second_in_the_account, "aws_iam_account_password_policy") == {}
    # Its trail and security topic are still there; the topic admits no EventBridge rule.
    (policy,) = [p for n, p in resources_of(second_in_the_account, "aws_sns_topic_policy").items() if n.startswith("AuditTrail_Topics_AlertsPolicy")]
    assert [s["Sid"] for s in json.loads(policy["policy"])["Statement"]] == ["CloudWatchAlarmsOfThisAccount", "DenyInsecureTransport"]
