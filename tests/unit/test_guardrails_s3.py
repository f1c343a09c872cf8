"""S3 guardrails HC-S3-001..005, each on a hand-built stack synthesized through app.synth()."""

from __future__ import annotations

from pathlib import Path

from constructs_lib.engine.aws import S3Bucket, S3BucketPolicy
from constructs_lib.engine.core import TerraformStack
from tests.unit._guardrails import BucketParts, compliant_bucket, logged_bucket_pair, run_pack, tls_only_policy


def test_a_logged_kms_bucket_with_an_sse_s3_log_target_passes(tmp_path: Path) -> None:
    outcome = run_pack(tmp_path, lambda s: logged_bucket_pair(s))
    assert outcome.errors == []
    assert outcome.stack is not None
    assert set(outcome.stack["resource"]["aws_s3_bucket"]) == {"Logs", "Data"}


def test_fails_when_bucket_has_no_encryption(tmp_path: Path) -> None:
    outcome = run_pack(tmp_path, lambda s: logged_bucket_pair(s, data=BucketParts(encryption=None)))
    assert outcome.rules_at() == {("test/Data", "HC-S3-001")}
    assert "bucket has no aws_s3_bucket_server_side_encryption_configuration" in outcome.errors[0]
    assert "fix: add an aws_s3_bucket_server_side_encryption_configuration with sse_algorithm aws:kms" in outcome.errors[0]


def test_fails_when_data_bucket_uses_sse_s3(tmp_path: Path) -> None:
    outcome = run_pack(tmp_path, lambda s: logged_bucket_pair(s, data=BucketParts(encryption="AES256")))
    assert outcome.rules_at() == {("test/Data", "HC-S3-001")}
    assert "default encryption is AES256, not aws:kms" in outcome.errors[0]


def test_sse_s3_is_allowed_only_on_access_log_targets(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        logs = compliant_bucket(stack, "Logs", BucketParts(encryption="AES256"))
        compliant_bucket(stack, "Other", BucketParts(encryption="AES256", access_logs_to=logs))

    outcome = run_pack(tmp_path, build)
    assert outcome.rules_at() == {("test/Other", "HC-S3-001")}


def test_fails_when_versioning_is_missing_or_suspended(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        logs = compliant_bucket(stack, "Logs", BucketParts(encryption="AES256", versioning="Suspended"))
        compliant_bucket(stack, "Data", BucketParts(versioning=None, access_logs_to=logs))

    outcome = run_pack(tmp_path, build)
    assert outcome.rules_at() == {("test/Logs", "HC-S3-002"), ("test/Data", "HC-S3-002")}


def test_fails_when_public_access_block_is_missing_or_partial(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        logs = compliant_bucket(stack, "Logs", BucketParts(encryption="AES256", restrict_public_buckets=False))
        compliant_bucket(stack, "Data", BucketParts(public_access_block=False, access_logs_to=logs))

    outcome = run_pack(tmp_path, build)
    assert outcome.rules_at() == {("test/Logs", "HC-S3-003"), ("test/Data", "HC-S3-003")}
    assert any("public access block leaves restrict_public_buckets off" in e for e in outcome.errors)


def test_fails_when_bucket_policy_does_not_deny_plain_http(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        logs = compliant_bucket(stack, "Logs", BucketParts(encryption="AES256", tls_policy=False))
        S3BucketPolicy(stack, "LogsPolicy", bucket=logs.id, policy=tls_only_policy(stack, "WrongDocument", logs, secure_transport="true").json)
        compliant_bucket(stack, "Data", BucketParts(tls_policy=False, access_logs_to=logs))

    outcome = run_pack(tmp_path, build)
    assert outcome.rules_at() == {("test/Logs", "HC-S3-004"), ("test/Data", "HC-S3-004")}


def test_a_literal_json_tls_policy_counts(tmp_path: Path) -> None:
    policy = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*",'
        '"Resource":["arn:aws:s3:::test-logs","arn:aws:s3:::test-logs/*"],'
        '"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}'
    )

    def build(stack: TerraformStack) -> None:
        logs = compliant_bucket(stack, "Logs", BucketParts(encryption="AES256", tls_policy=False))
        S3BucketPolicy(stack, "LogsPolicy", bucket=logs.id, policy=policy)
        compliant_bucket(stack, "Data", BucketParts(access_logs_to=logs))

    assert run_pack(tmp_path, build).errors == []


def test_fails_when_bucket_has_no_access_logging(tmp_path: Path) -> None:
    outcome = run_pack(tmp_path, lambda s: compliant_bucket(s, "Lonely"))
    assert outcome.rules_at() == {("test/Lonely", "HC-S3-005")}
    assert "bucket has no aws_s3_bucket_logging" in outcome.errors[0]


def test_a_bare_bucket_breaks_every_s3_rule(tmp_path: Path) -> None:
    outcome = run_pack(tmp_path, lambda s: S3Bucket(s, "Bare", bucket="test-bare"))
    assert outcome.rules_at() == {("test/Bare", f"HC-S3-00{n}") for n in range(1, 6)}


def test_a_tls_statement_in_a_source_policy_document_counts(tmp_path: Path) -> None:
    from constructs_lib.engine.aws import DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement

    def build(stack: TerraformStack) -> None:
        logs = compliant_bucket(stack, "Logs", BucketParts(encryption="AES256", tls_policy=False))
        base = tls_only_policy(stack, "TlsBase", logs)
        combined = DataAwsIamPolicyDocument(
            stack,
            "Combined",
            source_policy_documents=[base.json],
            statement=[DataAwsIamPolicyDocumentStatement(effect="Deny", actions=["s3:DeleteBucket"], resources=[logs.arn], principals=[])],
        )
        S3BucketPolicy(stack, "LogsPolicy", bucket=logs.id, policy=combined.json)
        compliant_bucket(stack, "Data", BucketParts(access_logs_to=logs))

    outcome = run_pack(tmp_path, build)
    assert outcome.errors == []
    assert outcome.stack is not None
    assert outcome.stack["data"]["aws_iam_policy_document"]["Combined"]["source_policy_documents"] == ["${data.aws_iam_policy_document.TlsBase.json}"]
