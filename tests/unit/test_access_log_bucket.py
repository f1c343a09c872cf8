"""AccessLogBucket: a locked-down SSE-S3 target for server access logs."""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib import ValidationError
from tests.conftest import synth_json
from tests.unit._s3_helpers import REGION, block, ref, statements


def _logs(stack: Any, **overrides: Any) -> Any:
    from constructs_lib import AccessLogBucket, AccessLogBucketProps
    from constructs_lib.engine.aws import AwsProvider

    AwsProvider(stack, "aws", region=REGION)
    props = {"project": "acme", "environment": "dev", **overrides}
    return AccessLogBucket(stack, "Logs", AccessLogBucketProps(**props))


def test_defaults(fresh_stack: Any) -> None:
    logs = _logs(fresh_stack)
    out = synth_json(fresh_stack)
    bucket = block(out, logs.resource)
    assert bucket["bucket"] == "acme-dev-access-logs-${data.aws_caller_identity.AwsAccount_Identity_E18432DC.account_id}"
    assert bucket["force_destroy"] is False
    assert bucket["lifecycle"] == {"prevent_destroy": True}
    (rule,) = block(out, logs._baseline.encryption)["rule"]
    # Server access log delivery does not support SSE-KMS targets.
    assert rule["apply_server_side_encryption_by_default"] == {"sse_algorithm": "AES256"}
    assert rule["blocked_encryption_types"] == ["SSE-C"]
    assert block(out, logs._baseline.versioning)["versioning_configuration"] == {"status": "Enabled"}
    public_access = block(out, logs._baseline.public_access_block)
    assert all(public_access[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"))
    assert block(out, logs._baseline.ownership)["rule"] == {"object_ownership": "BucketOwnerEnforced"}
    (lifecycle,) = block(out, logs.lifecycle_configuration)["rule"]
    # Investigators read logs of any age without waiting for a Glacier restore.
    assert lifecycle["transition"] == [{"days": 30, "storage_class": "STANDARD_IA"}, {"days": 90, "storage_class": "GLACIER_IR"}]
    assert lifecycle["expiration"] == [{"days": 2190}]
    assert lifecycle["noncurrent_version_expiration"] == [{"noncurrent_days": 30}]
    found = statements(out, logs._policy_document)
    # Before any bucket registers, nobody may deliver logs: only the TLS denies exist.
    assert list(found) == ["DenyInsecureTransport", "DenyOutdatedTls"]
    assert block(out, logs.policy)["policy"] == ref(logs._policy_document.document, "json")


def test_each_source_is_added_to_one_delivery_statement(fresh_stack: Any) -> None:
    logs = _logs(fresh_stack)
    logs.add_source("arn:aws:s3:::acme-dev-a")
    logs.add_source("arn:aws:s3:::acme-dev-b")
    found = statements(synth_json(fresh_stack), logs._policy_document)
    assert list(found) == ["DenyInsecureTransport", "DenyOutdatedTls", "AllowServerAccessLogDelivery"]
    delivery = found["AllowServerAccessLogDelivery"]
    assert delivery["effect"] == "Allow"
    assert delivery["resources"] == [f"{ref(logs.resource, 'arn')}/*"]
    assert delivery["condition"][1] == {"test": "ArnLike", "variable": "aws:SourceArn", "values": ["arn:aws:s3:::acme-dev-a", "arn:aws:s3:::acme-dev-b"]}


def test_logs_may_archive_to_flexible_retrieval_when_asked(fresh_stack: Any) -> None:
    from constructs_lib import GlacierStorageClass

    logs = _logs(fresh_stack, glacier_storage_class=GlacierStorageClass.FLEXIBLE_RETRIEVAL)
    (rule,) = block(synth_json(fresh_stack), logs.lifecycle_configuration)["rule"]
    assert rule["transition"] == [{"days": 30, "storage_class": "STANDARD_IA"}, {"days": 90, "storage_class": "GLACIER"}]


def test_overrides(fresh_stack: Any) -> None:
    logs = _logs(
        fresh_stack, purpose="logs", expiration_days=400, transition_glacier_days=None, noncurrent_version_expiration_days=5, protect_from_destroy=False
    )
    out = synth_json(fresh_stack)
    assert block(out, logs.resource)["bucket"] == "acme-dev-logs-${data.aws_caller_identity.AwsAccount_Identity_E18432DC.account_id}"
    assert "lifecycle" not in block(out, logs.resource)
    (rule,) = block(out, logs.lifecycle_configuration)["rule"]
    assert rule["transition"] == [{"days": 30, "storage_class": "STANDARD_IA"}]
    assert rule["expiration"] == [{"days": 400}]
    assert rule["noncurrent_version_expiration"] == [{"noncurrent_days": 5}]


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"purpose": "Logs!"}, r"purpose must be lowercase letters .*got 'Logs!'$"),
        ({"expiration_days": 90}, r"expiration_days must be after the last transition \(90 days\): 91\.\.36500, got 90$"),
        ({"transition_ia_days": 29}, r"transition_ia_days must be 30\.\.36500 .*got 29$"),
        ({"noncurrent_version_expiration_days": 0}, r"noncurrent_version_expiration_days must be 1\.\.36500, got 0$"),
    ],
    ids=["name", "expiry-before-glacier", "ia-too-early", "noncurrent-zero"],
)
def test_fails_when_log_bucket_props_are_bad(fresh_stack: Any, overrides: dict[str, Any], match: str) -> None:
    with pytest.raises(ValidationError, match=rf"^test/Logs: {match}"):
        _logs(fresh_stack, **overrides)


def test_fails_when_force_destroy_contradicts_protect_from_destroy(fresh_stack: Any) -> None:
    from constructs_lib import AccessLogBucket, AccessLogBucketProps, ValidationError
    from constructs_lib.engine.aws import AwsProvider

    AwsProvider(fresh_stack, "aws", region="us-east-1")
    with pytest.raises(ValidationError, match=r"^test/Logs: force_destroy must be False while protect_from_destroy is True, got True$"):
        AccessLogBucket(fresh_stack, "Logs", AccessLogBucketProps(project="acme", environment="dev", force_destroy=True))
