"""SecureS3: secure defaults, one test per override, extension points and validation."""

from __future__ import annotations

import re
from typing import Any

import pytest

from constructs_lib import ValidationError
from constructs_lib.errors import ValidationErrors
from tests.conftest import resources_of, synth_json
from tests.unit._s3_helpers import base_stack, block, opt_out, ref, secure_s3, statements

TLS_DENY = {
    "DenyInsecureTransport": ("Bool", "aws:SecureTransport", ["false"]),
    "DenyOutdatedTls": ("NumericLessThan", "s3:TlsVersion", ["1.2"]),
}


@pytest.fixture
def built(fresh_stack: Any) -> tuple[Any, dict[str, Any]]:
    """A SecureS3 with only its required props, and the synthesized stack."""
    _, logs = base_stack(fresh_stack)
    bucket = secure_s3(fresh_stack, logs)
    return bucket, synth_json(fresh_stack)


def test_bucket_is_named_by_convention_and_protected(built: tuple[Any, dict[str, Any]]) -> None:
    bucket, out = built
    resource = block(out, bucket.resource)
    # Bucket names are global: the account id makes them unique by construction.
    assert resource["bucket"] == "acme-dev-medical-documents-${data.aws_caller_identity.AwsAccount_Identity_E18432DC.account_id}"
    assert resource["force_destroy"] is False
    assert "object_lock_enabled" not in resource
    assert resource["tags"] == {"DataClassification": "phi"}
    assert resource["lifecycle"] == {"prevent_destroy": True}
    assert bucket.name_stem == "acme-dev-medical-documents"
    assert bucket.classification.value == "phi"


def test_default_encryption_is_the_bucket_key_with_bucket_keys(built: tuple[Any, dict[str, Any]]) -> None:
    bucket, out = built
    key_arn = ref(bucket.key.resource, "arn")
    (rule,) = block(out, bucket._baseline.encryption)["rule"]
    assert rule == {
        "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key_arn},
        "bucket_key_enabled": True,
        "blocked_encryption_types": ["SSE-C"],
    }


def test_key_rotates_and_only_the_account_administers_it(built: tuple[Any, dict[str, Any]]) -> None:
    bucket, out = built
    key = block(out, bucket.key.resource)
    assert key["enable_key_rotation"] is True
    assert key["deletion_window_in_days"] == 30
    assert key["lifecycle"] == {"prevent_destroy": True}
    assert key["policy"] == ref(bucket.key.policy.document, "json")
    alias = block(out, bucket.key.alias)
    assert alias["name"] == "alias/acme-dev-medical-documents"
    key_statements = statements(out, bucket.key.policy)
    assert list(key_statements) == ["AccountAdministersKey"]
    admin = key_statements["AccountAdministersKey"]
    assert admin["principals"][0]["type"] == "AWS"
    assert admin["principals"][0]["identifiers"][0].endswith(":root")
    assert "kms:Decrypt" not in admin["actions"] and "kms:GenerateDataKey" not in admin["actions"]
    assert all(not a.endswith("*") for a in admin["actions"])


def test_versioning_public_access_block_ownership_and_events(built: tuple[Any, dict[str, Any]]) -> None:
    bucket, out = built
    assert block(out, bucket._baseline.versioning)["versioning_configuration"] == {"status": "Enabled"}
    public_access = block(out, bucket._baseline.public_access_block)
    for setting in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"):
        assert public_access[setting] is True, setting
    ownership = block(out, bucket._baseline.ownership)
    assert ownership["rule"] == {"object_ownership": "BucketOwnerEnforced"}
    assert block(out, bucket._baseline.notification)["eventbridge"] is True


