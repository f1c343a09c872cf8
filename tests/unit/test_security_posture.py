"""SecurityPosture: Security Hub, FSBP and CIS subscriptions, controls disabled with their reasons."""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.errors import ValidationError, ValidationErrors
from tests.conftest import resources_of, synth_json
from tests.unit._detection_helpers import aws

REASON = "MFA delete needs the root user and S3 refuses lifecycle rules on such buckets"


def test_hub_without_default_standards_and_fsbp_plus_cis_3(fresh_stack: Any) -> None:
    from constructs_lib import SecurityPosture

    aws(fresh_stack)
    SecurityPosture(fresh_stack, "Posture")
    synthesized = synth_json(fresh_stack)
    ((hub_name, hub),) = resources_of(synthesized, "aws_securityhub_account").items()
    assert {k: v for k, v in hub.items() if k != "//"} == {
        "enable_default_standards": False,
        "auto_enable_controls": True,
        "control_finding_generator": "SECURITY_CONTROL",
    }
    arns = sorted(s["standards_arn"] for s in resources_of(synthesized, "aws_securityhub_standards_subscription").values())
    partition, region = "${data.aws_partition.", "${data.aws_region."
    assert [a.split("::standards/")[1] for a in arns] == ["aws-foundational-security-best-practices/v/1.0.0", "cis-aws-foundations-benchmark/v/3.0.0"]
    assert all(a.startswith(f"arn:{partition}") and f":securityhub:{region}" in a for a in arns)
    assert all(s["depends_on"] == [f"aws_securityhub_account.{hub_name}"] for s in resources_of(synthesized, "aws_securityhub_standards_subscription").values())


def test_disabled_controls_carry_their_reason_into_the_json(fresh_stack: Any) -> None:
    from constructs_lib import DisabledControl, SecurityPosture, SecurityPostureProps, SecurityStandard

    aws(fresh_stack)
    control = DisabledControl(standard=SecurityStandard.CIS_3_0_0, control_id="S3.20", reason=REASON)
    SecurityPosture(fresh_stack, "Posture", SecurityPostureProps(disabled_controls=(control,)))
    synthesized = synth_json(fresh_stack)
    (association,) = resources_of(synthesized, "aws_securityhub_standards_control_association").values()
    (cis,) = [n for n, s in resources_of(synthesized, "aws_securityhub_standards_subscription").items() if "cis" in s["standards_arn"]]
    assert association["association_status"] == "DISABLED"
    assert association["security_control_id"] == "S3.20"
    assert association["updated_reason"] == REASON
    assert association["standards_arn"] == f"${{aws_securityhub_standards_subscription.{cis}.standards_arn}}"


def test_another_cis_version(fresh_stack: Any) -> None:
    from constructs_lib import SecurityPosture, SecurityPostureProps, SecurityStandard

    aws(fresh_stack)
    SecurityPosture(fresh_stack, "Posture", SecurityPostureProps(standards=(SecurityStandard.FSBP, SecurityStandard.CIS_5_0_0)))
    arns = [s["standards_arn"] for s in resources_of(synth_json(fresh_stack), "aws_securityhub_standards_subscription").values()]
    assert any(a.endswith("::standards/cis-aws-foundations-benchmark/v/5.0.0") for a in arns)


def test_fails_when_a_disabled_control_is_malformed_unsubscribed_or_unexplained(fresh_stack: Any) -> None:
    from constructs_lib import DisabledControl, SecurityPosture, SecurityPostureProps, SecurityStandard

    aws(fresh_stack)
    controls = (
        DisabledControl(standard=SecurityStandard.FSBP, control_id="s3-20", reason=REASON),
        DisabledControl(standard=SecurityStandard.CIS_1_4_0, control_id="IAM.6", reason=REASON),
        DisabledControl(standard=SecurityStandard.FSBP, control_id="Macie.1", reason="not needed"),
    )
    with pytest.raises(ValidationErrors) as caught:
        SecurityPosture(fresh_stack, "Posture", SecurityPostureProps(disabled_controls=controls))
    lines = str(caught.value).splitlines()
    assert lines[0] == "test/Posture: disabled_controls must be a Security Hub control id such as S3.20, got 's3-20'"
    assert lines[1] == ("test/Posture: disabled_controls must be a control of a subscribed standard, got 'IAM.6 in cis-aws-foundations-benchmark/v/1.4.0'")
    assert lines[2].startswith("test/Posture: disabled_controls must be a reason of at least 20 characters")


def test_fails_when_standards_are_empty(fresh_stack: Any) -> None:
    from constructs_lib import SecurityPosture, SecurityPostureProps

    aws(fresh_stack)
    with pytest.raises(ValidationError, match=r"^test/Posture: standards must be a non-empty tuple of SecurityStandard, got \(\)$"):
        SecurityPosture(fresh_stack, "Posture", SecurityPostureProps(standards=()))
