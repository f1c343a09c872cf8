"""SecureS3 grants: exact actions and resources, the key-policy statement, and what is returned."""

from __future__ import annotations

import re
from typing import Any

import pytest

from constructs_lib import ValidationError
from tests.conftest import resources_of, synth_json
from tests.unit._s3_helpers import base_stack, block, ref, secure_s3, statements

VIA_S3 = {"test": "StringEquals", "variable": "kms:ViaService"}


@pytest.fixture
def setup(fresh_stack: Any) -> tuple[Any, Any, Any]:
    from constructs_lib import ServiceIdentity, ServiceIdentityProps

    _, logs = base_stack(fresh_stack)
    bucket = secure_s3(fresh_stack, logs)
    identity = ServiceIdentity(fresh_stack, "Records", ServiceIdentityProps(project="acme", environment="dev", service="medical-records"))
    return fresh_stack, bucket, identity


def _region_ref(bucket: Any) -> str:
    from constructs_lib._aws.iam import AwsAccount

    return f"s3.{ref(AwsAccount.of(bucket)._region, 'region')}.amazonaws.com"


def test_grant_read(setup: tuple[Any, Any, Any]) -> None:
    stack, bucket, identity = setup
    result = bucket.grant_read(identity)
    out = synth_json(stack)
    arn, key = ref(bucket.resource, "arn"), ref(bucket.key.resource, "arn")
    assert result.bucket_actions == ("s3:ListBucket",)
    assert result.object_actions == ("s3:GetObject", "s3:GetObjectVersion")
    assert result.key_actions == ("kms:Decrypt",)
    found = statements(out, result.document)
    assert found == {
        "ListBucket": {"sid": "ListBucket", "effect": "Allow", "actions": ["s3:ListBucket"], "resources": [arn]},
        "Objects": {"sid": "Objects", "effect": "Allow", "actions": ["s3:GetObject", "s3:GetObjectVersion"], "resources": [f"{arn}/*"]},
        "BucketKey": {
            "sid": "BucketKey",
            "effect": "Allow",
            "actions": ["kms:Decrypt"],
            "resources": [key],
            "condition": [{**VIA_S3, "values": [_region_ref(bucket)]}],
        },
    }
    assert block(out, result.policy) == {
        "name": "acme-dev-medical-records-acme-dev-medical-documents-read",
        "path": "/services/",
        "description": "read on the acme-dev-medical-documents bucket (prefix '') for acme-dev-medical-records",
        "policy": ref(result.document.document, "json"),
    }
    assert block(out, result.attachment) == {"group": ref(identity.group, "name"), "policy_arn": ref(result.policy, "arn")}
    assert result.attachment.terraform_resource_type == "aws_iam_group_policy_attachment"
    assert [result.policy.node.id, result.attachment.node.id] == ["Policy", "Attachment"]


def test_grants_create_no_inline_policies(setup: tuple[Any, Any, Any]) -> None:
    stack, bucket, identity = setup
    bucket.grant_read(identity)
    bucket.grant_write(identity, prefix="inbox/")
    out = synth_json(stack)
    for inline in ("aws_iam_group_policy", "aws_iam_user_policy", "aws_iam_role_policy"):
        assert resources_of(out, inline) == {}, inline
    assert sorted(p["name"] for p in resources_of(out, "aws_iam_policy").values()) == [
        "acme-dev-medical-records-acme-dev-medical-documents-read",
        "acme-dev-medical-records-acme-dev-medical-documents-write-inbox",
    ]
    attached = sorted(a["policy_arn"] for a in resources_of(out, "aws_iam_group_policy_attachment").values())
    assert attached == sorted(f"${{aws_iam_policy.{name}.arn}}" for name in resources_of(out, "aws_iam_policy"))


def test_policy_names_past_128_characters_end_in_a_digest() -> None:
    from constructs_lib.storage._grants import policy_name
    from constructs_lib.storage.storage_types import BucketAccess

    short = policy_name("acme-dev-svc", "acme-dev-docs", BucketAccess.READ, "-a")
    assert short == "acme-dev-svc-acme-dev-docs-read-a"
    long_a = policy_name("p" * 64, "b" * 63, BucketAccess.READ_WRITE, "-" + "x" * 40)
    long_b = policy_name("p" * 64, "b" * 63, BucketAccess.READ_WRITE, "-" + "x" * 39 + "y")
    assert len(long_a) == len(long_b) == 128
    assert long_a[:119] == long_b[:119] and long_a != long_b
    assert re.fullmatch(r"p{64}-b{54}-[0-9a-f]{8}", long_a)
    assert long_a == policy_name("p" * 64, "b" * 63, BucketAccess.READ_WRITE, "-" + "x" * 40)