def test_bucket_policy_denies_plain_http_old_tls_and_other_keys(built: tuple[Any, dict[str, Any]]) -> None:
    bucket, out = built
    bucket_arn = ref(bucket.resource, "arn")
    key_arn = ref(bucket.key.resource, "arn")
    policy = block(out, bucket.policy)
    assert policy["policy"] == ref(bucket._policy_document.document, "json")
    found = statements(out, bucket._policy_document)
    for sid, (test, variable, values) in TLS_DENY.items():
        assert found[sid]["effect"] == "Deny"
        assert found[sid]["actions"] == ["s3:*"]
        assert found[sid]["resources"] == [bucket_arn, f"{bucket_arn}/*"]
        assert found[sid]["condition"] == [{"test": test, "variable": variable, "values": values}]
    # Each encryption deny fires only when its header is present (an absent header means the
    # bucket's default SSE-KMS applies); "...IfExists" would deny every upload without headers.
    assert found["DenyNonKmsEncryption"]["condition"] == [
        {"test": "Null", "variable": "s3:x-amz-server-side-encryption", "values": ["false"]},
        {"test": "StringNotEquals", "variable": "s3:x-amz-server-side-encryption", "values": ["aws:kms"]},
    ]
    assert found["DenyOtherKmsKeys"]["condition"] == [
        {"test": "Null", "variable": "s3:x-amz-server-side-encryption-aws-kms-key-id", "values": ["false"]},
        {"test": "StringNotEquals", "variable": "s3:x-amz-server-side-encryption-aws-kms-key-id", "values": [key_arn]},
    ]
    assert found["DenyCustomerProvidedKeys"]["condition"] == [
        {"test": "Null", "variable": "s3:x-amz-server-side-encryption-customer-algorithm", "values": ["false"]}
    ]
    for sid in ("DenyNonKmsEncryption", "DenyOtherKmsKeys", "DenyCustomerProvidedKeys"):
        assert found[sid]["effect"] == "Deny" and found[sid]["actions"] == ["s3:PutObject"]
        assert found[sid]["resources"] == [f"{bucket_arn}/*"]
        assert found[sid]["principals"] == [{"type": "*", "identifiers": ["*"]}]


def test_bucket_policy_decides_uploads_by_their_headers(built: tuple[Any, dict[str, Any]]) -> None:
    """What S3 decides for a principal the account allowed to write: the bucket policy alone denies or not."""
    from tests.access.iam_eval import Decision, Principal, Request, decide_same_account
    from tests.access.world import ACCOUNT, StackWorld

    world = StackWorld(out := built[1])
    assert out
    docs = world.bucket("Docs")
    writer = Principal.role(ACCOUNT, "writer")
    may_write = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}

    def put(**headers: str) -> Decision:
        context = {"aws:SecureTransport": True, "s3:TlsVersion": "1.3", **headers}
        request = Request(writer, "s3:PutObject", f"{docs.arn}/a.pdf", context)
        return decide_same_account(request, resource_policy=docs.policy, identity_policies=[may_write], resource_account=ACCOUNT)

    sse, key_id = "s3:x-amz-server-side-encryption", "s3:x-amz-server-side-encryption-aws-kms-key-id"
    assert put() is Decision.ALLOW
    assert put(**{sse: "aws:kms"}) is Decision.ALLOW
    assert put(**{sse: "aws:kms", key_id: docs.key_arn or ""}) is Decision.ALLOW
    assert put(**{sse: "AES256"}) is Decision.EXPLICIT_DENY
    assert put(**{sse: "aws:kms", key_id: f"arn:aws:kms:us-east-1:{ACCOUNT}:key/other"}) is Decision.EXPLICIT_DENY
    assert put(**{"s3:x-amz-server-side-encryption-customer-algorithm": "AES256"}) is Decision.EXPLICIT_DENY


def test_default_lifecycle(built: tuple[Any, dict[str, Any]]) -> None:
    bucket, out = built
    (rule,) = block(out, bucket.lifecycle_configuration)["rule"]
    assert rule["status"] == "Enabled"
    assert rule["filter"] == [{"prefix": ""}]
    # Glacier Instant Retrieval, not Flexible Retrieval: a grantee's GetObject works at every age (HC-S3-006).
    assert rule["transition"] == [{"days": 30, "storage_class": "STANDARD_IA"}, {"days": 90, "storage_class": "GLACIER_IR"}]
    assert rule["noncurrent_version_expiration"] == [{"noncurrent_days": 90}]
    assert rule["abort_incomplete_multipart_upload"] == [{"days_after_initiation": 7}]
    assert "expiration" not in rule
    assert "noncurrent_version_transition" not in rule  # earlier versions stay in the class they reached


def test_access_logs_go_to_the_log_bucket_which_admits_only_this_bucket(built: tuple[Any, dict[str, Any]]) -> None:
    bucket, out = built
    logging = block(out, bucket.logging)
    assert logging["target_bucket"] == ref(bucket.access_log_bucket.resource, "id")
    assert logging["target_prefix"] == "acme-dev-medical-documents/"
    delivery = statements(out, bucket.access_log_bucket._policy_document)["AllowServerAccessLogDelivery"]
    assert delivery["principals"] == [{"type": "Service", "identifiers": ["logging.s3.amazonaws.com"]}]
    assert delivery["actions"] == ["s3:PutObject"]
    assert delivery["condition"][1] == {
        "test": "ArnLike",
        "variable": "aws:SourceArn",
        "values": [ref(bucket.resource, "arn")],
    }
    assert delivery["condition"][0]["variable"] == "aws:SourceAccount"


