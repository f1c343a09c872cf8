"""KMS and IAM guardrails (HC-KMS-001/002, HC-IAM-001/002/003) on hand-built stacks."""

from __future__ import annotations

import json
from pathlib import Path

from constructs_lib.engine.aws import (
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    IamPolicy,
    IamRole,
    IamRoleInlinePolicy,
    IamRolePolicy,
    IamRolePolicyAttachment,
    KmsKey,
    KmsKeyPolicy,
)
from constructs_lib.engine.core import TerraformStack
from tests.unit._guardrails import run_pack

ASSUME = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
)
ROOT_ADMIN = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}


def _policy(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_a_rotating_key_with_a_root_only_admin_policy_passes(tmp_path: Path) -> None:
    outcome = run_pack(tmp_path, lambda s: KmsKey(s, "Key", enable_key_rotation=True, policy=_policy(ROOT_ADMIN)))
    assert outcome.errors == []
    assert outcome.stack is not None
    assert outcome.stack["resource"]["aws_kms_key"]["Key"]["enable_key_rotation"] is True


def test_fails_when_key_rotation_is_off(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        KmsKey(stack, "NoRotation")
        KmsKey(stack, "Asymmetric", customer_master_key_spec="RSA_2048", key_usage="SIGN_VERIFY")

    outcome = run_pack(tmp_path, build)
    assert outcome.rules_at() == {("test/NoRotation", "HC-KMS-001")}
    assert "fix: set enable_key_rotation = true" in outcome.errors[0]


def test_fails_when_key_policy_grants_kms_star_to_anyone(tmp_path: Path) -> None:
    wildcard = {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}
    wildcard_aws = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:*"], "Resource": "*"}

    def build(stack: TerraformStack) -> None:
        KmsKey(stack, "Open", enable_key_rotation=True, policy=_policy(ROOT_ADMIN, wildcard))
        separate = KmsKey(stack, "Separate", enable_key_rotation=True)
        KmsKeyPolicy(stack, "SeparatePolicy", key_id=separate.id, policy=_policy(wildcard_aws))

    outcome = run_pack(tmp_path, build)
    assert outcome.rules_at() == {("test/Open", "HC-KMS-002"), ("test/SeparatePolicy", "HC-KMS-002")}
    assert "key policy allows kms:* to principal *" in outcome.errors[0]


def test_fails_when_identity_policy_uses_s3_or_kms_wildcards(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        IamPolicy(stack, "StarAction", policy=_policy({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::test-docs/*"}))
        IamPolicy(stack, "AnyAction", policy=_policy({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::test-docs/*"}))
        IamPolicy(
            stack,
            "GrantStyle",
            policy=_policy({"Effect": "Allow", "Action": ["s3:GetObject*", "kms:GenerateDataKey*"], "Resource": "arn:aws:s3:::test-docs/*"}),
        )
        IamPolicy(stack, "StarResource", policy=_policy({"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": "*"}))
        IamPolicy(stack, "DenyIsFine", policy=_policy({"Effect": "Deny", "Action": "s3:*", "Resource": "*"}))
        IamPolicy(stack, "Exact", policy=_policy({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::test-docs/*"}))

    outcome = run_pack(tmp_path, build)
    assert outcome.rules_at() == {("test/StarAction", "HC-IAM-001"), ("test/AnyAction", "HC-IAM-001"), ("test/StarResource", "HC-IAM-001")}


def test_fails_when_a_policy_cannot_be_read_at_synth_time(tmp_path: Path) -> None:
    from constructs_lib.engine.core import Fn

    def build(stack: TerraformStack) -> None:
        IamPolicy(stack, "Encoded", policy=Fn.jsonencode({"Version": "2012-10-17", "Statement": []}))
        KmsKey(stack, "EncodedKey", enable_key_rotation=True, policy=Fn.jsonencode({"Version": "2012-10-17", "Statement": []}))

    outcome = run_pack(tmp_path, build)
    assert outcome.rules_at() == {("test/Encoded", "HC-IAM-001"), ("test/EncodedKey", "HC-KMS-002")}
    assert all("cannot be read at synth time" in e for e in outcome.errors)


def test_fails_when_policy_document_data_source_uses_a_wildcard(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        document = DataAwsIamPolicyDocument(
            stack,
            "Doc",
            statement=[DataAwsIamPolicyDocumentStatement(effect="Allow", actions=["kms:*"], resources=["arn:aws:kms:us-east-1:111122223333:key/abc"])],
        )
        IamPolicy(stack, "FromDocument", policy=document.json)

    outcome = run_pack(tmp_path, build)
    assert outcome.rules_at() == {("test/FromDocument", "HC-IAM-001")}
    assert "wildcard action kms:*" in outcome.errors[0]


def test_fails_when_a_policy_or_attachment_grants_admin(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        role = IamRole(stack, "Role", assume_role_policy=ASSUME)
        IamPolicy(stack, "Admin", policy=_policy({"Effect": "Allow", "Action": "*", "Resource": "*"}))
        IamRolePolicyAttachment(stack, "AdminAttachment", role=role.name, policy_arn="arn:aws:iam::aws:policy/AdministratorAccess")

    outcome = run_pack(tmp_path, build)
    assert outcome.rules_at() == {("test/Admin", "HC-IAM-002"), ("test/AdminAttachment", "HC-IAM-002")}


def test_inline_policies_warn_and_inline_admin_fails(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        role = IamRole(
            stack,
            "Role",
            assume_role_policy=ASSUME,
            inline_policy=[IamRoleInlinePolicy(name="admin", policy=_policy({"Effect": "Allow", "Action": "*", "Resource": "*"}))],
        )
        IamRolePolicy(
            stack,
            "Inline",
            role=role.name,
            policy=_policy({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:111122223333:q"}),
        )

    outcome = run_pack(tmp_path, build)
    assert outcome.rules_at() == {("test/Role", "HC-IAM-002")}
    assert outcome.rules_at(warnings=True) == {("test/Role", "HC-IAM-003"), ("test/Inline", "HC-IAM-003")}


def test_a_warning_alone_does_not_fail_synthesis(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        role = IamRole(stack, "Role", assume_role_policy=ASSUME)
        IamRolePolicy(
            stack,
            "Inline",
            role=role.name,
            policy=_policy({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:111122223333:q"}),
        )

    outcome = run_pack(tmp_path, build)
    assert outcome.errors == []
    assert outcome.stack is not None
    assert outcome.rules_at(warnings=True) == {("test/Inline", "HC-IAM-003")}
