"""``ServiceTelemetry``: one service's encrypted log group, its metric namespace, its write grant and its alarms."""

from __future__ import annotations

import json
from dataclasses import dataclass

from constructs import Construct

from .._aws.iam import AwsAccount, PolicyDocument, configured_region, statement
from .._aws.log_delivery import KMS_LOGS_ACTIONS
from .._aws.perms import KMS_KEY_ADMIN_ACTIONS, LOGS_WRITE_ACTIONS
from .._provider_requirements import AWS, require_provider
from ..engine.aws import (
    CloudwatchLogGroup,
    CloudwatchMetricAlarm,
    CloudwatchMetricAlarmMetricQuery,
    CloudwatchMetricAlarmMetricQueryMetric,
    IamPolicy,
    KmsAlias,
    KmsKey,
)
from ..engine.core import TerraformResource, TerraformResourceLifecycle
from ..errors import Problems
from ..storage.service_identity import ServiceIdentity
from ..value_rules import check_name_part
from .alert_topic import AlertTopic
from .settings import (
    ServiceAlarmThresholds,
    ServiceLogSettings,
    service_alarm_thresholds_problems,
    service_log_settings_problems,
    settings_values,
)

LOG_GROUP_PREFIX = "/aws/railway"
"""Log groups are ``/aws/railway/<project>-<env>/<service>``: inside the environment's ``/aws/*/<project>-<env>/*``
log-group scope of the Terraform Cloud apply role (``stacks/_tfc_aws.py``)."""
REQUESTS_METRIC = "Requests"
"""Count, 1 per handled request (embedded metric format, unit ``Count``)."""
ERRORS_METRIC = "Errors5xx"
"""Count, 1 per response with a 5xx status, 0 otherwise: its Sum over a period is the period's 5xx responses."""
LATENCY_METRIC = "Latency"
"""Milliseconds from request received to response sent, one value per request (percentiles come from the values)."""
SERVICE_DIMENSION = "Service"
"""The one dimension of every metric: the service's name."""
PERIOD_SECONDS = 300
"""Every alarm evaluates 5-minute periods."""
ERROR_RATE_ID = "error_rate"

# Environment variables a service reads to send its telemetry (docs/operations/monitoring.md).
VARIABLE_LOG_GROUP = "TELEMETRY_LOG_GROUP"
VARIABLE_NAMESPACE = "TELEMETRY_NAMESPACE"
VARIABLE_SERVICE = "TELEMETRY_SERVICE"
VARIABLE_REGION = "AWS_REGION"


def error_rate_expression(min_requests: int) -> str:
    """The error-rate metric math: percent of requests with a 5xx status; 0 in a period with fewer than ``min_requests``.

    ``errors`` missing (a service that writes the metric only on failures) counts as 0; ``requests`` missing yields no
    value at all (the no-traffic alarm covers silence).
    """
    return f"IF(requests >= {min_requests}, 100 * FILL(errors, 0) / requests, 0)"


@dataclass(frozen=True, kw_only=True, slots=True)
class ServiceTelemetryProps(ServiceLogSettings):
    """Settings for ServiceTelemetry: the log group's values (``ServiceLogSettings``, every keyword of it) and what it
    is built for; names derive from ``<project>-<environment>`` and ``service``."""

    project: str
    environment: str
    service: str
    """The service whose logs and metrics these are (``gateway``)."""
    identity: ServiceIdentity
    """The service's own identity (its ``service`` must be ``service``): the only principal granted to write the group."""
    protect_from_destroy: bool = True
    """``prevent_destroy`` on the key and the log group (the logs are evidence). Default: on."""

    @classmethod
    def from_settings(
        cls, settings: ServiceLogSettings, *, project: str, environment: str, service: str, identity: ServiceIdentity, protect_from_destroy: bool = True
    ) -> ServiceTelemetryProps:
        """Props from ``settings`` (an environment file's ``[telemetry]`` section is one) and the service's names and identity."""
        values = settings_values(settings, ServiceLogSettings)
        return cls(**values, project=project, environment=environment, service=service, identity=identity, protect_from_destroy=protect_from_destroy)


@dataclass(frozen=True, kw_only=True, slots=True)
class ServiceAlarmSettings(ServiceAlarmThresholds):
    """Input of ``ServiceTelemetry.add_alarms``: the thresholds (``ServiceAlarmThresholds``, every keyword of it) and
    the topic the alarms notify."""

    alert_topic: AlertTopic
    """Topic the alarms notify, on ALARM and OK (in the stack's region)."""

    @classmethod
    def from_settings(cls, settings: ServiceAlarmThresholds, *, alert_topic: AlertTopic) -> ServiceAlarmSettings:
        """Alarm input from ``settings`` (an environment file's ``[telemetry]`` section is one) and the topic."""
        return cls(**settings_values(settings, ServiceAlarmThresholds), alert_topic=alert_topic)