def test_no_replication_object_lock_or_grants_by_default(built: tuple[Any, dict[str, Any]]) -> None:
    bucket, out = built
    assert bucket.replica is None and bucket.object_lock is None
    for resource_type in (
        "aws_s3_bucket_replication_configuration",
        "aws_s3_bucket_object_lock_configuration",
        "aws_iam_role",
        "aws_iam_policy",
        "aws_iam_group_policy",
    ):
        assert resources_of(out, resource_type) == {}, resource_type


# Overrides ---------------------------------------------------------------------------


def test_classification_internal_is_tagged(fresh_stack: Any) -> None:
    from constructs_lib import DataClassification

    _, logs = base_stack(fresh_stack)
    bucket = secure_s3(fresh_stack, logs, classification=DataClassification.INTERNAL)
    assert block(synth_json(fresh_stack), bucket.resource)["tags"] == {"DataClassification": "internal"}
    assert bucket.classification is DataClassification.INTERNAL


def test_lifecycle_days_override(fresh_stack: Any) -> None:
    _, logs = base_stack(fresh_stack)
    bucket = secure_s3(
        fresh_stack,
        logs,
        transition_ia_days=60,
        transition_glacier_days=365,
        noncurrent_version_expiration_days=400,
        abort_incomplete_multipart_upload_days=2,
    )
    (rule,) = block(synth_json(fresh_stack), bucket.lifecycle_configuration)["rule"]
    assert rule["transition"] == [{"days": 60, "storage_class": "STANDARD_IA"}, {"days": 365, "storage_class": "GLACIER_IR"}]
    assert rule["noncurrent_version_expiration"] == [{"noncurrent_days": 400}]
    assert rule["abort_incomplete_multipart_upload"] == [{"days_after_initiation": 2}]


def test_transitions_can_be_turned_off(fresh_stack: Any) -> None:
    _, logs = base_stack(fresh_stack)
    bucket = secure_s3(fresh_stack, logs, transition_ia_days=None, transition_glacier_days=None)
    (rule,) = block(synth_json(fresh_stack), bucket.lifecycle_configuration)["rule"]
    assert "transition" not in rule
    assert rule["noncurrent_version_expiration"] == [{"noncurrent_days": 90}]


def test_objects_expire_when_asked(fresh_stack: Any) -> None:
    _, logs = base_stack(fresh_stack)
    bucket = secure_s3(fresh_stack, logs, transition_ia_days=None, transition_glacier_days=None, expiration_days=30, noncurrent_version_expiration_days=5)
    (rule,) = block(synth_json(fresh_stack), bucket.lifecycle_configuration)["rule"]
    assert rule["expiration"] == [{"days": 30}]  # then a noncurrent version, deleted 5 days later
    assert rule["noncurrent_version_expiration"] == [{"noncurrent_days": 5}]


def test_glacier_only_transition(fresh_stack: Any) -> None:
    _, logs = base_stack(fresh_stack)
    bucket = secure_s3(fresh_stack, logs, transition_ia_days=None, transition_glacier_days=10)
    (rule,) = block(synth_json(fresh_stack), bucket.lifecycle_configuration)["rule"]
    assert rule["transition"] == [{"days": 10, "storage_class": "GLACIER_IR"}]


@pytest.mark.parametrize(("name", "storage_class"), [("FLEXIBLE_RETRIEVAL", "GLACIER"), ("DEEP_ARCHIVE", "DEEP_ARCHIVE")])
def test_an_archive_class_is_an_explicit_choice_for_a_bucket_nobody_reads(fresh_stack: Any, name: str, storage_class: str) -> None:
    from constructs_lib import GlacierStorageClass, ServiceIdentity, ServiceIdentityProps

    _, logs = base_stack(fresh_stack)
    archive = GlacierStorageClass[name]
    bucket = secure_s3(fresh_stack, logs, transition_glacier_days=180, glacier_storage_class=archive)
    writer = ServiceIdentity(fresh_stack, "Writer", ServiceIdentityProps(project="acme", environment="dev", service="writer"))
    bucket.grant_write(writer)  # writing never reads an archived object
    (rule,) = block(synth_json(fresh_stack), bucket.lifecycle_configuration)["rule"]
    assert rule["transition"] == [{"days": 30, "storage_class": "STANDARD_IA"}, {"days": 180, "storage_class": storage_class}]
    assert archive.needs_restore


