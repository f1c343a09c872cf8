"""``AuditTrail``: CloudTrail for the whole account, PHI data events, and the CIS security alarms."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jsii
from constructs import Construct, IConstruct

from .._aws.iam import AwsAccount
from .._aws.perms import KMS_PUBLISH_ACTIONS
from .._provider_requirements import AWS, require_provider
from .._settings import settings_values
from ..engine.aws import (
    Cloudtrail,
    CloudtrailAdvancedEventSelector,
    CloudtrailAdvancedEventSelectorFieldSelector,
)
from ..engine.core import Aspects, IAspect, TerraformStack, Token
from ..errors import Problems, ValidationError
from ..storage.secure_s3 import SecureS3, phi_buckets
from ._audit_alarms import SecurityAlarms
from ._audit_logs import AuditArns, AuditLogs
from ._audit_topics import AuditTopics
from ._trail_bucket import CLOUDTRAIL, trail_bucket_statements, trail_key_statements
from .audit_settings import AuditSettings, audit_settings_problems

EVENTBRIDGE = "events.amazonaws.com"
_NAME_PREFIX_RE = re.compile(r"^[a-z][a-z0-9-]{1,40}[a-z0-9]$")


@dataclass(frozen=True, kw_only=True, slots=True)
class AuditTrailProps(AuditSettings):
    """Settings for AuditTrail: the trail's values (``AuditSettings``, every keyword of it) and what the construct
    builds on them (the name prefix and the log bucket); resources are named ``<name_prefix>-...``."""

    name_prefix: str
    """Prefix of every name (``<project>-<env>``): trail ``<name_prefix>-audit``, log group ``/aws/cloudtrail/<name_prefix>``."""
    log_bucket: SecureS3
    """The environment's audit-log bucket. The trail writes to it with the bucket's own KMS key (the
    bucket policy admits no other key); its bucket and key policies get CloudTrail's statements."""
    allow_unlocked_log_bucket: bool = False
    """Accept a ``log_bucket`` without S3 Object Lock (its logs could then be deleted). Default: refused."""

    @classmethod
    def from_settings(cls, settings: AuditSettings, *, name_prefix: str, log_bucket: SecureS3, **construct_input: Any) -> AuditTrailProps:
        """Props from ``settings`` (an environment file's ``[audit]`` section is one), ``name_prefix``, ``log_bucket``
        and the other fields of this class that are not settings (``allow_unlocked_log_bucket``)."""
        values = settings_values(settings, AuditSettings)
        return cls(**values, name_prefix=name_prefix, log_bucket=log_bucket, **construct_input)


