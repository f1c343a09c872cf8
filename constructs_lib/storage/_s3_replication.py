"""``Replica``: cross-region replication of a SecureS3 bucket to an encrypted bucket with its own key."""

from __future__ import annotations

from constructs import Construct

from .._aws.iam import AwsAccount, Condition, PolicyDocument, statement
from .._aws.perms import (
    KMS_REPLICATION_DESTINATION_ACTIONS,
    KMS_REPLICATION_SOURCE_ACTIONS,
    S3_REPLICATION_DESTINATION_ACTIONS,
    S3_REPLICATION_SOURCE_BUCKET_ACTIONS,
    S3_REPLICATION_SOURCE_OBJECT_ACTIONS,
)
from ..engine.aws import (
    AwsProvider,
    IamPolicy,
    IamRole,
    IamRolePolicyAttachment,
    S3Bucket,
    S3BucketLoggingA,
    S3BucketObjectLockConfigurationA,
    S3BucketObjectLockConfigurationRuleA,
    S3BucketObjectLockConfigurationRuleDefaultRetentionA,
    S3BucketPolicy,
    S3BucketReplicationConfigurationA,
    S3BucketReplicationConfigurationRule,
    S3BucketReplicationConfigurationRuleDeleteMarkerReplication,
    S3BucketReplicationConfigurationRuleDestination,
    S3BucketReplicationConfigurationRuleDestinationEncryptionConfiguration,
    S3BucketReplicationConfigurationRuleFilter,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteria,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteriaSseKmsEncryptedObjects,
)
from ..engine.core import TerraformResourceLifecycle
from ..errors import ValidationError
from ._bucket_baseline import LifecycleDays, add_baseline, add_lifecycle, encryption_statements, tls_statements
from ._bucket_key import BucketKey
from ._bucket_ref import BucketRef
from .secure_s3_props import SecureS3Props

IAM_ROLE_NAME_MAX = 64
POLICY_PATH = "/platform/"
"""IAM path of the replication role's managed policy."""