def test_only_instant_retrieval_is_read_without_a_restore() -> None:
    from constructs_lib import GlacierStorageClass
    from constructs_lib.guardrails.rules.hc_s3_006_readable_storage_class import RESTORE_CLASSES

    # The construct's enum and the guardrail agree on which classes need a restore.
    assert {c.value for c in GlacierStorageClass if c.needs_restore} == RESTORE_CLASSES
    assert GlacierStorageClass.INSTANT_RETRIEVAL.value == "GLACIER_IR"


def test_object_lock_compliance_with_hipaa_retention(fresh_stack: Any) -> None:
    from constructs_lib import HIPAA_RETENTION_DAYS

    _, logs = base_stack(fresh_stack)
    bucket = secure_s3(
        fresh_stack,
        logs,
        purpose="audit-logs",
        object_lock_retention_days=HIPAA_RETENTION_DAYS,
        noncurrent_version_expiration_days=HIPAA_RETENTION_DAYS,
    )
    out = synth_json(fresh_stack)
    assert block(out, bucket.resource)["object_lock_enabled"] is True
    lock = block(out, bucket.object_lock)
    assert lock["rule"] == {"default_retention": {"mode": "COMPLIANCE", "days": 2190}}
    assert lock["bucket"] == ref(bucket.resource, "id")


def test_object_lock_governance(fresh_stack: Any) -> None:
    from constructs_lib import ObjectLockMode

    _, logs = base_stack(fresh_stack)
    bucket = secure_s3(fresh_stack, logs, object_lock_retention_days=1, object_lock_mode=ObjectLockMode.GOVERNANCE)
    lock = block(synth_json(fresh_stack), bucket.object_lock)
    assert lock["rule"] == {"default_retention": {"mode": "GOVERNANCE", "days": 1}}


def test_protect_from_destroy_off(fresh_stack: Any) -> None:
    _, logs = base_stack(fresh_stack)
    bucket = secure_s3(fresh_stack, logs, protect_from_destroy=False)
    out = synth_json(fresh_stack)
    assert "lifecycle" not in block(out, bucket.resource)
    assert "lifecycle" not in block(out, bucket.key.resource)


def test_force_destroy_for_unprotected_internal_bucket(fresh_stack: Any) -> None:
    from constructs_lib import DataClassification

    _, logs = base_stack(fresh_stack)
    bucket = secure_s3(fresh_stack, logs, classification=DataClassification.INTERNAL, protect_from_destroy=False, force_destroy=True)
    assert block(synth_json(fresh_stack), bucket.resource)["force_destroy"] is True


def test_replication_to_an_encrypted_bucket_in_another_region(fresh_stack: Any) -> None:
    from constructs_lib import AccessLogBucket, AccessLogBucketProps
    from constructs_lib.engine.aws import AwsProvider

    _, logs = base_stack(fresh_stack)
    west = AwsProvider(fresh_stack, "west", alias="west", region="us-west-2")
    west_logs = AccessLogBucket(
        fresh_stack, "WestLogs", AccessLogBucketProps(project="acme", environment="dev", purpose="access-logs-us-west-2", provider=west)
    )
    bucket = secure_s3(fresh_stack, logs, replica_provider=west, replica_access_log_bucket=west_logs)
    out = synth_json(fresh_stack)
    replica = bucket.replica
    replica_bucket = block(out, replica.resource)
    assert replica_bucket["bucket"] == "acme-dev-medical-documents-replica-${data.aws_caller_identity.AwsAccount_Identity_E18432DC.account_id}"
    assert replica_bucket["provider"] == "aws.west"
    assert replica_bucket["lifecycle"] == {"prevent_destroy": True}
    replica_key = block(out, replica.key.resource)
    assert replica_key["provider"] == "aws.west" and replica_key["enable_key_rotation"] is True
    (rule,) = block(out, replica._baseline.encryption)["rule"]
    assert rule["apply_server_side_encryption_by_default"]["kms_master_key_id"] == ref(replica.key.resource, "arn")
    assert block(out, replica.logging)["target_bucket"] == ref(west_logs.resource, "id")
    assert block(out, west_logs.resource)["provider"] == "aws.west"

    (replication_rule,) = block(out, replica.replication)["rule"]
    assert block(out, replica.replication)["bucket"] == ref(bucket.resource, "id")
    assert block(out, replica.replication)["role"] == ref(replica.role, "arn")
    assert replication_rule["status"] == "Enabled"
    assert replication_rule["delete_marker_replication"] == {"status": "Disabled"}
    assert replication_rule["destination"] == {
        "bucket": ref(replica.resource, "arn"),
        "encryption_configuration": {"replica_kms_key_id": ref(replica.key.resource, "arn")},
    }
    assert replication_rule["source_selection_criteria"] == {"sse_kms_encrypted_objects": {"status": "Enabled"}}

    trust = statements(out, replica.trust_policy)["S3AssumesRole"]
    assert trust["principals"] == [{"type": "Service", "identifiers": ["s3.amazonaws.com"]}]
    role = statements(out, replica.permissions)
    assert role["ReadSourceBucket"]["resources"] == [ref(bucket.resource, "arn")]
    assert role["WriteReplica"] == {
        "sid": "WriteReplica",
        "effect": "Allow",
        "actions": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
        "resources": [f"{ref(replica.resource, 'arn')}/*"],
    }
    assert role["DecryptSource"]["resources"] == [ref(bucket.key.resource, "arn")]
    assert role["EncryptReplica"]["resources"] == [ref(replica.key.resource, "arn")]
    assert role["EncryptReplica"]["condition"][0]["values"] == ["s3.us-west-2.amazonaws.com"]
    assert resources_of(out, "aws_iam_role_policy") == {}
    assert block(out, replica.role_policy) == {
        "name": "acme-dev-medical-documents-replication",
        "path": "/platform/",
        "description": "S3 replication of acme-dev-medical-documents to acme-dev-medical-documents-replica",
        "policy": ref(replica.permissions.document, "json"),
    }
    assert block(out, replica.role_policy_attachment) == {"role": ref(replica.role, "name"), "policy_arn": ref(replica.role_policy, "arn")}
    source_key = statements(out, bucket.key.policy)["ReplicationDecrypts"]
    assert source_key["principals"] == [{"type": "AWS", "identifiers": [ref(replica.role, "arn")]}]
    assert source_key["actions"] == ["kms:Decrypt"]
    assert statements(out, replica.key.policy)["ReplicationEncrypts"]["actions"] == ["kms:Encrypt", "kms:GenerateDataKey"]


