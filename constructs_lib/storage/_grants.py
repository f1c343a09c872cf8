"""Least-privilege grants on a SecureS3 bucket: a managed IAM policy for the grantee and the key-policy statement."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from constructs import Construct

from .._aws.iam import AwsAccount, Condition, PolicyDocument, statement
from .._aws.perms import (
    KMS_READ_ACTIONS,
    KMS_WRITE_ACTIONS,
    S3_LIST_ACTIONS,
    S3_READ_OBJECT_ACTIONS,
    S3_WRITE_OBJECT_ACTIONS,
)
from ..engine.aws import DataAwsIamPolicyDocumentStatement, IamPolicy
from ..engine.core import TerraformResource
from ..errors import ValidationError
from ._bucket_ref import BucketRef
from .storage_types import BucketAccess

_PREFIX_RE = re.compile(r"^(?:[A-Za-z0-9][A-Za-z0-9._-]*/)+$")
IAM_POLICY_NAME_MAX = 128


@runtime_checkable
class Grantee(Protocol):
    """An identity a bucket can grant access to (``ServiceIdentity`` is one)."""

    @property
    def grant_principal_arn(self) -> str:
        """The principal named in key policies."""
        ...

    @property
    def grantee_name(self) -> str:
        """A name unique in the stack, used in construct ids, policy names and statement ids."""
        ...

    @property
    def policy_path(self) -> str:
        """IAM path of the managed policies created for the grantee (e.g. ``/services/``)."""
        ...

    def attach_policy(self, scope: Construct, id_: str, *, policy_arn: str) -> TerraformResource:
        """Attach the managed policy ``policy_arn`` to the grantee (child ``id_`` of ``scope``); returns the attachment."""
        ...


@dataclass(frozen=True, kw_only=True, slots=True)
class BucketGrant:
    """What a ``grant_*`` call created and the exact permissions it gives."""

    access: BucketAccess
    prefix: str
    bucket_actions: tuple[str, ...]
    """Bucket-level actions on ``bucket_arn`` (empty for write-only grants)."""
    object_actions: tuple[str, ...]
    object_resource: str
    """``<bucket_arn>/<prefix>*``."""
    key_actions: tuple[str, ...]
    document: PolicyDocument
    """The grantee's IAM policy document."""
    policy: IamPolicy
    """The customer-managed policy (``aws_iam_policy``) holding ``document``."""
    attachment: TerraformResource
    """The resource attaching ``policy`` to the grantee (``aws_iam_group_policy_attachment`` for a ServiceIdentity)."""
    key_policy_statement: DataAwsIamPolicyDocumentStatement
    """The statement added to the bucket key's policy."""


def _slug(text: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", text) if part)


def policy_name(grantee_name: str, bucket_name: str, access: BucketAccess, suffix: str) -> str:
    """``<grantee>-<bucket>-<access><suffix>``: unique in the account (managed policy names are account-wide).

    Names past IAM's 128 characters keep their first 119 and end in ``-`` plus 8 hex digits of
    the full name's SHA-256, so they stay deterministic and distinct.
    """
    name = f"{grantee_name}-{bucket_name}-{access.value}{suffix}"
    if len(name) <= IAM_POLICY_NAME_MAX:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: IAM_POLICY_NAME_MAX - 9]}-{digest}"


def grant(bucket: BucketRef, grantee: Grantee, access: BucketAccess, prefix: str) -> BucketGrant:
    """Give ``grantee`` ``access`` on ``bucket`` (optionally only under ``prefix``) and its key.

    Creates the bucket child ``Grant-<grantee>-<access>[-<prefix>]`` holding PolicyDocument,
    Policy (a customer-managed ``aws_iam_policy``; no inline policy, HC-IAM-003) and Attachment
    (made by the grantee), and adds a statement naming the grantee to the bucket key's policy.
    """
    if prefix and not _PREFIX_RE.match(prefix):
        raise ValidationError(bucket.scope.node.path, "prefix", prefix, "empty or key folders ending in '/' such as 'reports/2024/', without wildcards")
    reads = access in (BucketAccess.READ, BucketAccess.READ_WRITE)
    writes = access in (BucketAccess.WRITE, BucketAccess.READ_WRITE)
    bucket_actions = S3_LIST_ACTIONS if reads else ()
    object_actions = (S3_READ_OBJECT_ACTIONS if reads else ()) + (S3_WRITE_OBJECT_ACTIONS if writes else ())
    key_actions = KMS_WRITE_ACTIONS if writes else KMS_READ_ACTIONS
    object_resource = f"{bucket.bucket_arn}/{prefix}*"
    via_s3 = Condition("StringEquals", "kms:ViaService", (f"s3.{AwsAccount.of(bucket.scope).region}.amazonaws.com",))

    statements = []
    if bucket_actions:
        statements.append(
            statement(
                sid="ListBucket",
                actions=bucket_actions,
                resources=[bucket.bucket_arn],
                conditions=[Condition("StringLike", "s3:prefix", (prefix, f"{prefix}*"))] if prefix else (),
            )
        )
    statements.append(statement(sid="Objects", actions=object_actions, resources=[object_resource]))
    statements.append(statement(sid="BucketKey", actions=key_actions, resources=[bucket.kms_key_arn], conditions=[via_s3]))

    suffix = f"-{prefix.rstrip('/').replace('/', '-')}" if prefix else ""
    id_ = f"Grant-{grantee.grantee_name}-{access.value}{suffix}"
    if bucket.scope.node.try_find_child(id_) is not None:
        raise ValidationError(
            bucket.scope.node.path,
            "grant",
            f"{access.value} to {grantee.grantee_name} on {prefix or 'the whole bucket'}",
            "given once per grantee, access and prefix",
        )
    scope = Construct(bucket.scope, id_)
    document = PolicyDocument(scope, "PolicyDocument", statements)
    policy = IamPolicy(
        scope,
        "Policy",
        name=policy_name(grantee.grantee_name, bucket.name_stem, access, suffix),
        path=grantee.policy_path,
        description=f"{access.value} on the {bucket.name_stem} bucket (prefix '{prefix}') for {grantee.grantee_name}",
        policy=document.json,
    )
    attachment = grantee.attach_policy(scope, "Attachment", policy_arn=policy.arn)

    key_statement = statement(
        sid=f"Grant{_slug(access.value)}{_slug(grantee.grantee_name)}{_slug(prefix)}",
        actions=key_actions,
        resources=["*"],
        principal_type="AWS",
        principals=[grantee.grant_principal_arn],
        conditions=[via_s3, Condition("StringEquals", "kms:CallerAccount", (AwsAccount.of(bucket.scope).account_id,))],
    )
    bucket.add_to_key_policy(key_statement)
    return BucketGrant(
        access=access,
        prefix=prefix,
        bucket_actions=bucket_actions,
        object_actions=object_actions,
        object_resource=object_resource,
        key_actions=key_actions,
        document=document,
        policy=policy,
        attachment=attachment,
        key_policy_statement=key_statement,
    )