class Replica(Construct):
    """The replica bucket ``<stem>-<account id>`` in ``provider``'s region and the replication from ``source``.

    Creates Key (KMS key in the replica region), ``Resource`` (aws_s3_bucket with the same
    baseline, lifecycle and Object Lock as the source, logging to the replica-region
    access-logs bucket), Policy, Role, RolePolicy and RolePolicyAttachment (the
    replication role and its customer-managed policy, path ``/platform/``, no inline policy:
    read the source versions, decrypt with the source key, write and encrypt with the
    replica key, nothing else) and Replication on the source bucket. Adds
    the role to both key policies.
    """

    def __init__(self, scope: Construct, id_: str, *, source: BucketRef, props: SecureS3Props, stem: str, provider: AwsProvider) -> None:
        super().__init__(scope, id_)
        account = AwsAccount.of(self)
        replica_region = provider.region
        assert replica_region is not None, "SecureS3's checks require a replica provider with an explicit region"
        self.region: str = replica_region
        """The replica's region (the replica provider's explicit ``region``)."""
        prevent = TerraformResourceLifecycle(prevent_destroy=True) if props.protect_from_destroy else None
        lock = props.object_lock_retention_days is not None

        self.key = BucketKey(
            self,
            "Key",
            alias_name=stem,
            description=f"SSE-KMS key of the {stem} bucket (replica of {source.name_stem})",
            protect_from_destroy=props.protect_from_destroy,
            provider=provider,
        )
        self.resource = S3Bucket(
            self,
            "Resource",
            bucket=f"{stem}-{account.account_id}",
            force_destroy=props.force_destroy,
            object_lock_enabled=lock or None,
            tags={"DataClassification": props.classification.value},
            lifecycle=prevent,
            provider=provider,
        )
        self._baseline = baseline = add_baseline(self, self.resource, kms_key_arn=self.key.key_arn, provider=provider)
        add_lifecycle(
            self,
            self.resource,
            LifecycleDays.of(props),
            versioning=baseline.versioning,
            provider=provider,
        )
        replica_logs = props.replica_access_log_bucket
        if replica_logs is None:  # SecureS3 validates this first; kept for direct use
            raise ValidationError(source.scope.node.path, "replica_access_log_bucket", None, "an AccessLogBucket in the replica region")
        self.logging = S3BucketLoggingA(
            self,
            "Logging",
            bucket=self.resource.id,
            target_bucket=replica_logs.bucket_id,
            target_prefix=f"{stem}/",
            provider=provider,
        )
        replica_logs.add_source(self.resource.arn)
        if lock:
            S3BucketObjectLockConfigurationA(
                self,
                "ObjectLock",
                bucket=self.resource.id,
                rule=S3BucketObjectLockConfigurationRuleA(
                    default_retention=S3BucketObjectLockConfigurationRuleDefaultRetentionA(
                        mode=props.object_lock_mode.value, days=props.object_lock_retention_days
                    )
                ),
                depends_on=[baseline.versioning],
                provider=provider,
                lifecycle=prevent,
            )
        self._policy_document = PolicyDocument(
            self, "PolicyDocument", tls_statements(self.resource.arn) + encryption_statements(self.resource.arn, self.key.key_arn)
        )
        S3BucketPolicy(
            self,
            "Policy",
            bucket=self.resource.id,
            policy=self._policy_document.json,
            depends_on=[baseline.public_access_block],
            provider=provider,
        )

        self.trust_policy = trust = PolicyDocument(
            self,
            "TrustPolicy",
            [
                statement(
                    sid="S3AssumesRole",
                    actions=["sts:AssumeRole"],
                    resources=[],
                    principal_type="Service",
                    principals=["s3.amazonaws.com"],
                    conditions=[Condition("StringEquals", "aws:SourceAccount", (account.account_id,))],
                )
            ],
        )
        self.role = IamRole(
            self,
            "Role",
            name=f"{source.name_stem}-replication"[:IAM_ROLE_NAME_MAX],
            assume_role_policy=trust.json,
            description=f"S3 replication of {source.name_stem} to {stem}",
        )
        source_via = Condition("StringEquals", "kms:ViaService", (f"s3.{account.region}.amazonaws.com",))
        replica_via = Condition("StringEquals", "kms:ViaService", (f"s3.{replica_region}.amazonaws.com",))
        self.permissions = permissions = PolicyDocument(
            self,
            "RolePolicyDocument",
            [
                statement(sid="ReadSourceBucket", actions=S3_REPLICATION_SOURCE_BUCKET_ACTIONS, resources=[source.bucket_arn]),
                statement(sid="ReadSourceVersions", actions=S3_REPLICATION_SOURCE_OBJECT_ACTIONS, resources=[f"{source.bucket_arn}/*"]),
                statement(sid="WriteReplica", actions=S3_REPLICATION_DESTINATION_ACTIONS, resources=[f"{self.resource.arn}/*"]),
                statement(sid="DecryptSource", actions=KMS_REPLICATION_SOURCE_ACTIONS, resources=[source.kms_key_arn], conditions=[source_via]),
                statement(sid="EncryptReplica", actions=KMS_REPLICATION_DESTINATION_ACTIONS, resources=[self.key.key_arn], conditions=[replica_via]),
            ],
        )
        # Bucket names are at most 63 characters, so the policy name stays within IAM's 128.
        self.role_policy = IamPolicy(
            self,
            "RolePolicy",
            name=f"{source.name_stem}-replication",
            path=POLICY_PATH,
            description=f"S3 replication of {source.name_stem} to {stem}",
            policy=permissions.json,
        )
        self.role_policy_attachment = IamRolePolicyAttachment(self, "RolePolicyAttachment", role=self.role.name, policy_arn=self.role_policy.arn)
        source.add_to_key_policy(
            statement(
                sid="ReplicationDecrypts",
                actions=KMS_REPLICATION_SOURCE_ACTIONS,
                resources=["*"],
                principal_type="AWS",
                principals=[self.role.arn],
                conditions=[source_via],
            )
        )
        self.key.add_to_policy(
            statement(
                sid="ReplicationEncrypts",
                actions=KMS_REPLICATION_DESTINATION_ACTIONS,
                resources=["*"],
                principal_type="AWS",
                principals=[self.role.arn],
                conditions=[replica_via],
            )
        )
        self.replication = S3BucketReplicationConfigurationA(
            self,
            "Replication",
            bucket=source.bucket_id,
            role=self.role.arn,
            rule=[
                S3BucketReplicationConfigurationRule(
                    id="disaster-recovery",
                    status="Enabled",
                    filter=S3BucketReplicationConfigurationRuleFilter(prefix=""),
                    # Deletes in the primary do not propagate: an accidental or malicious delete
                    # stays recoverable from the replica.
                    delete_marker_replication=S3BucketReplicationConfigurationRuleDeleteMarkerReplication(status="Disabled"),
                    source_selection_criteria=S3BucketReplicationConfigurationRuleSourceSelectionCriteria(
                        sse_kms_encrypted_objects=S3BucketReplicationConfigurationRuleSourceSelectionCriteriaSseKmsEncryptedObjects(status="Enabled")
                    ),
                    destination=S3BucketReplicationConfigurationRuleDestination(
                        bucket=self.resource.arn,
                        encryption_configuration=S3BucketReplicationConfigurationRuleDestinationEncryptionConfiguration(replica_kms_key_id=self.key.key_arn),
                    ),
                )
            ],
            depends_on=[source.versioning, baseline.versioning],
            lifecycle=prevent,
        )

    @property
    def bucket_arn(self) -> str:
        return self.resource.arn

    @property
    def kms_key_arn(self) -> str:
        return self.key.key_arn
