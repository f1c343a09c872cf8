"""CloudTrail's statements on the log bucket's policy and on the bucket key's policy, scoped to one trail."""

from __future__ import annotations

from .._aws.iam import Condition, statement
from .._aws.perms import KMS_TRAIL_LOG_DECRYPT_ACTIONS
from ..engine.aws import DataAwsIamPolicyDocumentStatement
from ._audit_logs import AuditArns

CLOUDTRAIL = "cloudtrail.amazonaws.com"


def trail_bucket_statements(bucket_arn: str, arns: AuditArns) -> list[DataAwsIamPolicyDocumentStatement]:
    """``s3:GetBucketAcl`` on the bucket and ``s3:PutObject`` under ``AWSLogs/<account>/`` with
    ``bucket-owner-full-control``, for this trail only (AWS's documented bucket policy)."""
    this_trail = Condition("StringEquals", "aws:SourceArn", (arns.trail_arn,))
    return [
        statement(
            sid="CloudTrailAclCheck",
            actions=["s3:GetBucketAcl"],
            resources=[bucket_arn],
            principal_type="Service",
            principals=[CLOUDTRAIL],
            conditions=[this_trail],
        ),
        statement(
            sid="CloudTrailWrite",
            actions=["s3:PutObject"],
            resources=[f"{bucket_arn}/AWSLogs/{arns.account}/*"],
            principal_type="Service",
            principals=[CLOUDTRAIL],
            conditions=[this_trail, Condition("StringEquals", "s3:x-amz-acl", ("bucket-owner-full-control",))],
        ),
    ]


def trail_key_statements(arns: AuditArns) -> list[DataAwsIamPolicyDocumentStatement]:
    """CloudTrail's statements, for this trail only (AWS's documented key policy, narrowed to one trail by
    ``aws:SourceArn``): ``kms:GenerateDataKey*`` for its log files (encryption context names it), ``kms:Decrypt``
    (needed with an S3 Bucket Key) and ``kms:DescribeKey``; and the account's log decrypt statement."""
    this_trail = Condition("StringEquals", "aws:SourceArn", (arns.trail_arn,))
    return [
        statement(
            sid="CloudTrailEncryptsLogFiles",
            actions=["kms:GenerateDataKey*"],
            resources=["*"],
            principal_type="Service",
            principals=[CLOUDTRAIL],
            conditions=[this_trail, Condition("StringEquals", "kms:EncryptionContext:aws:cloudtrail:arn", (arns.trail_arn,))],
        ),
        # "Configure AWS KMS key policies for CloudTrail": with an S3 Bucket Key on the bucket (SecureS3
        # enables it), kms:Decrypt is required to create or update a trail with SSE-KMS.
        statement(
            sid="CloudTrailDecryptsForBucketKey",
            actions=["kms:Decrypt"],
            resources=["*"],
            principal_type="Service",
            principals=[CLOUDTRAIL],
            conditions=[this_trail],
        ),
        statement(
            sid="CloudTrailDescribesKey",
            actions=["kms:DescribeKey"],
            resources=["*"],
            principal_type="Service",
            principals=[CLOUDTRAIL],
            conditions=[this_trail],
        ),
        account_log_decrypt_statement(arns),
    ]


def account_log_decrypt_statement(arns: AuditArns) -> DataAwsIamPolicyDocumentStatement:
    """AWS's "Enable CloudTrail log decrypt permissions" for the account ("Configure AWS KMS key policies for CloudTrail").

    The principal is the account root ARN, so the account's IAM policies decide who may decrypt (nobody without
    one: the key is not opened to every principal of the account); ``kms:CallerAccount`` keeps it to this account
    and the encryption context to CloudTrail log files of this account's trails. With an S3 Bucket Key, the
    principal that creates or updates the trail needs ``kms:Decrypt``: it gets it here (through IAM) in every
    environment, not only where a named log reader exists.
    """
    return statement(
        sid="AccountDecryptsTrailLogFiles",
        actions=KMS_TRAIL_LOG_DECRYPT_ACTIONS,
        resources=["*"],
        principal_type="AWS",
        principals=[f"arn:{arns.partition}:iam::{arns.account}:root"],
        conditions=[
            Condition("StringEquals", "kms:CallerAccount", (arns.account,)),
            Condition("StringLike", "kms:EncryptionContext:aws:cloudtrail:arn", (f"arn:{arns.partition}:cloudtrail:*:{arns.account}:trail/*",)),
        ],
    )