class ServiceTelemetry(Construct):
    """Where one service's application logs and metrics go, and who may write them.

    Creates ``Key`` (a customer-managed KMS key, rotation on, whose policy lets the account administer it through IAM,
    never use it, and CloudWatch Logs use it only with the encryption context of this log group), ``KeyAlias``
    (``alias/<project>-<env>-<service>-logs``), ``Resource`` (the ``aws_cloudwatch_log_group``
    ``/aws/railway/<project>-<env>/<service>``, encrypted with the key, ``log_retention_days``) and ``WritePolicy``
    (``<project>-<env>-<service>-logs-write``: ``logs:CreateLogStream`` and ``logs:PutLogEvents`` on this group and
    its streams only), attached to the service identity's group.

    Metrics travel inside the log events in CloudWatch's embedded metric format (namespace
    ``<project>-<env>/<service>``, dimension ``Service``): CloudWatch Logs extracts them, so the identity needs no
    ``cloudwatch:PutMetricData``. ``add_alarms`` adds the request alarms of a public service.
    """

    def __init__(self, scope: Construct, id_: str, props: ServiceTelemetryProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        problems = Problems(self.node.path)
        for field in ("project", "environment", "service"):
            try:
                check_name_part(getattr(props, field))
            except ValueError as error:
                problems.add(field, getattr(props, field), str(error))
        if not isinstance(props.identity, ServiceIdentity) or props.identity.service != props.service:
            identity = getattr(props.identity, "service", props.identity)
            problems.add("identity", identity, f"the ServiceIdentity of {props.service!r} (a service writes only its own logs)")
        problems.extend(service_log_settings_problems(props))
        problems.raise_if_any()

        self._props = props
        prefix = f"{props.project}-{props.environment}"
        self._name_prefix = f"{prefix}-{props.service}"
        self._log_group_name = f"{LOG_GROUP_PREFIX}/{prefix}/{props.service}"
        self._namespace = f"{prefix}/{props.service}"
        self._alarms: dict[str, CloudwatchMetricAlarm] = {}
        account = AwsAccount.of(self)
        # The provider's region as written (a literal in a Railway variable), else the region data source.
        self._region = configured_region(self) or account.region
        lifecycle = TerraformResourceLifecycle(prevent_destroy=True) if props.protect_from_destroy else None
        # Built from parts: the key policy needs the group's ARN before the group (which needs the key) exists.
        log_group_arn = f"arn:{account.partition}:logs:{account.region}:{account.account_id}:log-group:{self._log_group_name}"
        key_policy = {
            "Version": "2012-10-17",
            "Statement": [
                # Administration only, through IAM (KMS's lockout safety check); no principal of the account may use
                # the key: only CloudWatch Logs does, for this group.
                {
                    "Sid": "AccountAdministersKey",
                    "Effect": "Allow",
                    "Principal": {"AWS": account.root_arn},
                    "Action": list(KMS_KEY_ADMIN_ACTIONS),
                    "Resource": "*",
                    "Condition": {"StringEquals": {"kms:CallerAccount": account.account_id}},
                },
                {
                    "Sid": "CloudWatchLogsEncryptsThisLogGroupOnly",
                    "Effect": "Allow",
                    "Principal": {"Service": f"logs.{account.region}.amazonaws.com"},
                    "Action": KMS_LOGS_ACTIONS,
                    "Resource": "*",
                    "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": log_group_arn}},
                },
            ],
        }
        tags = {"Service": props.service, "DataClassification": "phi" if props.logs_may_contain_phi else "internal"}
        self.key = KmsKey(
            self,
            "Key",
            description=f"{self._name_prefix} application logs (CloudWatch log group {self._log_group_name})",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=json.dumps(key_policy),
            tags=tags,
            lifecycle=lifecycle,
        )
        KmsAlias(self, "KeyAlias", name=f"alias/{self._name_prefix}-logs", target_key_id=self.key.key_id)
        self.resource = CloudwatchLogGroup(
            self,
            "Resource",
            name=self._log_group_name,
            retention_in_days=props.log_retention_days,
            kms_key_id=self.key.arn,
            tags=tags,
            lifecycle=lifecycle,
        )
        document = PolicyDocument(
            self,
            "WriteDocument",
            [statement(sid="WriteOwnLogGroupOnly", actions=LOGS_WRITE_ACTIONS, resources=[self.resource.arn, f"{self.resource.arn}:log-stream:*"])],
        )
        self.write_policy = IamPolicy(
            self,
            "WritePolicy",
            name=f"{self._name_prefix}-logs-write",
            path=props.identity.policy_path,
            description=f"{props.service} writes its own log group {self._log_group_name} (events with embedded metrics)",
            policy=document.json,
        )
        self.write_attachment: TerraformResource = props.identity.attach_policy(self, "WriteAttachment", policy_arn=self.write_policy.arn)

    # Typed attributes -------------------------------------------------------------------

    @property
    def service(self) -> str:
        return self._props.service

    @property
    def log_group_name(self) -> str:
        """``/aws/railway/<project>-<env>/<service>`` (text, known at synthesis)."""
        return self._log_group_name

    @property
    def log_group_arn(self) -> str:
        """The log group's ARN (a reference)."""
        return self.resource.arn

    @property
    def namespace(self) -> str:
        """``<project>-<env>/<service>``: the metric namespace the service writes in its embedded-format events."""
        return self._namespace

    @property
    def dimensions(self) -> dict[str, str]:
        """``{"Service": <service>}``: the dimensions of every metric the alarms and the dashboard read."""
        return {SERVICE_DIMENSION: self._props.service}

    @property
    def variables(self) -> dict[str, str]:
        """The plain environment variables the service sends with: log group, namespace, service name and region."""
        return {
            VARIABLE_LOG_GROUP: self._log_group_name,
            VARIABLE_NAMESPACE: self._namespace,
            VARIABLE_SERVICE: self._props.service,
            VARIABLE_REGION: self._region,
        }

    @property
    def alarms(self) -> dict[str, CloudwatchMetricAlarm]:
        """The alarms ``add_alarms`` created, by alarm name."""
        return dict(self._alarms)

    # Alarms -----------------------------------------------------------------------------

    def add_alarms(self, settings: ServiceAlarmSettings) -> dict[str, CloudwatchMetricAlarm]:
        """``ErrorRate``, ``LatencyP95`` and (unless ``no_traffic_periods`` is None) ``NoTraffic`` alarms to the topic.

        * ``<prefix>-<service>-error-rate``: metric math ``error_rate_expression`` >= ``error_rate_percent`` for
          ``error_rate_periods`` periods; missing data not breaching (no requests is not an error rate).
        * ``<prefix>-<service>-latency-p95``: ``Latency`` p95 > ``latency_p95_ms``; missing data not breaching (a
          silent service has no latency; the no-traffic alarm covers it).
        * ``<prefix>-<service>-no-traffic``: ``Requests`` Sum < 1 for ``no_traffic_periods``; missing data breaching
          (a service that is down or crash-looping writes nothing, and nothing is what CloudWatch then has).
        """
        problems = Problems(self.node.path)
        if not isinstance(settings.alert_topic, AlertTopic):
            problems.add("alert_topic", settings.alert_topic, "an AlertTopic")
        problems.extend(service_alarm_thresholds_problems(settings))
        if self._alarms:
            problems.add("add_alarms", self.node.path, "called once per service")
        problems.raise_if_any()

        notify = settings.alert_topic.alarm_notifications()
        service, namespace, dimensions = self._props.service, self._namespace, self.dimensions

        def metric(id_: str, name: str) -> CloudwatchMetricAlarmMetricQuery:
            return CloudwatchMetricAlarmMetricQuery(
                id=id_,
                return_data=False,
                metric=CloudwatchMetricAlarmMetricQueryMetric(namespace=namespace, metric_name=name, dimensions=dimensions, period=PERIOD_SECONDS, stat="Sum"),
            )

        name = f"{self._name_prefix}-error-rate"
        self._alarms[name] = CloudwatchMetricAlarm(
            self,
            "ErrorRate",
            alarm_name=name,
            alarm_description=(
                f"{service}: 5xx responses are at least {settings.error_rate_percent:g} % of requests "
                f"(periods with {settings.error_rate_min_requests}+ requests) for {settings.error_rate_periods * 5} minutes"
            ),
            metric_query=[
                metric("requests", REQUESTS_METRIC),
                metric("errors", ERRORS_METRIC),
                CloudwatchMetricAlarmMetricQuery(
                    id=ERROR_RATE_ID, expression=error_rate_expression(settings.error_rate_min_requests), label=f"{service} 5xx %", return_data=True
                ),
            ],
            evaluation_periods=settings.error_rate_periods,
            datapoints_to_alarm=settings.error_rate_periods,
            threshold=settings.error_rate_percent,
            comparison_operator="GreaterThanOrEqualToThreshold",
            treat_missing_data="notBreaching",
            **notify,
        )
        name = f"{self._name_prefix}-latency-p95"
        self._alarms[name] = CloudwatchMetricAlarm(
            self,
            "LatencyP95",
            alarm_name=name,
            alarm_description=f"{service}: p95 request latency above {settings.latency_p95_ms} ms for {settings.latency_periods * 5} minutes",
            namespace=namespace,
            metric_name=LATENCY_METRIC,
            dimensions=dimensions,
            extended_statistic="p95",
            period=PERIOD_SECONDS,
            evaluation_periods=settings.latency_periods,
            datapoints_to_alarm=settings.latency_periods,
            threshold=settings.latency_p95_ms,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            **notify,
        )
        if settings.no_traffic_periods is not None:
            name = f"{self._name_prefix}-no-traffic"
            self._alarms[name] = CloudwatchMetricAlarm(
                self,
                "NoTraffic",
                alarm_name=name,
                alarm_description=(
                    f"{service}: no request for {settings.no_traffic_periods * 5} minutes: down, crash-looping, or no longer "
                    "sending telemetry (the uptime checks alone send several requests a minute)"
                ),
                namespace=namespace,
                metric_name=REQUESTS_METRIC,
                dimensions=dimensions,
                statistic="Sum",
                period=PERIOD_SECONDS,
                evaluation_periods=settings.no_traffic_periods,
                datapoints_to_alarm=settings.no_traffic_periods,
                threshold=1,
                comparison_operator="LessThanThreshold",
                treat_missing_data="breaching",
                **notify,
            )
        return self.alarms
