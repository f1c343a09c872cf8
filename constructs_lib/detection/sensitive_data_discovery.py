"""``SensitiveDataDiscovery``: Amazon Macie for the account in the stack's region and a scheduled classification job per PHI bucket."""

from __future__ import annotations

import re
from dataclasses import dataclass

from constructs import Construct

from .._aws.iam import AwsAccount, Condition, statement
from .._provider_requirements import AWS, require_provider
from ..engine.aws import (
    DataAwsIamPolicyDocumentStatement,
    Macie2Account,
    Macie2ClassificationJob,
    Macie2ClassificationJobS3JobDefinition,
    Macie2ClassificationJobS3JobDefinitionBucketDefinitions,
    Macie2ClassificationJobScheduleFrequency,
)
from ..errors import Problems
from ..storage.secure_s3 import SecureS3
from .detection_types import MacieSchedule, PublishingFrequency

MACIE_ROLE_PATH = "aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie"
"""Macie's service-linked role (Macie creates it when it is enabled); it reads the buckets it analyses."""
PRICE_USD_PER_BUCKET_MONTH = 0.10
"""AWS's published Macie price for bucket inventory and monitoring: per S3 bucket per month (us-east-1)."""
PRICE_USD_PER_GB_INSPECTED = 1.00
"""AWS's published Macie price for sensitive data discovery: per GB inspected, first 50 TB a month (us-east-1)."""
WEEKLY_RUN_DAY = "SUNDAY"
MONTHLY_RUN_DAY = 1
_NAME_PREFIX_RE = re.compile(r"^[a-z][a-z0-9-]{1,40}[a-z0-9]$")


@dataclass(frozen=True, kw_only=True, slots=True)
class SensitiveDataDiscoveryProps:
    """Settings for SensitiveDataDiscovery. Macie is account-wide per region: one stack per account and region may own it.

    Cost (AWS's published us-east-1 prices): USD 0.10 per bucket per month for the bucket inventory and monitoring
    of every bucket of the account in the region, and USD 1.00 per GB the jobs inspect (first 50 TB a month;
    a scheduled job inspects only objects added or changed since its previous run).
    """

    name_prefix: str
    """Prefix of the classification jobs' names (``<name_prefix>-<bucket purpose>-phi-scan``)."""
    buckets: tuple[SecureS3, ...]
    """The buckets whose objects are inspected for sensitive data (the PHI buckets), one job each. Their KMS keys
    let Macie's service-linked role decrypt through S3. At least one."""
    schedule: MacieSchedule = MacieSchedule.WEEKLY
    """How often each job inspects new and changed objects (weekly on Sunday, monthly on the 1st). Default: weekly."""
    sampling_percentage: int = 100
    """Percentage of eligible objects each run inspects, 1..100. Default: all of them."""
    finding_publishing_frequency: PublishingFrequency = PublishingFrequency.FIFTEEN_MINUTES
    """How often Macie publishes updates of policy findings to EventBridge and Security Hub. Default: 15 minutes."""


class SensitiveDataDiscovery(Construct):
    """``Resource`` (``aws_macie2_account``, enabled) and ``Job-<bucket>`` (``aws_macie2_classification_job``, scheduled,
    its first run at creation) per bucket. Adds ``MacieDecryptsThroughS3`` to each bucket key's policy: Macie's
    service-linked role may ``kms:Decrypt`` through S3, in this account.

    Automated sensitive data discovery (Macie's sampling of every bucket) has no Terraform resource in the AWS
    provider; the jobs cover the buckets named here instead.
    """

    def __init__(self, scope: Construct, id_: str, props: SensitiveDataDiscoveryProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        _validate(self.node.path, props)
        self._props = props
        account = AwsAccount.of(self)
        self.resource = Macie2Account(self, "Resource", status="ENABLED", finding_publishing_frequency=props.finding_publishing_frequency.value)
        role_arn = f"arn:{account.partition}:iam::{account.account_id}:role/{MACIE_ROLE_PATH}"
        self.jobs: dict[str, Macie2ClassificationJob] = {}
        for bucket in props.buckets:
            bucket.add_to_key_policy(macie_key_statement(role_arn, account.account_id, account.region))
            purpose = bucket.node.id
            self.jobs[purpose] = Macie2ClassificationJob(
                self,
                f"Job-{purpose}",
                name=f"{props.name_prefix}-{purpose.removeprefix('Bucket-').lower()}-phi-scan",
                description=f"Sensitive data in {purpose}: objects added or changed since the previous run",
                job_type="SCHEDULED",
                initial_run=True,
                sampling_percentage=props.sampling_percentage,
                schedule_frequency=_frequency(props.schedule),
                s3_job_definition=Macie2ClassificationJobS3JobDefinition(
                    bucket_definitions=[Macie2ClassificationJobS3JobDefinitionBucketDefinitions(account_id=account.account_id, buckets=[bucket.bucket_name])]
                ),
                depends_on=[self.resource],
            )

    @property
    def buckets(self) -> tuple[SecureS3, ...]:
        return self._props.buckets


def macie_key_statement(role_arn: str, account: str, region: str) -> DataAwsIamPolicyDocumentStatement:
    """Macie's service-linked role decrypts objects of the bucket, through S3 of ``region``, for ``account`` only."""
    return statement(
        sid="MacieDecryptsThroughS3",
        actions=["kms:Decrypt"],
        resources=["*"],
        principal_type="AWS",
        principals=[role_arn],
        conditions=[
            Condition("StringEquals", "kms:ViaService", (f"s3.{region}.amazonaws.com",)),
            Condition("StringEquals", "kms:CallerAccount", (account,)),
        ],
    )


def _frequency(schedule: MacieSchedule) -> Macie2ClassificationJobScheduleFrequency:
    if schedule is MacieSchedule.DAILY:
        return Macie2ClassificationJobScheduleFrequency(daily_schedule=True)
    if schedule is MacieSchedule.MONTHLY:
        return Macie2ClassificationJobScheduleFrequency(monthly_schedule=MONTHLY_RUN_DAY)
    return Macie2ClassificationJobScheduleFrequency(weekly_schedule=WEEKLY_RUN_DAY)


def _validate(path: str, props: SensitiveDataDiscoveryProps) -> None:
    problems = Problems(path)
    if not isinstance(props.name_prefix, str) or not _NAME_PREFIX_RE.match(props.name_prefix):
        problems.add("name_prefix", props.name_prefix, "lowercase letters, digits and hyphens (3..42 characters)")
    if not isinstance(props.buckets, tuple) or not props.buckets or not all(isinstance(b, SecureS3) for b in props.buckets):
        problems.add("buckets", props.buckets, "a non-empty tuple of SecureS3 (the PHI buckets)")
    elif len({id(b) for b in props.buckets}) != len(props.buckets):
        problems.add("buckets", [b.node.path for b in props.buckets], "each bucket once")
    if not isinstance(props.schedule, MacieSchedule):
        problems.add("schedule", props.schedule, "a MacieSchedule")
    pct = props.sampling_percentage
    if isinstance(pct, bool) or not isinstance(pct, int) or not 1 <= pct <= 100:
        problems.add("sampling_percentage", pct, "1..100")
    problems.raise_if_any()