def test_add_to_resource_policy_and_key_policy(fresh_stack: Any) -> None:
    from constructs_lib._aws.iam import Condition, statement

    _, logs = base_stack(fresh_stack)
    bucket = secure_s3(fresh_stack, logs, purpose="audit-logs")
    bucket.add_to_resource_policy(
        statement(
            sid="CloudTrailAclCheck",
            actions=["s3:GetBucketAcl"],
            resources=[bucket.bucket_arn],
            principal_type="Service",
            principals=["cloudtrail.amazonaws.com"],
        )
    )
    bucket.add_to_key_policy(
        statement(
            sid="CloudTrailEncrypts",
            actions=["kms:GenerateDataKey*"],
            resources=["*"],
            principal_type="Service",
            principals=["cloudtrail.amazonaws.com"],
            conditions=[Condition("StringLike", "kms:EncryptionContext:aws:cloudtrail:arn", ("arn:aws:cloudtrail:*:123456789012:trail/*",))],
        )
    )
    out = synth_json(fresh_stack)
    policy = statements(out, bucket._policy_document)
    assert list(policy)[:2] == ["DenyInsecureTransport", "DenyOutdatedTls"]
    assert policy["CloudTrailAclCheck"]["actions"] == ["s3:GetBucketAcl"]
    assert policy["CloudTrailAclCheck"]["principals"] == [{"type": "Service", "identifiers": ["cloudtrail.amazonaws.com"]}]
    key = statements(out, bucket.key.policy)
    assert list(key) == ["AccountAdministersKey", "CloudTrailEncrypts"]
    assert key["CloudTrailEncrypts"]["condition"][0]["variable"] == "kms:EncryptionContext:aws:cloudtrail:arn"


def test_fails_when_a_statement_id_repeats(fresh_stack: Any) -> None:
    from constructs_lib._aws.iam import statement

    _, logs = base_stack(fresh_stack)
    bucket = secure_s3(fresh_stack, logs)
    with pytest.raises(ValidationError, match=r"^test/Docs: statement sid must be unique within the policy, got 'DenyInsecureTransport'$"):
        bucket.add_to_resource_policy(statement(sid="DenyInsecureTransport", actions=["s3:GetObject"], resources=[bucket.bucket_arn]))
    with pytest.raises(ValidationError, match=r"^test/Docs/Key: statement sid must be unique within the policy, got 'AccountAdministersKey'$"):
        bucket.add_to_key_policy(statement(sid="AccountAdministersKey", actions=["kms:Decrypt"], resources=["*"]))


