"""ThreatDetection: GuardDuty detector with S3 Protection."""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.errors import ValidationError
from tests.conftest import resources_of, synth_json
from tests.unit._detection_helpers import aws


def test_detector_is_enabled_with_s3_protection_and_fast_publishing(fresh_stack: Any) -> None:
    from constructs_lib import ThreatDetection

    aws(fresh_stack)
    ThreatDetection(fresh_stack, "Threats")
    synthesized = synth_json(fresh_stack)
    ((name, detector),) = resources_of(synthesized, "aws_guardduty_detector").items()
    assert (detector["enable"], detector["finding_publishing_frequency"]) == (True, "FIFTEEN_MINUTES")
    assert "datasources" not in detector  # the legacy block; features replace it
    (feature,) = resources_of(synthesized, "aws_guardduty_detector_feature").values()
    assert (feature["name"], feature["status"], feature["detector_id"]) == ("S3_DATA_EVENTS", "ENABLED", f"${{aws_guardduty_detector.{name}.id}}")


def test_publishing_frequency_and_s3_protection_are_settable(fresh_stack: Any) -> None:
    from constructs_lib import PublishingFrequency, ThreatDetection, ThreatDetectionProps

    aws(fresh_stack)
    ThreatDetection(fresh_stack, "Threats", ThreatDetectionProps(finding_publishing_frequency=PublishingFrequency.SIX_HOURS, s3_protection=False))
    synthesized = synth_json(fresh_stack)
    (detector,) = resources_of(synthesized, "aws_guardduty_detector").values()
    assert detector["finding_publishing_frequency"] == "SIX_HOURS"
    assert resources_of(synthesized, "aws_guardduty_detector_feature") == {}


def test_fails_when_the_frequency_is_not_a_publishing_frequency(fresh_stack: Any) -> None:
    from constructs_lib import ThreatDetection, ThreatDetectionProps

    aws(fresh_stack)
    with pytest.raises(ValidationError, match=r"^test/Threats: finding_publishing_frequency must be a PublishingFrequency, got '1h'$"):
        ThreatDetection(fresh_stack, "Threats", ThreatDetectionProps(finding_publishing_frequency="1h"))  # type: ignore[arg-type]


def test_the_detector_publishes_its_accepted_organization_finding(tmp_path: Any) -> None:
    import json

    from constructs_lib import ThreatDetection
    from constructs_lib.detection.threat_detection import NOT_AN_ORGANIZATION_ADMIN
    from constructs_lib.engine.core import App, TerraformStack

    app = App(outdir=str(tmp_path))
    stack = TerraformStack(app, "test")
    aws(stack)
    ThreatDetection(stack, "Threats")
    app.synth()
    (detector,) = json.loads((tmp_path / "stacks" / "test" / "cdk.tf.json").read_text())["resource"]["aws_guardduty_detector"].values()
    assert detector["//"]["checkov_accepted"] == {"CKV2_AWS_3": NOT_AN_ORGANIZATION_ADMIN}
