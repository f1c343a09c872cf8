"""A log group a service delivers to: its own KMS key, the encrypted log group, the delivery role.

``build_log_delivery`` creates the resources directly in the caller's scope (no construct of its
own, so the construct paths, hence the Terraform logical ids, stay the caller's) and takes plain
values: names, retention, the delivering service, the trust conditions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from constructs import Construct

from ..engine.aws import CloudwatchLogGroup, DataAwsIamPolicyDocument, IamPolicy, IamRole, IamRolePolicyAttachment, KmsAlias, KmsKey
from ..engine.core import TerraformResourceLifecycle
from .iam import Condition, statement

KMS_LOGS_ACTIONS = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
"""What CloudWatch Logs needs on the key of an encrypted log group (AWS's documented key policy)."""
POLICY_PATH = "/platform/"
"""IAM path of the delivery role's managed policy."""


@dataclass(frozen=True, kw_only=True, slots=True)
class KeySpec:
    """The customer-managed key: ``Key`` and its alias ``KeyAlias`` in the caller's scope."""

    description: str
    alias: str
    """Full alias name, ``alias/...``."""
    logs_sid: str
    """Sid of the key-policy statement letting CloudWatch Logs use the key for this log group only."""
    extra_statements: Sequence[Mapping[str, Any]] = ()
    """Further key-policy statements (JSON form), after the account and CloudWatch Logs ones."""


@dataclass(frozen=True, kw_only=True, slots=True)
class DeliveryRoleSpec:
    """The role the service assumes (``<role_id>``), its managed policy (``<role_id>Policy``) and the attachment."""

    role_id: str
    name: str
    service: str
    """Service principal that assumes the role (``cloudtrail.amazonaws.com``)."""
    trust_sid: str
    trust_conditions: Sequence[Condition]
    policy_name: str
    policy_description: str
    delivery_sid: str
    delivery_actions: Sequence[str]
    resource_suffixes: Sequence[str]
    """The policy's resources: the log group ARN followed by each suffix (``""`` is the log group itself)."""


@dataclass(frozen=True, slots=True)
class LogDelivery:
    """What ``build_log_delivery`` created."""

    key: KmsKey
    key_policy: dict[str, Any]
    """The key policy as written to ``key``; change it and re-assign ``key.policy`` to add statements later."""
    log_group: CloudwatchLogGroup
    role: IamRole
    policy: IamPolicy
    attachment: IamRolePolicyAttachment


def build_log_delivery(
    scope: Construct,
    *,
    account: str,
    partition: str,
    region: str,
    log_group_name: str,
    retention_days: int,
    key: KeySpec,
    role: DeliveryRoleSpec,
    protect_from_destroy: bool = False,
) -> LogDelivery:
    """Key, alias, log group, trust and delivery documents, role, policy and attachment, in ``scope``.

    The key policy lets the account administer the key through IAM and CloudWatch Logs in
    ``region`` use it only for ``log_group_name``; ``protect_from_destroy`` puts
    ``prevent_destroy`` on the key and the log group.
    """
    lifecycle = TerraformResourceLifecycle(prevent_destroy=True) if protect_from_destroy else None
    # Built from parts: the key policy needs the ARN before the log group (which needs the key) exists.
    log_group_arn = f"arn:{partition}:logs:{region}:{account}:log-group:{log_group_name}"
    # A key policy, not an IAM policy: "*" as resource means "this key". Kept as JSON on the key
    # (checkov's IAM-policy checks would misread a policy document data source as an identity policy).
    key_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountAdministers",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": key.logs_sid,
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                "Action": KMS_LOGS_ACTIONS,
                "Resource": "*",
                "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": log_group_arn}},
            },
            *key.extra_statements,
        ],
    }
    kms_key = KmsKey(
        scope,
        "Key",
        description=key.description,
        enable_key_rotation=True,
        deletion_window_in_days=30,
        policy=json.dumps(key_policy),
        lifecycle=lifecycle,
    )
    KmsAlias(scope, "KeyAlias", name=key.alias, target_key_id=kms_key.key_id)
    log_group = CloudwatchLogGroup(
        scope,
        "LogGroup",
        name=log_group_name,
        retention_in_days=retention_days,
        kms_key_id=kms_key.arn,
        lifecycle=lifecycle,
    )

    trust = DataAwsIamPolicyDocument(
        scope,
        "TrustPolicy",
        statement=[
            statement(
                sid=role.trust_sid,
                actions=["sts:AssumeRole"],
                resources=(),
                principal_type="Service",
                principals=[role.service],
                conditions=role.trust_conditions,
            )
        ],
    )
    iam_role = IamRole(scope, role.role_id, name=role.name, assume_role_policy=trust.json)
    delivery = DataAwsIamPolicyDocument(
        scope,
        "DeliveryPolicy",
        statement=[
            statement(
                sid=role.delivery_sid,
                actions=role.delivery_actions,
                resources=[f"{log_group.arn}{suffix}" for suffix in role.resource_suffixes],
            )
        ],
    )
    # A managed policy (guardrail HC-IAM-003: reviewable on its own), attached to this role only.
    policy = IamPolicy(
        scope,
        f"{role.role_id}Policy",
        name=role.policy_name,
        path=POLICY_PATH,
        description=role.policy_description,
        policy=delivery.json,
    )
    attachment = IamRolePolicyAttachment(scope, f"{role.role_id}PolicyAttachment", role=iam_role.name, policy_arn=policy.arn)
    return LogDelivery(key=kms_key, key_policy=key_policy, log_group=log_group, role=iam_role, policy=policy, attachment=attachment)