def test_find_all_and_phi_buckets(fresh_stack: Any) -> None:
    from constructs_lib import DataClassification, SecureS3, phi_buckets

    _, logs = base_stack(fresh_stack)
    docs = secure_s3(fresh_stack, logs)
    audit = secure_s3(fresh_stack, logs, id_="Audit", purpose="audit-logs", classification=DataClassification.INTERNAL)
    images = secure_s3(fresh_stack, logs, id_="Images", purpose="medical-images")
    assert phi_buckets(fresh_stack) == (docs, images)
    assert SecureS3.find_all(fresh_stack) == (docs, audit, images)
    assert SecureS3.find_all(fresh_stack, DataClassification.INTERNAL) == (audit,)


# Validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"purpose": "Medical_Docs"}, "purpose", "got 'Medical_Docs'"),
        ({"purpose": "-docs"}, "purpose", "hyphen-separated words"),
        ({"purpose": "medical-documents-" + "x" * 50}, "bucket name", "3..63"),
        ({"project": "sthree"}, "bucket name", "reserved prefixes"),
        # 51 characters: a valid name alone, too long once '-<account id>' makes it globally unique.
        ({"purpose": "d" * 42}, "bucket name", f"at most 50 characters.*got 'acme-dev-{'d' * 42}'"),
    ],
    ids=["underscore", "leading-hyphen", "too-long", "reserved-prefix", "too-long-with-account-suffix"],
)
def test_fails_when_name_breaks_s3_rules(fresh_stack: Any, overrides: dict[str, Any], field: str, fragment: str) -> None:
    _, logs = base_stack(fresh_stack)
    project = overrides.pop("project", "acme")
    from constructs_lib import SecureS3, SecureS3Props

    with pytest.raises(ValidationError, match=rf"^test/Docs: {field} must be .*{fragment}") as caught:
        SecureS3(fresh_stack, "Docs", SecureS3Props(project=project, environment="dev", access_log_bucket=logs, **opt_out({"purpose": "docs", **overrides})))
    assert caught.value.field == field
    assert fresh_stack.node.try_find_child("Docs").node.children == []


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"transition_ia_days": 10}, r"transition_ia_days must be 30\.\.36500 .*got 10"),
        ({"transition_glacier_days": 30}, r"transition_glacier_days must be greater than transition_ia_days \(30\), got 30"),
        ({"transition_glacier_days": 0, "transition_ia_days": None}, r"transition_glacier_days must be 1\.\.36500 or None, got 0"),
        ({"noncurrent_version_expiration_days": 0}, r"noncurrent_version_expiration_days must be 1\.\.36500, got 0"),
        ({"abort_incomplete_multipart_upload_days": 0}, r"abort_incomplete_multipart_upload_days must be 1\.\.30, got 0"),
        ({"abort_incomplete_multipart_upload_days": 31}, r"abort_incomplete_multipart_upload_days must be 1\.\.30, got 31"),
        ({"expiration_days": 60}, r"expiration_days must be after the last transition \(90 days\): 91\.\.36500, got 60"),
        (
            {"expiration_days": 0, "transition_ia_days": None, "transition_glacier_days": None},
            r"expiration_days must be 1\.\.36500, got 0",
        ),
    ],
    ids=["ia-below-30", "glacier-not-after-ia", "glacier-zero", "noncurrent-zero", "abort-zero", "abort-31", "expiry-before-archive", "expiry-zero"],
)
def test_fails_when_lifecycle_numbers_are_wrong(fresh_stack: Any, overrides: dict[str, Any], match: str) -> None:
    _, logs = base_stack(fresh_stack)
    with pytest.raises(ValidationError, match=rf"^test/Docs: {match}$"):
        secure_s3(fresh_stack, logs, **overrides)


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"object_lock_retention_days": 0, "noncurrent_version_expiration_days": 10}, r"object_lock_retention_days must be 1\.\.36500, got 0"),
        ({"object_lock_retention_days": 40000}, r"object_lock_retention_days must be 1\.\.36500, got 40000"),
        ({"object_lock_retention_days": 2190}, r"noncurrent_version_expiration_days must be at least object_lock_retention_days \(2190\).*got 90"),
        (
            {
                "object_lock_retention_days": 30,
                "expiration_days": 29,
                "transition_ia_days": None,
                "transition_glacier_days": None,
                "noncurrent_version_expiration_days": 5,
            },
            r"noncurrent_version_expiration_days must be at least object_lock_retention_days \(30\) unless expiration_days is.*got 5",
        ),
    ],
    ids=["zero", "too-long", "versions-expire-while-locked", "expiry-before-the-lock-ends"],
)
def test_fails_when_retention_is_wrong(fresh_stack: Any, overrides: dict[str, Any], match: str) -> None:
    _, logs = base_stack(fresh_stack)
    with pytest.raises(ValidationError, match=rf"^test/Docs: {match}$"):
        secure_s3(fresh_stack, logs, **overrides)


