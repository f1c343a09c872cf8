"""HC-S3-006 on hand-built stacks, through app.synth(): a bucket someone may read never archives where reads fail.

Each stack is a compliant data bucket (logging to an SSE-S3 log bucket, so HC-S3-001..005 pass), a lifecycle
configuration (written raw, like any user's binding) and a read grant: a managed IAM policy or a bucket policy.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.engine.aws import (
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementPrincipals,
    IamPolicy,
    S3Bucket,
    S3BucketPolicy,
)
from constructs_lib.engine.core import TerraformStack
from tests.unit._guardrails import Outcome, RawResource, logged_bucket_pair, run_pack, tls_only_policy

READER = "arn:aws:iam::111122223333:role/records-reader"


def _lifecycle(
    stack: TerraformStack, bucket: S3Bucket, *, transitions: Sequence[dict[str, Any]] = (), noncurrent: Sequence[dict[str, Any]] = (), prefix: str = ""
) -> None:
    rule: dict[str, Any] = {"id": "age", "status": "Enabled", "filter": [{"prefix": prefix}], "noncurrent_version_expiration": [{"noncurrent_days": 400}]}
    if transitions:
        rule["transition"] = list(transitions)
    if noncurrent:
        rule["noncurrent_version_transition"] = list(noncurrent)
    RawResource(stack, "DataLifecycle", "aws_s3_bucket_lifecycle_configuration", {"bucket": bucket.id, "rule": [rule]})


def _identity_grant(stack: TerraformStack, bucket: S3Bucket, actions: list[str], resource: str = "/*") -> None:
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": f"{bucket.arn}{resource}"}]}
    IamPolicy(stack, "ReaderPolicy", name="records-reader", policy=json.dumps(document))


def _bucket_policy_grant(stack: TerraformStack, bucket: S3Bucket, actions: list[str]) -> None:
    """A second bucket policy document on the data bucket: the TLS deny plus ``READER`` running ``actions`` on its objects."""
    tls = tls_only_policy(stack, "DataReaderTls", bucket)
    reader = DataAwsIamPolicyDocumentStatement(
        sid="Reader",
        effect="Allow",
        actions=actions,
        resources=[f"{bucket.arn}/*"],
        principals=[DataAwsIamPolicyDocumentStatementPrincipals(type="AWS", identifiers=[READER])],
    )
    combined = DataAwsIamPolicyDocument(stack, "DataReaderPolicyDocument", source_policy_documents=[tls.json], statement=[reader])
    S3BucketPolicy(stack, "DataReaderPolicy", bucket=bucket.id, policy=combined.json)


def _run(tmp_path: Path, *, grant: str, actions: list[str], transitions: Sequence[dict[str, Any]] = (), **lifecycle: Any) -> Outcome:
    def build(stack: TerraformStack) -> None:
        data, _ = logged_bucket_pair(stack)
        _lifecycle(stack, data, transitions=list(transitions), **lifecycle)
        if grant == "identity":
            _identity_grant(stack, data, actions)
        elif grant == "bucket":
            _bucket_policy_grant(stack, data, actions)

    return run_pack(tmp_path, build)


GLACIER_AT_90 = [{"days": 30, "storage_class": "STANDARD_IA"}, {"days": 90, "storage_class": "GLACIER"}]


def test_fails_when_a_bucket_a_service_reads_archives_to_glacier(tmp_path: Path) -> None:
    outcome = _run(tmp_path, grant="identity", actions=["s3:GetObject", "s3:GetObjectVersion"], transitions=GLACIER_AT_90)
    assert outcome.rules_at() == {("test/Data", "HC-S3-006")}
    [error] = outcome.errors
    assert "aws_s3_bucket_lifecycle_configuration.DataLifecycle moves objects to GLACIER at 90 days" in error
    assert "but aws_iam_policy.ReaderPolicy may s3:GetObject them without s3:RestoreObject" in error
    assert "InvalidObjectState" in error
    assert "fix: transition readable buckets to GLACIER_IR" in error


@pytest.mark.parametrize("storage_class", ["DEEP_ARCHIVE", "GLACIER"])
def test_fails_for_every_class_that_needs_a_restore_and_any_get_action_pattern(tmp_path: Path, storage_class: str) -> None:
    outcome = _run(tmp_path, grant="identity", actions=["s3:Get*"], transitions=[{"days": 365, "storage_class": storage_class}])
    assert outcome.rule_ids() == {"HC-S3-006"}
    assert f"to {storage_class} at 365 days" in outcome.errors[0]


@pytest.mark.parametrize("storage_class", ["GLACIER_IR", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING"])
def test_classes_read_in_real_time_pass(tmp_path: Path, storage_class: str) -> None:
    outcome = _run(tmp_path, grant="identity", actions=["s3:GetObject", "s3:GetObjectVersion"], transitions=[{"days": 90, "storage_class": storage_class}])
    assert outcome.errors == []


def test_a_bucket_nobody_may_read_may_archive(tmp_path: Path) -> None:
    outcome = _run(tmp_path, grant="identity", actions=["s3:PutObject"], transitions=GLACIER_AT_90)
    assert outcome.errors == []


def test_fails_when_the_bucket_policy_lets_a_role_read_without_restoring(tmp_path: Path) -> None:
    outcome = _run(tmp_path, grant="bucket", actions=["s3:GetObject"], transitions=GLACIER_AT_90)
    assert outcome.rules_at() == {("test/Data", "HC-S3-006")}
    assert f"but {READER} (in aws_s3_bucket_policy.DataReaderPolicy) may s3:GetObject" in outcome.errors[0]


def test_a_restore_role_may_read_an_archive(tmp_path: Path) -> None:
    """A reader that may also s3:RestoreObject the same keys (a human restore role) can bring objects back itself."""
    outcome = _run(tmp_path, grant="bucket", actions=["s3:GetObject", "s3:RestoreObject"], transitions=GLACIER_AT_90)
    assert outcome.errors == []


def test_noncurrent_transitions_matter_to_readers_of_earlier_versions(tmp_path: Path) -> None:
    noncurrent = [{"noncurrent_days": 30, "storage_class": "GLACIER"}]
    current_only = _run(tmp_path, grant="identity", actions=["s3:GetObject"], noncurrent=noncurrent)
    assert current_only.errors == []  # it cannot ask for an earlier version at all
    versions = _run(tmp_path, grant="identity", actions=["s3:GetObject", "s3:GetObjectVersion"], noncurrent=noncurrent)
    assert versions.rule_ids() == {"HC-S3-006"}
    assert "moves noncurrent versions to GLACIER 30 days after a newer version replaces it" in versions.errors[0]


def test_rules_and_grants_on_other_prefixes_do_not_conflict(tmp_path: Path) -> None:
    def build(stack: TerraformStack, grant_resource: str) -> None:
        data, _ = logged_bucket_pair(stack)
        _lifecycle(stack, data, transitions=[{"days": 90, "storage_class": "GLACIER"}], prefix="archive/")
        _identity_grant(stack, data, ["s3:GetObject"], resource=grant_resource)

    assert run_pack(tmp_path, lambda s: build(s, "/reports/*")).errors == []
    whole = run_pack(tmp_path, lambda s: build(s, "/*"))
    assert "moves objects under 'archive/' to GLACIER at 90 days" in whole.errors[0]
    inside = run_pack(tmp_path, lambda s: build(s, "/archive/2026/*"))
    assert inside.rule_ids() == {"HC-S3-006"}


def test_an_intelligent_tiering_archive_tier_fails_and_its_frequent_tiers_pass(tmp_path: Path) -> None:
    def build(stack: TerraformStack, tiers: list[dict[str, Any]]) -> None:
        data, _ = logged_bucket_pair(stack)
        _lifecycle(stack, data, transitions=[{"days": 0, "storage_class": "INTELLIGENT_TIERING"}])
        RawResource(stack, "DataTiering", "aws_s3_bucket_intelligent_tiering_configuration", {"bucket": data.id, "name": "all", "tiering": tiers})
        _identity_grant(stack, data, ["s3:GetObject"])

    archived = run_pack(tmp_path, lambda s: build(s, [{"access_tier": "ARCHIVE_ACCESS", "days": 90}]))
    assert archived.rules_at() == {("test/Data", "HC-S3-006")}
    assert "aws_s3_bucket_intelligent_tiering_configuration.DataTiering moves objects to INTELLIGENT_TIERING ARCHIVE_ACCESS" in archived.errors[0]
    assert "after 90 days without access" in archived.errors[0]
    assert run_pack(tmp_path, lambda s: build(s, [])).errors == []


def test_a_wildcard_identity_grant_on_every_bucket_counts(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        data, _ = logged_bucket_pair(stack)
        _lifecycle(stack, data, transitions=GLACIER_AT_90)
        document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*/*"}]}
        IamPolicy(stack, "Everywhere", name="everywhere", policy=json.dumps(document))

    assert run_pack(tmp_path, build).rules_at() == {("test/Data", "HC-S3-006")}