def test_grant_write_has_no_list_and_no_delete(setup: tuple[Any, Any, Any]) -> None:
    stack, bucket, identity = setup
    result = bucket.grant_write(identity)
    out = synth_json(stack)
    found = statements(out, result.document)
    assert list(found) == ["Objects", "BucketKey"]
    assert found["Objects"]["actions"] == ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    assert found["BucketKey"]["actions"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert found["BucketKey"]["resources"] == [ref(bucket.key.resource, "arn")]


def test_grant_read_write_with_prefix(setup: tuple[Any, Any, Any]) -> None:
    stack, bucket, identity = setup
    result = bucket.grant_read_write(identity, prefix="reports/2024/")
    out = synth_json(stack)
    arn = ref(bucket.resource, "arn")
    found = statements(out, result.document)
    assert found["ListBucket"]["resources"] == [arn]
    assert found["ListBucket"]["condition"] == [{"test": "StringLike", "variable": "s3:prefix", "values": ["reports/2024/", "reports/2024/*"]}]
    assert found["Objects"]["resources"] == [f"{arn}/reports/2024/*"]
    assert found["Objects"]["actions"] == [
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:PutObject",
        "s3:AbortMultipartUpload",
        "s3:ListMultipartUploadParts",
    ]
    assert result.object_resource.endswith("/reports/2024/*")
    assert block(out, result.policy)["name"] == "acme-dev-medical-records-acme-dev-medical-documents-read_write-reports-2024"
    assert (
        block(out, result.policy)["description"] == "read_write on the acme-dev-medical-documents bucket (prefix 'reports/2024/') for acme-dev-medical-records"
    )


def test_grant_adds_the_identity_to_the_key_policy(setup: tuple[Any, Any, Any]) -> None:
    stack, bucket, identity = setup
    bucket.grant_read(identity)
    bucket.grant_write(identity, prefix="inbox/")
    out = synth_json(stack)
    key_statements = statements(out, bucket.key.policy)
    assert list(key_statements) == ["AccountAdministersKey", "GrantReadAcmeDevMedicalRecords", "GrantWriteAcmeDevMedicalRecordsInbox"]
    read = key_statements["GrantReadAcmeDevMedicalRecords"]
    assert read["principals"] == [{"type": "AWS", "identifiers": [ref(identity.resource, "arn")]}]
    assert read["actions"] == ["kms:Decrypt"]
    assert read["condition"][0] == {**VIA_S3, "values": [_region_ref(bucket)]}
    assert read["condition"][1]["variable"] == "kms:CallerAccount"
    assert key_statements["GrantWriteAcmeDevMedicalRecordsInbox"]["actions"] == ["kms:Decrypt", "kms:GenerateDataKey"]


def test_grants_never_use_wildcard_actions_or_resources(setup: tuple[Any, Any, Any]) -> None:
    stack, bucket, identity = setup
    results = [bucket.grant_read(identity), bucket.grant_write(identity, prefix="a/"), bucket.grant_read_write(identity, prefix="b/")]
    out = synth_json(stack)
    for result in results:
        for found in statements(out, result.document).values():
            assert all("*" not in action for action in found["actions"])
            assert all(resource != "*" and not resource.startswith("arn:aws:s3:::*") for resource in found["resources"])


@pytest.mark.parametrize("prefix", ["*", "reports", "/reports/", "reports/*/", "a b/"])
def test_fails_when_grant_prefix_is_not_a_folder(setup: tuple[Any, Any, Any], prefix: str) -> None:
    _, bucket, identity = setup
    with pytest.raises(ValidationError, match=rf"^test/Docs: prefix must be empty or key folders ending in '/'.*got {re.escape(repr(prefix))}$"):
        bucket.grant_read(identity, prefix=prefix)


def test_fails_when_the_same_grant_is_given_twice(setup: tuple[Any, Any, Any]) -> None:
    _, bucket, identity = setup
    bucket.grant_read(identity, prefix="a/")
    bucket.grant_read(identity)
    with pytest.raises(
        ValidationError, match=r"^test/Docs: grant must be given once per grantee, access and prefix, got 'read to acme-dev-medical-records on a/'$"
    ):
        bucket.grant_read(identity, prefix="a/")