def test_locked_dumps_may_expire_as_soon_as_their_lock_ends(fresh_stack: Any) -> None:
    """Objects expiring at (or after) the retention turn noncurrent unlocked, so a short noncurrent expiry is fine (backups)."""
    from constructs_lib import ObjectLockMode

    _, logs = base_stack(fresh_stack)
    bucket = secure_s3(
        fresh_stack,
        logs,
        transition_ia_days=None,
        transition_glacier_days=None,
        expiration_days=30,
        noncurrent_version_expiration_days=5,
        object_lock_retention_days=30,
        object_lock_mode=ObjectLockMode.GOVERNANCE,
    )
    assert bucket.object_lock is not None
    assert block(synth_json(fresh_stack), bucket.object_lock)["rule"]["default_retention"] == {"mode": "GOVERNANCE", "days": 30}


def test_fails_when_lock_mode_is_given_without_object_lock(fresh_stack: Any) -> None:
    from constructs_lib import ObjectLockMode

    _, logs = base_stack(fresh_stack)
    with pytest.raises(ValidationError, match=r"^test/Docs: object_lock_mode must be left at its default .*got 'GOVERNANCE'$"):
        secure_s3(fresh_stack, logs, object_lock_mode=ObjectLockMode.GOVERNANCE)


@pytest.mark.parametrize("access", ["read", "read_write"])
def test_fails_when_a_bucket_that_archives_to_flexible_retrieval_grants_reads(fresh_stack: Any, access: str) -> None:
    from constructs_lib import GlacierStorageClass, ServiceIdentity, ServiceIdentityProps

    _, logs = base_stack(fresh_stack)
    bucket = secure_s3(fresh_stack, logs, glacier_storage_class=GlacierStorageClass.FLEXIBLE_RETRIEVAL)
    reader = ServiceIdentity(fresh_stack, "Reader", ServiceIdentityProps(project="acme", environment="dev", service="reader"))
    match = (
        r"^test/Docs: glacier_storage_class must be INSTANT_RETRIEVAL on a bucket that grants reads "
        r"\(GLACIER objects cannot be read until restored\), got 'FLEXIBLE_RETRIEVAL'$"
    )
    with pytest.raises(ValidationError, match=match):
        getattr(bucket, f"grant_{access}")(reader)
    with pytest.raises(ValidationError, match=match):
        bucket.grant_read_to_principal("arn:aws:iam::444455556666:role/auditor", label="Auditor")


def test_a_bucket_that_never_archives_may_name_an_archive_class_and_grant_reads(fresh_stack: Any) -> None:
    from constructs_lib import GlacierStorageClass, ServiceIdentity, ServiceIdentityProps

    _, logs = base_stack(fresh_stack)
    bucket = secure_s3(fresh_stack, logs, transition_glacier_days=None, glacier_storage_class=GlacierStorageClass.DEEP_ARCHIVE)
    reader = ServiceIdentity(fresh_stack, "Reader", ServiceIdentityProps(project="acme", environment="dev", service="reader"))
    assert bucket.grant_read(reader).object_actions == ("s3:GetObject", "s3:GetObjectVersion")


def test_fails_when_force_destroy_is_asked_for_phi(fresh_stack: Any) -> None:
    _, logs = base_stack(fresh_stack)
    with pytest.raises(
        ValidationError,
        match=(
            r"^test/Docs: force_destroy must be False for PHI buckets \(classification=phi\) "
            r"unless allow_force_destroy_phi \(synthetic data only\), got True$"
        ),
    ):
        secure_s3(fresh_stack, logs, force_destroy=True, protect_from_destroy=False)


def test_force_destroy_on_phi_needs_the_explicit_synthetic_data_flag(fresh_stack: Any) -> None:
    """Disposable environments (dev) must be able to tear down; the weakening is named, never implied."""
    _, logs = base_stack(fresh_stack)
    bucket = secure_s3(fresh_stack, logs, force_destroy=True, protect_from_destroy=False, allow_force_destroy_phi=True)
    assert block(synth_json(fresh_stack), bucket.resource)["force_destroy"] is True


def test_fails_when_allow_force_destroy_phi_is_set_without_force_destroy(fresh_stack: Any) -> None:
    _, logs = base_stack(fresh_stack)
    with pytest.raises(ValidationError, match=r"^test/Docs: allow_force_destroy_phi must be False unless force_destroy is True, got True$"):
        secure_s3(fresh_stack, logs, allow_force_destroy_phi=True)


