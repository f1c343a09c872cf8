"""``ConfigCompliance``: the AWS Config recorder, its delivery into the audit-log bucket, and the HIPAA Security conformance pack."""

from __future__ import annotations

import re
from dataclasses import dataclass

from constructs import Construct

from .._aws.iam import AwsAccount, Condition, statement
from .._provider_requirements import AWS, require_provider
from ..engine.aws import (
    ConfigConfigurationRecorder,
    ConfigConfigurationRecorderRecordingGroup,
    ConfigConfigurationRecorderRecordingGroupRecordingStrategy,
    ConfigConfigurationRecorderStatus,
    ConfigConformancePack,
    ConfigDeliveryChannel,
    ConfigDeliveryChannelSnapshotDeliveryProperties,
    DataAwsIamPolicyDocumentStatement,
    IamServiceLinkedRole,
)
from ..errors import Problems
from ..storage.secure_s3 import SecureS3
from .conformance_pack import hipaa_security_rule_names, template_without
from .detection_types import ExcludedRule, SnapshotFrequency, excluded_rule_problems

CONFIG = "config.amazonaws.com"
SERVICE_LINKED_ROLE_NAME = "AWSServiceRoleForConfig"
EXCLUDED_RULES_KEY = "excluded_rules"
"""Key under the conformance pack's ``"//"`` block in ``cdk.tf.json``: ``{rule name: reason}`` of the rules left out."""
_NAME_PREFIX_RE = re.compile(r"^[a-z][a-z0-9-]{1,40}[a-z0-9]$")


@dataclass(frozen=True, kw_only=True, slots=True)
class ConfigComplianceProps:
    """Settings for ConfigCompliance. The recorder is account-wide per region: one stack per account and region may own it."""

    name_prefix: str
    """Prefix of the recorder, delivery channel and conformance pack names (``<name_prefix>-config``, ``<name_prefix>-hipaa-security``)."""
    log_bucket: SecureS3
    """Where Config delivers configuration history and snapshots (``AWSLogs/<account>/Config/``), encrypted with the
    bucket's key. Its bucket and key policies get AWS Config's documented delivery statements, for this account only."""
    record_global_resources: bool = True
    """Also record global resource types (IAM users, roles, groups, policies). Turn off in every region of the
    account but one, or each region records (and bills) them again. Default: on."""
    snapshot_delivery_frequency: SnapshotFrequency = SnapshotFrequency.TWENTY_FOUR_HOURS
    """How often a full configuration snapshot is delivered to the bucket. Default: daily."""
    hipaa_conformance_pack: bool = True
    """Deploy AWS's "Operational Best Practices for HIPAA Security" conformance pack (130 managed rules, vendored
    under CC0 and sent as ``template_body``). Config bills per rule evaluation. Default: on."""
    excluded_rules: tuple[ExcludedRule, ...] = ()
    """Rules of the pack that cannot apply here, left out of it; each reason is published under
    ``"//".excluded_rules`` of the pack in ``cdk.tf.json``. Default: the whole pack."""
    create_service_linked_role: bool = True
    """Create ``AWSServiceRoleForConfig`` (``aws_iam_service_linked_role``), the role the recorder uses (Security Hub's
    Config.1 expects it). An account holds it once: where it already exists, import it or turn this off. Default: on."""


