"""ConfigCompliance: recorder, delivery into the audit-log bucket, the vendored HIPAA Security conformance pack."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from constructs_lib.detection.conformance_pack import (
    HIPAA_SECURITY_TEMPLATE,
    TEMPLATE_BODY_LIMIT_BYTES,
    TEMPLATE_SHA256,
    hipaa_security_rule_names,
    hipaa_security_template,
    template_without,
)
from constructs_lib.errors import ValidationError, ValidationErrors
from tests.conftest import resources_of, synth_json
from tests.unit._detection_helpers import audit_bucket, aws, statements

MFA_REASON = "the IAM users are programmatic service identities; console users are checked by another rule"


def _config(stack: Any, **overrides: Any) -> Any:
    from constructs_lib import ConfigCompliance, ConfigComplianceProps

    aws(stack)
    return ConfigCompliance(stack, "Config", ConfigComplianceProps(**{"name_prefix": "acme-dev", "log_bucket": audit_bucket(stack), **overrides}))


# The vendored template -------------------------------------------------------------------------------------------


def test_the_vendored_template_is_awss_and_fits_template_body() -> None:
    raw = HIPAA_SECURITY_TEMPLATE.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == TEMPLATE_SHA256
    assert TEMPLATE_SHA256 in (HIPAA_SECURITY_TEMPLATE.parent / "NOTICE.md").read_text()  # the notice names this file
    assert len(raw) <= TEMPLATE_BODY_LIMIT_BYTES == 51_200
    assert "CC0" in (HIPAA_SECURITY_TEMPLATE.parent / "NOTICE.md").read_text()
    names = hipaa_security_rule_names()
    assert len(names) == len(set(names)) == 130
    assert {"iam-user-mfa-enabled", "cloud-trail-encryption-enabled", "s3-bucket-ssl-requests-only", "guardduty-enabled-centralized"} <= set(names)
    # No Terraform interpolation or template directive in it (template_body is written as a Terraform string).
    assert "${" not in raw.decode() and "%{" not in raw.decode()


def test_excluding_rules_removes_exactly_their_blocks() -> None:
    original = hipaa_security_template()
    assert template_without(()) == original
    body = template_without(["iam-user-mfa-enabled", "annual-risk-assessment-performed"])
    assert body.count("Type: AWS::Config::ConfigRule") == 128
    assert "ConfigRuleName: iam-user-mfa-enabled\n" not in body and "ConfigRuleName: annual-risk-assessment-performed\n" not in body
    # Every other line is AWS's, in order: the removed blocks are exactly the lines that are missing.
    removed = [line.strip() for line in original.splitlines() if line not in body.splitlines()]
    assert removed[:3] == ["IamUserMfaEnabled:", "ConfigRuleName: iam-user-mfa-enabled", "SourceIdentifier: IAM_USER_MFA_ENABLED"]
    assert removed[3:5] == ["AnnualRiskAssessmentPerformed:", "ConfigRuleName: annual-risk-assessment-performed"]
    assert removed[5].startswith("Description: Perform an annual risk assessment") and removed[6:] == ["SourceIdentifier: AWS_CONFIG_PROCESS_CHECK"]
    assert original.endswith(body[-2000:])  # Conditions untouched


def test_template_without_refuses_unknown_rules_and_oversized_results() -> None:
    with pytest.raises(ValueError, match="rules not in the template: no-such-rule"):
        template_without(["no-such-rule"])
    padded = hipaa_security_template().replace("\nParameters:\n", "\nParameters:\n" + "#" * 2000 + "\n", 1)
    with pytest.raises(ValueError, match=r"template is 52486 bytes, over template_body's 51200"):
        template_without([], padded)


# The construct -------------------------------------------------------------------------------------------------------


def test_recorder_records_everything_with_the_service_linked_role(fresh_stack: Any) -> None:
    _config(fresh_stack)
    synthesized = synth_json(fresh_stack)
    ((role_name, role),) = resources_of(synthesized, "aws_iam_service_linked_role").items()
    assert role["aws_service_name"] == "config.amazonaws.com"
    ((recorder_name, recorder),) = resources_of(synthesized, "aws_config_configuration_recorder").items()
    assert recorder["name"] == "acme-dev-config"
    assert recorder["role_arn"] == f"${{aws_iam_service_linked_role.{role_name}.arn}}"
    assert recorder["recording_group"] == {
        "all_supported": True,
        "include_global_resource_types": True,
        "recording_strategy": [{"use_only": "ALL_SUPPORTED_RESOURCE_TYPES"}],
    }
    ((channel_name, channel),) = resources_of(synthesized, "aws_config_delivery_channel").items()
    (bucket,) = [n for n in resources_of(synthesized, "aws_s3_bucket") if n.startswith("AuditLogs")]
    (key,) = [n for n in resources_of(synthesized, "aws_kms_key") if n.startswith("AuditLogs")]
    assert channel["s3_bucket_name"] == f"${{aws_s3_bucket.{bucket}.bucket}}"
    assert channel["s3_kms_key_arn"] == f"${{aws_kms_key.{key}.arn}}"
    assert "s3_key_prefix" not in channel  # AWSLogs/<account>/Config/, what the bucket policy admits
    assert channel["snapshot_delivery_properties"] == {"delivery_frequency": "TwentyFour_Hours"}
    (status,) = resources_of(synthesized, "aws_config_configuration_recorder_status").values()
    assert status["is_enabled"] is True and status["depends_on"] == [f"aws_config_delivery_channel.{channel_name}"]
    assert recorder_name.startswith("Config_")


def test_delivery_statements_follow_awss_documented_policy(fresh_stack: Any) -> None:
    _config(fresh_stack)
    synthesized = synth_json(fresh_stack)
    bucket = statements(synthesized, "AuditLogs_Policy")
    account = [{"test": "StringEquals", "variable": "aws:SourceAccount", "values": ["${data.aws_caller_identity.AwsAccount_Identity_E18432DC.account_id}"]}]
    for sid, action in (("AWSConfigBucketPermissionsCheck", "s3:GetBucketAcl"), ("AWSConfigBucketExistenceCheck", "s3:ListBucket")):
        assert bucket[sid]["actions"] == [action] and bucket[sid]["condition"] == account
        assert bucket[sid]["principals"] == [{"type": "Service", "identifiers": ["config.amazonaws.com"]}]
    delivery = bucket["AWSConfigBucketDelivery"]
    assert delivery["resources"][0].endswith("}/AWSLogs/${data.aws_caller_identity.AwsAccount_Identity_E18432DC.account_id}/Config/*")
    assert delivery["condition"] == [*account, {"test": "StringEquals", "variable": "s3:x-amz-acl", "values": ["bucket-owner-full-control"]}]
    key = statements(synthesized, "AuditLogs_Key_Policy")["AWSConfigKMSPolicy"]
    assert (key["actions"], key["condition"]) == (["kms:Decrypt", "kms:GenerateDataKey"], account)


def test_conformance_pack_publishes_its_exclusions(fresh_stack: Any) -> None:
    from constructs_lib import ExcludedRule

    _config(fresh_stack, excluded_rules=(ExcludedRule(rule_name="iam-user-mfa-enabled", reason=MFA_REASON),))
    synthesized = synth_json(fresh_stack)
    ((_, pack),) = resources_of(synthesized, "aws_config_conformance_pack").items()
    assert pack["name"] == "acme-dev-hipaa-security"
    assert pack["template_body"] == template_without(["iam-user-mfa-enabled"])
    assert pack["depends_on"][0].startswith("aws_config_configuration_recorder_status.")


def test_exclusion_reasons_are_in_the_synthesized_json(tmp_path: Any) -> None:
    import json

    from constructs_lib import ExcludedRule
    from constructs_lib.engine.core import App, TerraformStack

    app = App(outdir=str(tmp_path))
    stack = TerraformStack(app, "test")
    _config(stack, excluded_rules=(ExcludedRule(rule_name="iam-user-mfa-enabled", reason=MFA_REASON),))
    app.synth()
    written = json.loads((tmp_path / "stacks" / "test" / "cdk.tf.json").read_text())
    (pack,) = written["resource"]["aws_config_conformance_pack"].values()
    assert pack["//"]["excluded_rules"] == {"iam-user-mfa-enabled": MFA_REASON}


def test_global_resources_pack_and_role_can_be_left_to_others(fresh_stack: Any) -> None:
    _config(fresh_stack, record_global_resources=False, hipaa_conformance_pack=False, create_service_linked_role=False)
    synthesized = synth_json(fresh_stack)
    (recorder,) = resources_of(synthesized, "aws_config_configuration_recorder").values()
    assert recorder["recording_group"]["include_global_resource_types"] is False
    assert recorder["role_arn"].endswith(":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig")
    assert resources_of(synthesized, "aws_config_conformance_pack") == {}
    assert resources_of(synthesized, "aws_iam_service_linked_role") == {}


def test_fails_when_an_excluded_rule_is_unknown_or_unexplained(fresh_stack: Any) -> None:
    from constructs_lib import ExcludedRule

    rules = (ExcludedRule(rule_name="no-such-rule", reason=MFA_REASON), ExcludedRule(rule_name="iam-user-mfa-enabled", reason="n/a"))
    with pytest.raises(ValidationErrors) as caught:
        _config(fresh_stack, excluded_rules=rules)
    lines = str(caught.value).splitlines()
    assert lines[0] == "test/Config: excluded_rules must be a ConfigRuleName of the HIPAA Security conformance pack, got 'no-such-rule'"
    assert lines[1].startswith("test/Config: excluded_rules must be a reason of at least 20 characters")


def test_fails_when_the_log_bucket_is_not_a_secure_s3(fresh_stack: Any) -> None:
    from constructs_lib import ConfigCompliance, ConfigComplianceProps

    aws(fresh_stack)
    with pytest.raises(ValidationError, match=r"^test/Config: log_bucket must be the environment's audit-log SecureS3 bucket, got 'my-bucket'$"):
        ConfigCompliance(fresh_stack, "Config", ConfigComplianceProps(name_prefix="acme-dev", log_bucket="my-bucket"))  # type: ignore[arg-type]