class AuditTrail(Construct):
    """A multi-region CloudTrail trail and what it needs, and the security alarms on its events.

    Creates ``Resource`` (aws_cloudtrail: all regions, global service events, log file
    validation, SSE-KMS with the log bucket's key, management events and PHI data events
    by advanced event selectors), ``Logs`` (audit KMS key with rotation, the encrypted log
    group, CloudTrail's delivery role), ``Topics`` (encrypted alert topic with the email and
    HTTPS subscriptions, encrypted delivery-notification topic) and ``Alarms`` (one metric filter
    and alarm per CIS monitoring control). Adds CloudTrail's statements, scoped to this
    trail by ``aws:SourceArn``, to the log bucket's policy and to its key's policy.

    Which buckets get data events: by default every PHI ``SecureS3`` of the stack, found when the
    stack is synthesized (a cdktf aspect), plus any bucket given to ``add_data_event_bucket``.
    Discovery is the default on purpose: HIPAA needs a record of who read or wrote each PHI object,
    and a PHI bucket added to the stack later (a new phase, a user's own construct) must not
    silently go unlogged because nobody registered it here; the classification on the bucket is
    the one place that decides. ``add_data_event_bucket`` is the explicit way for a bucket that
    is not PHI or when ``phi_data_events`` is off; the selectors are written at synthesis either way,
    so the order in which buckets and the trail are created does not matter.
    """

    def __init__(self, scope: Construct, id_: str, props: AuditTrailProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        _validate(self.node.path, props)
        self._props = props
        account = AwsAccount.of(self)
        trail_name = f"{props.name_prefix}-audit"
        arns = AuditArns(
            account=account.account_id,
            partition=account.partition,
            region=account.region,
            trail_arn=f"arn:{account.partition}:cloudtrail:{account.region}:{account.account_id}:trail/{trail_name}",
            log_group_name=f"/aws/cloudtrail/{props.name_prefix}",
        )
        bucket = props.log_bucket
        bucket.add_to_resource_policy(*trail_bucket_statements(bucket.bucket_arn, arns))
        bucket.add_to_key_policy(*trail_key_statements(arns))
        # Digest files (log file validation) are SSE-S3 even when log files are SSE-KMS.
        bucket.allow_sse_s3_uploads_from(CLOUDTRAIL)
        if props.log_reader_arn is not None:
            bucket.grant_read_to_principal(props.log_reader_arn, label="AuditLogReader")

        self.logs = AuditLogs(
            self,
            "Logs",
            arns=arns,
            name_prefix=props.name_prefix,
            retention_days=props.log_retention_days,
            protect_from_destroy=props.protect_from_destroy,
        )
        self.topics = AuditTopics(
            self,
            "Topics",
            arns=arns,
            name_prefix=props.name_prefix,
            kms_key_arn=self.logs.key.arn,
            alert_emails=props.alert_emails,
            alert_https_endpoints=props.alert_https_endpoints,
            protect_from_destroy=props.protect_from_destroy,
        )
        self._event_rule_arns: list[str] = []
        self._account = arns.account
        self.resource = Cloudtrail(
            self,
            "Resource",
            name=trail_name,
            s3_bucket_name=bucket.bucket_name,
            kms_key_id=bucket.kms_key_arn,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            cloud_watch_logs_group_arn=f"{self.logs.log_group.arn}:*",
            cloud_watch_logs_role_arn=self.logs.role.arn,
            sns_topic_name=self.topics.deliveries.name,
            advanced_event_selector=[_MANAGEMENT_EVENTS],
            # CloudTrail checks the bucket policy, the role and the topic policy when the trail is created.
            depends_on=[bucket.policy, self.logs.role_policy, self.topics.deliveries_policy],
        )
        self.alarms = SecurityAlarms(
            self,
            "Alarms",
            log_group_name=self.logs.log_group.name,
            namespace=f"{props.name_prefix}/audit",
            name_prefix=props.name_prefix,
            topic_arn=self.topics.alerts.arn,
            settings=props,
        )
        self._added_buckets: list[SecureS3] = []
        self._selectors_at_synthesis = False
        if props.phi_data_events:
            self._write_selectors_at_synthesis()

    # Typed attributes -------------------------------------------------------------------

    @property
    def trail_arn(self) -> str:
        return self.resource.arn

    @property
    def log_group_name(self) -> str:
        return self.logs.log_group.name

    @property
    def alert_topic_arn(self) -> str:
        """The alert topic: subscribe further endpoints (chat, paging) here."""
        return self.topics.alerts.arn

    @property
    def kms_key_arn(self) -> str:
        """The audit key (log group and topics; the trail's log files use the log bucket's key)."""
        return self.logs.key.arn

    def allow_event_rules(self, *rule_arns: str) -> None:
        """Let the EventBridge rules ``rule_arns`` (of this account) publish to the alert topic and use its key.

        Both policies name each rule by ``aws:SourceArn`` and the account by ``aws:SourceAccount``: no other rule, and
        no rule of another account, may publish (confused deputy). Repeated calls add rules; a rule given twice counts once.
        """
        for arn in rule_arns:
            if arn not in self._event_rule_arns:
                self._event_rule_arns.append(arn)
        if not self._event_rule_arns:
            return
        condition = {"StringEquals": {"aws:SourceAccount": self._account}, "ArnEquals": {"aws:SourceArn": list(self._event_rule_arns)}}
        self.topics.admit_alert_publisher({"Sid": "EventBridgeFindingRules", "Principal": {"Service": EVENTBRIDGE}, "Condition": condition})
        self.logs.put_key_statement(
            {
                "Sid": "EventBridgeFindingRulesPublishToAlertTopic",
                "Effect": "Allow",
                "Principal": {"Service": EVENTBRIDGE},
                "Action": list(KMS_PUBLISH_ACTIONS),
                "Resource": "*",
                "Condition": condition,
            }
        )

    def add_data_event_bucket(self, bucket: SecureS3) -> None:
        """Also log the object reads and writes of ``bucket`` (and of its cross-region replica).

        Not needed for a PHI bucket while ``phi_data_events`` is on: those are found at synthesis. Adding
        a bucket twice, or one that is also found, logs it once. Not the log bucket: logging the trail's
        own deliveries would loop."""
        if not isinstance(bucket, SecureS3):
            raise ValidationError(self.node.path, "data_event_bucket", bucket, "a SecureS3")
        if bucket is self._props.log_bucket:
            raise ValidationError(self.node.path, "data_event_bucket", bucket.node.path, "a bucket other than the trail's log bucket")
        if all(b is not bucket for b in self._added_buckets):
            self._added_buckets.append(bucket)
        self._write_selectors_at_synthesis()

    def data_event_buckets(self) -> tuple[SecureS3, ...]:
        """The buckets whose object reads and writes the trail logs: every PHI SecureS3 in the stack
        (with ``phi_data_events``) except the log bucket, then those given to ``add_data_event_bucket``,
        each once. Final only at synthesis."""
        log_bucket = self._props.log_bucket
        found = [b for b in phi_buckets(TerraformStack.of(self)) if b is not log_bucket] if self._props.phi_data_events else []
        return (*found, *(b for b in self._added_buckets if all(b is not f for f in found)))

    def _write_selectors_at_synthesis(self) -> None:
        if not self._selectors_at_synthesis:
            Aspects.of(self).add(_PhiDataEvents(self))
            self._selectors_at_synthesis = True

    def _put_event_selectors(self) -> None:
        # A cross-region replica holds the same PHI; the multi-region trail records its events too.
        arns = [arn for b in self.data_event_buckets() for arn in (b.bucket_arn, b.replica.bucket_arn if b.replica else None) if arn]
        selectors = [_MANAGEMENT_EVENTS]
        if arns:
            selectors.append(_s3_data_events([f"{arn}/" for arn in arns]))
        self.resource.put_advanced_event_selector(selectors)


_MANAGEMENT_EVENTS = CloudtrailAdvancedEventSelector(
    name="Management events (reads and writes)",
    field_selector=[CloudtrailAdvancedEventSelectorFieldSelector(field="eventCategory", equal_to=["Management"])],
)


def _s3_data_events(arn_prefixes: Sequence[str]) -> CloudtrailAdvancedEventSelector:
    return CloudtrailAdvancedEventSelector(
        name="S3 object reads and writes of PHI buckets",
        field_selector=[
            CloudtrailAdvancedEventSelectorFieldSelector(field="eventCategory", equal_to=["Data"]),
            CloudtrailAdvancedEventSelectorFieldSelector(field="resources.type", equal_to=["AWS::S3::Object"]),
            CloudtrailAdvancedEventSelectorFieldSelector(field="resources.ARN", starts_with=list(arn_prefixes)),
        ],
    )


@jsii.implements(IAspect)
class _PhiDataEvents:
    """Sets the trail's event selectors when cdktf synthesizes, after every bucket of the stack exists
    (the class docstring of ``AuditTrail`` says why the buckets are found rather than only registered)."""

    def __init__(self, trail: AuditTrail) -> None:
        self._trail = trail

    def visit(self, node: IConstruct) -> None:
        # Identity, not path: cdktf calls this for every construct under the trail, and a path is a jsii round trip.
        if node is self._trail:
            self._trail._put_event_selectors()


def _validate(path: str, props: AuditTrailProps) -> None:
    problems = Problems(path)
    fail = problems.add

    if not _NAME_PREFIX_RE.match(props.name_prefix):
        fail("name_prefix", props.name_prefix, "lowercase letters, digits and hyphens (3..42 characters)")
    if not isinstance(props.log_bucket, SecureS3):
        fail("log_bucket", props.log_bucket, "the environment's audit-log SecureS3 bucket")
    elif props.log_bucket.object_lock_retention_days is None and not props.allow_unlocked_log_bucket:
        fail("log_bucket", props.log_bucket.node.path, "a SecureS3 with Object Lock (or set allow_unlocked_log_bucket=True)")
    problems.extend(audit_settings_problems(props, is_unresolved=Token.is_unresolved))
    problems.raise_if_any()