class ConfigCompliance(Construct):
    """``ServiceLinkedRole`` (``AWSServiceRoleForConfig``, with ``create_service_linked_role``), ``Resource``
    (``aws_config_configuration_recorder``: all supported resource types, continuous recording, global types with
    ``record_global_resources``), ``DeliveryChannel`` (into ``log_bucket`` with its KMS key), ``Status`` (the recorder
    started) and ``HipaaSecurity`` (``aws_config_conformance_pack``, with ``hipaa_conformance_pack``).

    Adds to the log bucket's policy ``config.amazonaws.com`` ``s3:GetBucketAcl`` and ``s3:ListBucket`` on the bucket
    and ``s3:PutObject`` under ``AWSLogs/<account>/Config/`` with ``bucket-owner-full-control``, and to its key's
    policy ``kms:Decrypt`` and ``kms:GenerateDataKey``; every statement requires ``aws:SourceAccount`` of this
    account (AWS Config developer guide, "Permissions for the Amazon S3 bucket" and "for the KMS key").
    """

    def __init__(self, scope: Construct, id_: str, props: ConfigComplianceProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        _validate(self.node.path, props)
        self._props = props
        account = AwsAccount.of(self)
        bucket = props.log_bucket
        bucket.add_to_resource_policy(*config_bucket_statements(bucket.bucket_arn, account.account_id))
        bucket.add_to_key_policy(config_key_statement(account.account_id))
        role_arn = f"arn:{account.partition}:iam::{account.account_id}:role/aws-service-role/{CONFIG}/{SERVICE_LINKED_ROLE_NAME}"
        self.service_linked_role: IamServiceLinkedRole | None = None
        if props.create_service_linked_role:
            self.service_linked_role = IamServiceLinkedRole(self, "ServiceLinkedRole", aws_service_name=CONFIG)
            role_arn = self.service_linked_role.arn
        name = f"{props.name_prefix}-config"
        self.resource = ConfigConfigurationRecorder(
            self,
            "Resource",
            name=name,
            role_arn=role_arn,
            recording_group=ConfigConfigurationRecorderRecordingGroup(
                all_supported=True,
                include_global_resource_types=props.record_global_resources,
                recording_strategy=[ConfigConfigurationRecorderRecordingGroupRecordingStrategy(use_only="ALL_SUPPORTED_RESOURCE_TYPES")],
            ),
        )
        self.delivery_channel = ConfigDeliveryChannel(
            self,
            "DeliveryChannel",
            name=name,
            s3_bucket_name=bucket.bucket_name,
            s3_kms_key_arn=bucket.kms_key_arn,
            snapshot_delivery_properties=ConfigDeliveryChannelSnapshotDeliveryProperties(delivery_frequency=props.snapshot_delivery_frequency.value),
            # Config checks that it can write to the bucket when the channel is created.
            depends_on=[self.resource, bucket.policy],
        )
        self.status = ConfigConfigurationRecorderStatus(self, "Status", name=self.resource.name, is_enabled=True, depends_on=[self.delivery_channel])
        self.conformance_pack: ConfigConformancePack | None = None
        if props.hipaa_conformance_pack:
            excluded = [rule.rule_name for rule in props.excluded_rules]
            self.conformance_pack = ConfigConformancePack(
                self,
                "HipaaSecurity",
                name=f"{props.name_prefix}-hipaa-security",
                template_body=template_without(excluded),
                depends_on=[self.status],
            )
            for rule in props.excluded_rules:
                self.conformance_pack.add_override(f"//.{EXCLUDED_RULES_KEY}.{rule.rule_name}", " ".join(rule.reason.split()))

    @property
    def recorder_name(self) -> str:
        return self.resource.name

    @property
    def excluded_rules(self) -> tuple[ExcludedRule, ...]:
        return self._props.excluded_rules


def config_bucket_statements(bucket_arn: str, account: str) -> list[DataAwsIamPolicyDocumentStatement]:
    """AWS Config's documented bucket policy for delivery through its service-linked role, for ``account`` only."""
    this_account = Condition("StringEquals", "aws:SourceAccount", (account,))
    return [
        statement(
            sid="AWSConfigBucketPermissionsCheck",
            actions=["s3:GetBucketAcl"],
            resources=[bucket_arn],
            principal_type="Service",
            principals=[CONFIG],
            conditions=[this_account],
        ),
        statement(
            sid="AWSConfigBucketExistenceCheck",
            actions=["s3:ListBucket"],
            resources=[bucket_arn],
            principal_type="Service",
            principals=[CONFIG],
            conditions=[this_account],
        ),
        statement(
            sid="AWSConfigBucketDelivery",
            actions=["s3:PutObject"],
            resources=[f"{bucket_arn}/AWSLogs/{account}/Config/*"],
            principal_type="Service",
            principals=[CONFIG],
            conditions=[this_account, Condition("StringEquals", "s3:x-amz-acl", ("bucket-owner-full-control",))],
        ),
    ]


def config_key_statement(account: str) -> DataAwsIamPolicyDocumentStatement:
    """AWS Config's documented key policy statement for delivering SSE-KMS objects, for ``account`` only."""
    return statement(
        sid="AWSConfigKMSPolicy",
        actions=["kms:Decrypt", "kms:GenerateDataKey"],
        resources=["*"],
        principal_type="Service",
        principals=[CONFIG],
        conditions=[Condition("StringEquals", "aws:SourceAccount", (account,))],
    )


def _validate(path: str, props: ConfigComplianceProps) -> None:
    problems = Problems(path)
    if not isinstance(props.name_prefix, str) or not _NAME_PREFIX_RE.match(props.name_prefix):
        problems.add("name_prefix", props.name_prefix, "lowercase letters, digits and hyphens (3..42 characters)")
    if not isinstance(props.log_bucket, SecureS3):
        problems.add("log_bucket", props.log_bucket, "the environment's audit-log SecureS3 bucket")
    if not isinstance(props.snapshot_delivery_frequency, SnapshotFrequency):
        problems.add("snapshot_delivery_frequency", props.snapshot_delivery_frequency, "a SnapshotFrequency")
    problems.extend(excluded_rule_problems(props.excluded_rules, hipaa_security_rule_names()))
    problems.raise_if_any()