@pytest.mark.parametrize(
    ("arn", "label", "field"),
    [
        ("arn:aws:iam::12345:role/reader", "Reader", "principal_arn"),
        ("arn:aws:s3:::bucket", "Reader", "principal_arn"),
        ("arn:aws:iam::123456789012:role/reader", "audit-reader", "label"),
    ],
    ids=["short-account", "not-iam", "label-with-hyphen"],
)
def test_fails_when_a_principal_reader_is_malformed(fresh_stack: Any, arn: str, label: str, field: str) -> None:
    _, logs = base_stack(fresh_stack)
    bucket = secure_s3(fresh_stack, logs)
    bad = arn if field == "principal_arn" else label
    with pytest.raises(ValidationError, match=rf"^test/Docs: {field} must be .*got '{re.escape(bad)}'$"):
        bucket.grant_read_to_principal(arn, label=label)


def test_fails_when_force_destroy_contradicts_protect_from_destroy(fresh_stack: Any) -> None:
    from constructs_lib import DataClassification

    _, logs = base_stack(fresh_stack)
    with pytest.raises(ValidationError, match=r"^test/Docs: force_destroy must be False while protect_from_destroy is True, got True$"):
        secure_s3(fresh_stack, logs, classification=DataClassification.INTERNAL, force_destroy=True)


def test_fails_when_force_destroy_meets_compliance_lock(fresh_stack: Any) -> None:
    from constructs_lib import DataClassification

    _, logs = base_stack(fresh_stack)
    with pytest.raises(ValidationError, match=r"^test/Docs: force_destroy must be False with Object Lock in COMPLIANCE mode"):
        secure_s3(
            fresh_stack,
            logs,
            classification=DataClassification.INTERNAL,
            force_destroy=True,
            protect_from_destroy=False,
            object_lock_retention_days=30,
            noncurrent_version_expiration_days=30,
        )


def test_fails_when_replica_name_is_too_long(fresh_stack: Any) -> None:
    from constructs_lib.engine.aws import AwsProvider

    _, logs = base_stack(fresh_stack)
    replica = AwsProvider(fresh_stack, "replica", alias="replica", region="us-west-2")
    purpose = "d" * (63 - len("acme-dev-") - 3)
    with pytest.raises(ValidationError, match=rf"(?m)^test/Docs: bucket name \(with the replica suffix\) must be .*got 'acme-dev-{purpose}-replica'$"):
        secure_s3(fresh_stack, logs, purpose=purpose, replica_provider=replica)


def test_fails_when_replica_has_no_log_bucket_in_its_region(fresh_stack: Any) -> None:
    from constructs_lib.engine.aws import AwsProvider

    _, logs = base_stack(fresh_stack)
    west = AwsProvider(fresh_stack, "west", alias="west", region="us-west-2")
    with pytest.raises(
        ValidationError, match=r"^test/Docs: replica_access_log_bucket must be an AccessLogBucket in the replica region when replica_provider is set, got None$"
    ):
        secure_s3(fresh_stack, logs, replica_provider=west)
    with pytest.raises(
        ValidationError,
        match=r"^test/Other: replica_access_log_bucket must be an AccessLogBucket created with replica_provider \(test/west\), got 'test/AccessLogs'$",
    ):
        secure_s3(fresh_stack, logs, id_="Other", replica_provider=west, replica_access_log_bucket=logs)


def test_fails_when_replica_log_bucket_is_given_without_replication(fresh_stack: Any) -> None:
    _, logs = base_stack(fresh_stack)
    with pytest.raises(ValidationError, match=r"^test/Docs: replica_access_log_bucket must be None when replica_provider is not set, got 'test/AccessLogs'$"):
        secure_s3(fresh_stack, logs, replica_access_log_bucket=logs)


def test_fails_when_replica_provider_has_no_region(fresh_stack: Any) -> None:
    from constructs_lib.engine.aws import AwsProvider

    _, logs = base_stack(fresh_stack)
    replica = AwsProvider(fresh_stack, "replica", alias="replica")
    # Every problem at once: no region, and no log bucket in the replica region either.
    with pytest.raises(
        ValidationErrors, match=r"(?m)^test/Docs: replica_provider must be an AwsProvider with an explicit region, got 'test/replica'$"
    ) as caught:
        secure_s3(fresh_stack, logs, replica_provider=replica)
    assert [e.field for e in caught.value.errors] == ["replica_provider", "replica_access_log_bucket"]
