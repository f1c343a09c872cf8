"""AuditTrail: secure defaults, scoped policies, PHI data events found at synthesis, alarms, bad props."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import pytest

from constructs_lib.errors import ValidationError
from tests.conftest import resources_of, synth_json
from tests.unit._s3_helpers import NO_REPLICA

ACCOUNT = "${data.aws_caller_identity.AwsAccount_Identity_E18432DC.account_id}"


def _stack_with_buckets(stack: Any, *, lock: bool = True) -> tuple[Any, Any]:
    """Default provider, access-log bucket, an Object-Locked audit bucket (INTERNAL) and a PHI bucket."""
    from constructs_lib import AccessLogBucket, AccessLogBucketProps, DataClassification, SecureS3, SecureS3Props
    from constructs_lib.engine.aws import AwsProvider

    AwsProvider(stack, "aws", region="us-east-1")
    logs = AccessLogBucket(stack, "AccessLogs", AccessLogBucketProps(project="acme", environment="dev"))
    audit = SecureS3(
        stack,
        "Audit",
        SecureS3Props(
            project="acme",
            environment="dev",
            purpose="audit-logs",
            access_log_bucket=logs,
            classification=DataClassification.INTERNAL,
            object_lock_retention_days=2190 if lock else None,
            noncurrent_version_expiration_days=2190,
        ),
    )
    phi = SecureS3(
        stack,
        "Docs",
        SecureS3Props(project="acme", environment="dev", purpose="medical-documents", access_log_bucket=logs, replication_opt_out_reason=NO_REPLICA),
    )
    return audit, phi


def _trail(stack: Any, audit: Any, **overrides: Any) -> Any:
    from constructs_lib import AuditTrail, AuditTrailProps

    return AuditTrail(stack, "AuditTrail", AuditTrailProps(**{"name_prefix": "acme-dev", "log_bucket": audit, **overrides}))


def _only(synthesized: dict[str, Any], resource_type: str) -> dict[str, Any]:
    blocks = resources_of(synthesized, resource_type)
    assert len(blocks) == 1, sorted(blocks)
    return next(iter(blocks.values()))


def _document(synthesized: dict[str, Any], fragment: str) -> dict[str, dict[str, Any]]:
    """``{sid: statement}`` of the one policy document data source whose name contains ``fragment``."""
    [block] = [b for name, b in synthesized["data"]["aws_iam_policy_document"].items() if fragment in name]
    return {s["sid"]: s for s in block["statement"]}


def _conditions(statement: dict[str, Any]) -> dict[str, tuple[str, list[str]]]:
    return {c["variable"]: (c["test"], c["values"]) for c in statement["condition"]}


@pytest.fixture
def defaults(fresh_stack: Any) -> tuple[dict[str, Any], Any, Any]:
    audit, phi = _stack_with_buckets(fresh_stack)
    _trail(fresh_stack, audit)
    return synth_json(fresh_stack), audit, phi


def test_trail_defaults_are_secure(defaults: tuple[dict[str, Any], Any, Any]) -> None:
    synthesized, _, _ = defaults
    trail = _only(synthesized, "aws_cloudtrail")
    assert trail["name"] == "acme-dev-audit"
    assert trail["is_multi_region_trail"] is True
    assert trail["include_global_service_events"] is True
    assert trail["enable_log_file_validation"] is True
    assert trail["enable_logging"] is True
    assert trail["s3_bucket_name"] == "${aws_s3_bucket.Audit_3D8ADE0A.bucket}"
    # The log files are encrypted with the audit bucket's own key: its policy denies any other key.
    assert trail["kms_key_id"] == "${aws_kms_key.Audit_Key_2ED08D30.arn}"
    assert re.fullmatch(r"\$\{aws_cloudwatch_log_group\.AuditTrail_Logs_LogGroup_\w+\.arn\}:\*", trail["cloud_watch_logs_group_arn"])
    assert trail["cloud_watch_logs_role_arn"].startswith("${aws_iam_role.AuditTrail_Logs_DeliveryRole_")
    assert trail["sns_topic_name"].startswith("${aws_sns_topic.AuditTrail_Topics_Deliveries_")
    assert trail["depends_on"] == [
        "aws_s3_bucket_policy.Audit_Policy_6CDBE6E7",
        "aws_iam_role_policy_attachment.AuditTrail_Logs_DeliveryRolePolicyAttachment_6D53487F",
        "aws_sns_topic_policy.AuditTrail_Topics_DeliveriesPolicy_22A8D50D",
    ]


def test_log_group_is_encrypted_and_kept_a_year(defaults: tuple[dict[str, Any], Any, Any]) -> None:
    synthesized, _, _ = defaults
    group = _only(synthesized, "aws_cloudwatch_log_group")
    assert group["name"] == "/aws/cloudtrail/acme-dev"
    assert group["retention_in_days"] == 365
    assert group["kms_key_id"].startswith("${aws_kms_key.AuditTrail_Logs_Key_")
    assert group["lifecycle"] == {"prevent_destroy": True}


def test_audit_key_policy_is_scoped(defaults: tuple[dict[str, Any], Any, Any]) -> None:
    synthesized, _, _ = defaults
    [key] = [b for n, b in resources_of(synthesized, "aws_kms_key").items() if n.startswith("AuditTrail_Logs_Key_")]
    assert key["enable_key_rotation"] is True
    policy = {s["Sid"]: s for s in json.loads(key["policy"])["Statement"]}
    assert set(policy) == {
        "AccountAdministers",
        "CloudWatchLogsEncryptsTheTrailLogGroup",
        "CloudWatchAlarmsPublishToAlertTopic",
        "CloudTrailPublishesDeliveryNotifications",
    }
    logs = policy["CloudWatchLogsEncryptsTheTrailLogGroup"]
    assert logs["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"].endswith(":log-group:/aws/cloudtrail/acme-dev")
    alarms = policy["CloudWatchAlarmsPublishToAlertTopic"]
    assert alarms["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    assert alarms["Condition"]["ArnLike"]["aws:SourceArn"].endswith(f":{ACCOUNT}:alarm:*")
    trail = policy["CloudTrailPublishesDeliveryNotifications"]
    assert trail["Condition"]["StringEquals"]["aws:SourceArn"].endswith(f":{ACCOUNT}:trail/acme-dev-audit")


def test_bucket_policy_admits_only_this_trail(defaults: tuple[dict[str, Any], Any, Any]) -> None:
    synthesized, _, _ = defaults
    statements = _document(synthesized, "Audit_PolicyDocument")
    acl, write = statements["CloudTrailAclCheck"], statements["CloudTrailWrite"]
    for statement in (acl, write):
        assert statement["principals"] == [{"type": "Service", "identifiers": ["cloudtrail.amazonaws.com"]}]
        test, values = _conditions(statement)["aws:SourceArn"]
        assert test == "StringEquals" and values[0].endswith(f":{ACCOUNT}:trail/acme-dev-audit")
    assert acl["actions"] == ["s3:GetBucketAcl"]
    assert acl["resources"] == ["${aws_s3_bucket.Audit_3D8ADE0A.arn}"]
    assert write["actions"] == ["s3:PutObject"]
    assert write["resources"] == [f"${{aws_s3_bucket.Audit_3D8ADE0A.arn}}/AWSLogs/{ACCOUNT}/*"]
    assert _conditions(write)["s3:x-amz-acl"] == ("StringEquals", ["bucket-owner-full-control"])
    # The secure baseline's deny statements are still there, and first.
    assert list(statements)[0] == "DenyInsecureTransport"


def test_bucket_key_policy_admits_only_this_trail(defaults: tuple[dict[str, Any], Any, Any]) -> None:
    synthesized, _, _ = defaults
    statements = _document(synthesized, "Audit_Key_Policy")
    encrypt = statements["CloudTrailEncryptsLogFiles"]
    assert encrypt["actions"] == ["kms:GenerateDataKey*"]
    conditions = _conditions(encrypt)
    assert conditions["kms:EncryptionContext:aws:cloudtrail:arn"][1][0].endswith(":trail/acme-dev-audit")
    assert conditions["aws:SourceArn"] == conditions["kms:EncryptionContext:aws:cloudtrail:arn"]
    assert statements["CloudTrailDescribesKey"]["actions"] == ["kms:DescribeKey"]
    # AWS's "Enable CloudTrail log decrypt permissions": the account (its IAM policies decide who), log files only.
    account = statements["AccountDecryptsTrailLogFiles"]
    assert account["actions"] == ["kms:Decrypt", "kms:ReEncryptFrom"]
    [principal] = account["principals"]
    assert principal["type"] == "AWS" and principal["identifiers"][0].endswith(f":iam::{ACCOUNT}:root")
    conditions = _conditions(account)
    assert conditions["kms:CallerAccount"] == ("StringEquals", [ACCOUNT])
    test, [pattern] = conditions["kms:EncryptionContext:aws:cloudtrail:arn"]
    assert test == "StringLike" and pattern.endswith(f":cloudtrail:*:{ACCOUNT}:trail/*")
    # The PHI bucket's key gets nothing from the trail.
    assert not {"CloudTrailEncryptsLogFiles", "CloudTrailDescribesKey", "AccountDecryptsTrailLogFiles"} & set(_document(synthesized, "Docs_Key_Policy"))


def test_delivery_role_is_limited_to_the_log_group(defaults: tuple[dict[str, Any], Any, Any]) -> None:
    synthesized, _, _ = defaults
    trust = _document(synthesized, "AuditTrail_Logs_TrustPolicy")["ThisTrailOnly"]
    assert trust["principals"] == [{"type": "Service", "identifiers": ["cloudtrail.amazonaws.com"]}]
    assert _conditions(trust)["aws:SourceAccount"] == ("StringEquals", [ACCOUNT])
    [policy] = resources_of(synthesized, "aws_iam_policy").values()
    assert policy["name"] == "acme-dev-cloudtrail-logs-delivery"
    assert policy["policy"].startswith("${data.aws_iam_policy_document.AuditTrail_Logs_DeliveryPolicy_")
    [attachment] = resources_of(synthesized, "aws_iam_role_policy_attachment").values()
    assert attachment["role"].startswith("${aws_iam_role.AuditTrail_Logs_DeliveryRole_") and attachment["policy_arn"].startswith(
        "${aws_iam_policy.AuditTrail_Logs_DeliveryRolePolicy_"
    )
    assert resources_of(synthesized, "aws_iam_role_policy") == {}
    delivery = _document(synthesized, "AuditTrail_Logs_DeliveryPolicy")["DeliverToTheTrailLogGroupOnly"]
    assert delivery["actions"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    [resource] = delivery["resources"]
    assert re.fullmatch(rf"\$\{{aws_cloudwatch_log_group\.AuditTrail_Logs_LogGroup_\w+\.arn\}}:log-stream:{re.escape(ACCOUNT)}_CloudTrail_\*", resource)


def test_phi_buckets_get_data_events_and_the_audit_bucket_does_not(defaults: tuple[dict[str, Any], Any, Any]) -> None:
    synthesized, _, _ = defaults
    selectors = _only(synthesized, "aws_cloudtrail")["advanced_event_selector"]
    assert selectors[0]["field_selector"] == [{"field": "eventCategory", "equals": ["Management"]}]
    data = {f["field"]: f for f in selectors[1]["field_selector"]}
    assert data["eventCategory"]["equals"] == ["Data"]
    assert data["resources.type"]["equals"] == ["AWS::S3::Object"]
    assert data["resources.ARN"]["starts_with"] == ["${aws_s3_bucket.Docs_A50029D5.arn}/"]
    assert "readOnly" not in data  # reads and writes


def test_bucket_added_after_the_trail_is_logged(fresh_stack: Any) -> None:
    from constructs_lib import SecureS3, SecureS3Props

    audit, phi = _stack_with_buckets(fresh_stack)
    trail = _trail(fresh_stack, audit)
    later = SecureS3(
        fresh_stack,
        "Images",
        SecureS3Props(
            project="acme", environment="dev", purpose="medical-images", access_log_bucket=phi.access_log_bucket, replication_opt_out_reason=NO_REPLICA
        ),
    )
    synthesized = synth_json(fresh_stack)
    [_, data] = _only(synthesized, "aws_cloudtrail")["advanced_event_selector"]
    prefixes = {f["field"]: f for f in data["field_selector"]}["resources.ARN"]["starts_with"]
    assert [p.split(".")[1].rsplit("_", 1)[0] for p in prefixes] == ["Docs", "Images"]
    assert trail.data_event_buckets() == (phi, later)


def test_no_phi_bucket_means_management_events_only(fresh_stack: Any) -> None:
    from constructs_lib import AccessLogBucket, AccessLogBucketProps, DataClassification, SecureS3, SecureS3Props
    from constructs_lib.engine.aws import AwsProvider

    AwsProvider(fresh_stack, "aws", region="us-east-1")
    logs = AccessLogBucket(fresh_stack, "AccessLogs", AccessLogBucketProps(project="acme", environment="dev"))
    audit = SecureS3(
        fresh_stack,
        "Audit",
        SecureS3Props(
            project="acme",
            environment="dev",
            purpose="audit-logs",
            access_log_bucket=logs,
            classification=DataClassification.INTERNAL,
            object_lock_retention_days=2190,
            noncurrent_version_expiration_days=2190,
        ),
    )
    _trail(fresh_stack, audit)
    selectors = _only(synth_json(fresh_stack), "aws_cloudtrail")["advanced_event_selector"]
    assert selectors == [{"name": "Management events (reads and writes)", "field_selector": [{"field": "eventCategory", "equals": ["Management"]}]}]


def test_data_events_can_be_turned_off(fresh_stack: Any) -> None:
    audit, _ = _stack_with_buckets(fresh_stack)
    _trail(fresh_stack, audit, phi_data_events=False)
    selectors = _only(synth_json(fresh_stack), "aws_cloudtrail")["advanced_event_selector"]
    assert [s["field_selector"][0]["equals"] for s in selectors] == [["Management"]]


def _internal_bucket(stack: Any, phi: Any) -> Any:
    from constructs_lib import DataClassification, SecureS3, SecureS3Props

    return SecureS3(
        stack,
        "Exports",
        SecureS3Props(
            project="acme", environment="dev", purpose="exports", access_log_bucket=phi.access_log_bucket, classification=DataClassification.INTERNAL
        ),
    )


def _data_prefixes(stack: Any) -> list[str]:
    selectors = _only(synth_json(stack), "aws_cloudtrail")["advanced_event_selector"]
    if len(selectors) == 1:
        return []
    prefixes: list[str] = {f["field"]: f for f in selectors[1]["field_selector"]}["resources.ARN"]["starts_with"]
    return [p.split(".")[1].rsplit("_", 1)[0] for p in prefixes]


def test_an_added_bucket_is_logged_after_the_phi_buckets_found(fresh_stack: Any) -> None:
    audit, phi = _stack_with_buckets(fresh_stack)
    trail = _trail(fresh_stack, audit)
    exports = _internal_bucket(fresh_stack, phi)  # not PHI: discovery alone would leave it out
    trail.add_data_event_bucket(exports)
    trail.add_data_event_bucket(phi)  # already found: logged once
    trail.add_data_event_bucket(exports)
    assert trail.data_event_buckets() == (phi, exports)
    assert _data_prefixes(fresh_stack) == ["Docs", "Exports"]


def test_added_buckets_are_logged_with_discovery_off(fresh_stack: Any) -> None:
    audit, phi = _stack_with_buckets(fresh_stack)
    trail = _trail(fresh_stack, audit, phi_data_events=False)
    exports = _internal_bucket(fresh_stack, phi)
    trail.add_data_event_bucket(exports)
    assert trail.data_event_buckets() == (exports,)
    assert _data_prefixes(fresh_stack) == ["Exports"]  # the PHI bucket is not found: discovery is off


@pytest.mark.parametrize(
    ("pick", "message"),
    [
        (lambda audit: audit, r"^test/AuditTrail: data_event_bucket must be a bucket other than the trail's log bucket, got 'test/Audit'$"),
        (lambda audit: "acme-dev-exports", r"^test/AuditTrail: data_event_bucket must be a SecureS3, got 'acme-dev-exports'$"),
    ],
    ids=["log-bucket", "not-a-secure-s3"],
)
def test_fails_when_adding_a_bucket_the_trail_cannot_log(fresh_stack: Any, pick: Any, message: str) -> None:
    audit, _ = _stack_with_buckets(fresh_stack)
    trail = _trail(fresh_stack, audit)
    with pytest.raises(ValidationError, match=message):
        trail.add_data_event_bucket(pick(audit))


def test_topics_are_encrypted_and_emails_subscribed(fresh_stack: Any) -> None:
    audit, _ = _stack_with_buckets(fresh_stack)
    _trail(fresh_stack, audit, alert_emails=("oncall@example.org", "Sec.Team+aws@example.org"))
    synthesized = synth_json(fresh_stack)
    topics = {b["name"]: b for b in resources_of(synthesized, "aws_sns_topic").values()}
    assert set(topics) == {"acme-dev-security-alerts", "acme-dev-cloudtrail-deliveries"}
    for topic in topics.values():
        assert topic["kms_master_key_id"].startswith("${aws_kms_key.AuditTrail_Logs_Key_")
    subscriptions = resources_of(synthesized, "aws_sns_topic_subscription").values()
    assert sorted((s["protocol"], s["endpoint"]) for s in subscriptions) == [("email", "Sec.Team+aws@example.org"), ("email", "oncall@example.org")]
    assert all(s["topic_arn"].startswith("${aws_sns_topic.AuditTrail_Topics_Alerts_") for s in subscriptions)
    policies = [json.loads(p["policy"]) for p in resources_of(synthesized, "aws_sns_topic_policy").values()]
    publishers = sorted(s["Principal"]["Service"] for p in policies for s in p["Statement"] if s["Effect"] == "Allow")
    assert publishers == ["cloudtrail.amazonaws.com", "cloudwatch.amazonaws.com"]
    assert all(p["Statement"][1]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for p in policies)


def test_cis_alarms_notify_the_alert_topic(defaults: tuple[dict[str, Any], Any, Any]) -> None:
    from constructs_lib.audit._audit_alarms import SECURITY_ALARMS

    synthesized, _, _ = defaults
    filters = {b["metric_transformation"]["name"]: b for b in resources_of(synthesized, "aws_cloudwatch_log_metric_filter").values()}
    alarms = {b["metric_name"]: b for b in resources_of(synthesized, "aws_cloudwatch_metric_alarm").values()}
    expected = {a.id for a in SECURITY_ALARMS}
    assert set(filters) == set(alarms) == expected
    assert expected >= {
        "UnauthorizedApiCalls",
        "ConsoleSignInFailures",
        "RootAccountUse",
        "IamPolicyChanges",
        "KmsKeyDisabledOrScheduledForDeletion",
        "S3BucketPolicyChanges",
        "CloudTrailChanges",
        "SecurityGroupChanges",
        "NetworkAclChanges",
        "OrganizationsChanges",
    }
    assert "ScheduleKeyDeletion" in filters["KmsKeyDisabledOrScheduledForDeletion"]["pattern"]
    assert '$.userIdentity.type = "Root"' in filters["RootAccountUse"]["pattern"]
    for name, alarm in alarms.items():
        assert filters[name]["log_group_name"].startswith("${aws_cloudwatch_log_group.AuditTrail_Logs_LogGroup_")
        assert filters[name]["metric_transformation"]["namespace"] == alarm["namespace"] == "acme-dev/audit"
        assert alarm["alarm_actions"][0].startswith("${aws_sns_topic.AuditTrail_Topics_Alerts_")
        assert (alarm["statistic"], alarm["period"], alarm["evaluation_periods"]) == ("Sum", 300, 1)
        assert alarm["comparison_operator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["treat_missing_data"] == "notBreaching"
    assert {n: a["threshold"] for n, a in alarms.items() if a["threshold"] != 1} == {"ConsoleSignInFailures": 3}


def test_alarm_thresholds_and_period_override(fresh_stack: Any) -> None:
    audit, _ = _stack_with_buckets(fresh_stack)
    _trail(
        fresh_stack,
        audit,
        alarm_period_seconds=600,
        alarm_evaluation_periods=2,
        unauthorized_api_calls_threshold=10,
        console_signin_failures_threshold=5,
        change_alarm_threshold=2,
    )
    alarms = {b["metric_name"]: b for b in resources_of(synth_json(fresh_stack), "aws_cloudwatch_metric_alarm").values()}
    assert {(a["period"], a["evaluation_periods"]) for a in alarms.values()} == {(600, 2)}
    assert alarms["UnauthorizedApiCalls"]["threshold"] == 10
    assert alarms["ConsoleSignInFailures"]["threshold"] == 5
    assert alarms["IamPolicyChanges"]["threshold"] == alarms["RootAccountUse"]["threshold"] == 2


def test_short_retention_and_no_protection_are_explicit(fresh_stack: Any) -> None:
    audit, _ = _stack_with_buckets(fresh_stack)
    _trail(fresh_stack, audit, log_retention_days=90, allow_short_log_retention=True, protect_from_destroy=False)
    synthesized = synth_json(fresh_stack)
    group = _only(synthesized, "aws_cloudwatch_log_group")
    assert group["retention_in_days"] == 90 and "lifecycle" not in group


def test_unlocked_log_bucket_is_an_explicit_choice(fresh_stack: Any) -> None:
    audit, _ = _stack_with_buckets(fresh_stack, lock=False)
    _trail(fresh_stack, audit, allow_unlocked_log_bucket=True)
    assert _only(synth_json(fresh_stack), "aws_cloudtrail")["s3_bucket_name"] == "${aws_s3_bucket.Audit_3D8ADE0A.bucket}"


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"alert_emails": ("not-an-email",)}, r"test/AuditTrail: alert_emails must be an email address .*got 'not-an-email'"),
        ({"alert_emails": ("oncall@Example.ORG",)}, r"alert_emails must be an email address .*got 'oncall@Example.ORG'"),
        ({"alert_emails": ("a@example.org", "a@example.org")}, r"alert_emails must be distinct addresses"),
        ({"log_retention_days": 90}, r"log_retention_days must be >= 365 \(or turn on allow_short_log_retention\), got 90"),
        ({"log_retention_days": 100, "allow_short_log_retention": True}, r"log_retention_days must be one of \(1, 3, 5,.*got 100"),
        ({"alarm_period_seconds": 90}, r"alarm_period_seconds must be a multiple of 60 in 60..86400, got 90"),
        ({"alarm_evaluation_periods": 0}, r"alarm_evaluation_periods must be 1\.\.288 .*got 0"),
        ({"alarm_period_seconds": 3600, "alarm_evaluation_periods": 25}, r"alarm_evaluation_periods must be .*got 25"),
        ({"unauthorized_api_calls_threshold": 0}, r"unauthorized_api_calls_threshold must be 1..10000 events per period, got 0"),
        ({"change_alarm_threshold": True}, r"change_alarm_threshold must be 1..10000 events per period, got True"),
        ({"name_prefix": "Acme_Dev"}, r"name_prefix must be lowercase letters, .*got 'Acme_Dev'"),
    ],
    ids=[
        "email-syntax",
        "email-uppercase-domain",
        "email-duplicate",
        "retention-short",
        "retention-not-cloudwatch",
        "period",
        "evaluation-periods",
        "window-over-a-day",
        "threshold-zero",
        "threshold-bool",
        "name-prefix",
    ],
)
def test_fails_when_props_are_bad(fresh_stack: Any, overrides: dict[str, Any], match: str) -> None:
    audit, _ = _stack_with_buckets(fresh_stack)
    with pytest.raises(ValidationError, match=match):
        _trail(fresh_stack, audit, **overrides)
    assert fresh_stack.node.try_find_child("AuditTrail").node.children == []


def test_fails_when_audit_bucket_is_missing(fresh_stack: Any) -> None:
    from constructs_lib import AuditTrail, AuditTrailProps
    from constructs_lib.engine.aws import AwsProvider

    AwsProvider(fresh_stack, "aws", region="us-east-1")
    with pytest.raises(ValidationError, match=r"test/AuditTrail: log_bucket must be the environment's audit-log SecureS3 bucket, got None"):
        AuditTrail(fresh_stack, "AuditTrail", AuditTrailProps(name_prefix="acme-dev", log_bucket=None))  # type: ignore[arg-type]


def test_fails_when_audit_bucket_has_no_object_lock(fresh_stack: Any) -> None:
    audit, _ = _stack_with_buckets(fresh_stack, lock=False)
    with pytest.raises(ValidationError, match=r"log_bucket must be a SecureS3 with Object Lock \(or set allow_unlocked_log_bucket=True\), got 'test/Audit'"):
        _trail(fresh_stack, audit)


def test_props_are_frozen() -> None:
    from constructs_lib import AuditTrailProps

    props = AuditTrailProps(name_prefix="acme-dev", log_bucket=None)  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        props.log_retention_days = 1  # type: ignore[misc]
    assert replace(props, log_retention_days=400).log_retention_days == 400


def test_fails_with_every_problem_at_once(fresh_stack: Any) -> None:
    """Validation reports every bad prop in one error (one line each), before any child exists."""
    from constructs_lib import AuditTrail, AuditTrailProps
    from constructs_lib.errors import ValidationErrors

    bucket, _ = _stack_with_buckets(fresh_stack)
    with pytest.raises(ValidationErrors) as caught:
        AuditTrail(fresh_stack, "Bad", AuditTrailProps(name_prefix="X", log_bucket=bucket, alarm_period_seconds=61, alert_emails=("nobody",)))
    lines = str(caught.value).splitlines()
    assert [line.split(": ", 1)[1].split(" ")[0] for line in lines] == ["name_prefix", "alert_emails", "alarm_period_seconds"]
    assert all(line.startswith("test/Bad: ") for line in lines)
    assert caught.value.field == "name_prefix"
    assert fresh_stack.node.try_find_child("Bad").node.children == []
