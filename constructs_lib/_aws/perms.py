"""Action lists granted by the constructs, in one place so reviews see every permission.

No wildcards: each list names the exact actions a grant needs.
"""

from __future__ import annotations

S3_LIST_ACTIONS: tuple[str, ...] = ("s3:ListBucket",)
"""Bucket-level: list keys (scoped to the grant's prefix with an ``s3:prefix`` condition)."""

S3_READ_OBJECT_ACTIONS: tuple[str, ...] = ("s3:GetObject", "s3:GetObjectVersion")
"""Object-level reads (current and earlier versions)."""

S3_WRITE_OBJECT_ACTIONS: tuple[str, ...] = (
    "s3:PutObject",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
)
"""Object-level writes, including multipart uploads. No delete: objects are replaced, never removed."""

KMS_READ_ACTIONS: tuple[str, ...] = ("kms:Decrypt",)
"""Reading SSE-KMS objects."""

KMS_WRITE_ACTIONS: tuple[str, ...] = ("kms:Decrypt", "kms:GenerateDataKey")
"""Writing SSE-KMS objects; multipart uploads also need ``kms:Decrypt`` to assemble the parts."""

KMS_PUBLISH_ACTIONS: tuple[str, ...] = ("kms:GenerateDataKey*", "kms:Decrypt")
"""A service publishing to an SSE-KMS SNS topic (CloudWatch alarms, AWS Budgets, EventBridge) through a key policy."""

KMS_TRAIL_LOG_DECRYPT_ACTIONS: tuple[str, ...] = ("kms:Decrypt", "kms:ReEncryptFrom")
"""The account's principals reading CloudTrail log files, through their IAM policies (AWS's documented trail key
policy, "Allow principals in the account to decrypt log files")."""

KMS_FIELD_KEY_USE_ACTIONS: tuple[str, ...] = ("kms:GenerateDataKey", "kms:Decrypt")
"""A service's envelope encryption of its own PHI fields: a new data key (plaintext and encrypted copy) to encrypt
with, and the encrypted copy decrypted to read; granted only with the service's encryption context."""

KMS_DESCRIBE_ACTIONS: tuple[str, ...] = ("kms:DescribeKey",)
"""Reading a key's metadata (the AWS Encryption SDK checks the key it was given); no context condition applies."""

KMS_KEY_ADMIN_ACTIONS: tuple[str, ...] = (
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
)
"""What the account (through IAM policies) may do with a bucket key: manage it, never use it.

Using the key (Decrypt, GenerateDataKey) needs a statement naming the principal, added by a grant.
"""

S3_REPLICATION_SOURCE_BUCKET_ACTIONS: tuple[str, ...] = ("s3:GetReplicationConfiguration", "s3:ListBucket")
S3_REPLICATION_SOURCE_OBJECT_ACTIONS: tuple[str, ...] = (
    "s3:GetObjectVersionForReplication",
    "s3:GetObjectVersionAcl",
    "s3:GetObjectVersionTagging",
    "s3:GetObjectRetention",
    "s3:GetObjectLegalHold",
)
S3_REPLICATION_DESTINATION_ACTIONS: tuple[str, ...] = ("s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags")
KMS_REPLICATION_SOURCE_ACTIONS: tuple[str, ...] = ("kms:Decrypt",)
KMS_REPLICATION_DESTINATION_ACTIONS: tuple[str, ...] = ("kms:Encrypt", "kms:GenerateDataKey")

S3_LOG_DELIVERY_ACTIONS: tuple[str, ...] = ("s3:PutObject",)
"""What the S3 logging service may do on the access-logs bucket."""

SECRET_READ_ACTIONS: tuple[str, ...] = ("secretsmanager:GetSecretValue",)
"""Reading a Secrets Manager secret's value (``ServiceSecret``'s reader; everyone else is denied it)."""
KMS_SECRET_READ_ACTIONS: tuple[str, ...] = ("kms:Decrypt",)
"""What Secrets Manager asks KMS for on behalf of a caller reading a secret."""
KMS_SECRET_WRITE_ACTIONS: tuple[str, ...] = ("kms:Decrypt", "kms:GenerateDataKey")
"""What Secrets Manager asks KMS for on behalf of Terraform writing (and refreshing) a secret."""

LOGS_WRITE_ACTIONS: tuple[str, ...] = ("logs:CreateLogStream", "logs:PutLogEvents")
"""A service writing its own log group: create a stream, put events (CloudWatch extracts embedded-format metrics from
them). No read, no retention or key change, no other group."""

LOGS_READ_ACTIONS: tuple[str, ...] = (
    "logs:DescribeLogStreams",
    "logs:GetLogEvents",
    "logs:FilterLogEvents",
    "logs:StartQuery",
    "logs:GetQueryResults",
    "logs:GetLogGroupFields",
    "logs:StartLiveTail",
)
"""Reading application log groups (console, CLI, Logs Insights), scoped to the groups' ARNs."""

LOGS_QUERY_RESULT_ACTIONS: tuple[str, ...] = ("logs:StopQuery", "logs:DescribeLogGroups")
"""Stopping a Logs Insights query and listing the groups: these actions have no resource type in IAM, so only ``*``
names them (checkov's IAM data agrees: no CKV_AWS_356 finding)."""
