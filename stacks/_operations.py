"""The operations part of an environment's stack: alert routes, uptime checks, budget, account baseline, dashboard.

Composes library constructs from the environment file and the phase plan; ``PlatformStack`` calls
``add_operations`` with the services, their edge (public hostnames), the buckets and the audit trail it created.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from constructs import Construct

from constructs_lib.audit.audit_trail import AuditTrail
from constructs_lib.compute.railway_service import RailwayService
from constructs_lib.engine.aws import AwsProvider, CloudwatchMetricAlarm, S3BucketMetric
from constructs_lib.network.network_baseline import NetworkBaseline
from constructs_lib.operations.account_baseline import AccountBaseline, AccountBaselineProps
from constructs_lib.operations.alert_topic import AlertTopic, AlertTopicProps
from constructs_lib.operations.bucket_error_alarm import BucketErrorAlarm, BucketErrorAlarmProps
from constructs_lib.operations.cost_budget import CostBudget, CostBudgetProps
from constructs_lib.operations.ops_dashboard import OperationsDashboard, OperationsDashboardProps
from constructs_lib.operations.uptime_monitor import METRICS_REGION, UptimeMonitor, UptimeMonitorProps
from constructs_lib.storage.secure_s3 import SecureS3
from environments import EnvironmentConfig
from platform_plan.phases import Component, PhasePlan

from ._aws_settings import AwsProviderSettings
from ._telemetry import Telemetry, add_service_alarms

MODEL_BUCKET = "ml-models"
BACKUP_BUCKET = "backups"
BACKUP_JOB = "db-backup"
DUMPS_FILTER_ID = "Dumps"
"""The S3 request-metrics filter (``FilterId``) counting requests under the backup job's prefix."""


@dataclass(frozen=True, slots=True)
class Operations:
    """What ``add_operations`` created."""

    alerts: AlertTopic
    """The environment's alert topic, in its AWS region: budget, storage and (in us-east-1) uptime alarms."""
    uptime_alerts: AlertTopic
    """The topic the uptime alarms notify, in us-east-1: ``alerts`` itself, or a second topic with the same routes."""
    uptime: UptimeMonitor
    budget: CostBudget | None
    account: AccountBaseline | None
    model_store_alarm: BucketErrorAlarm | None
    backup_freshness: CloudwatchMetricAlarm | None
    """Fires when no dump was written for the longest gap of ``[backups] schedule`` plus the slack."""
    dashboard: OperationsDashboard


def add_operations(
    scope: Construct,
    config: EnvironmentConfig,
    plan: PhasePlan,
    aws: AwsProviderSettings,
    *,
    network: NetworkBaseline | None,
    services: Mapping[str, RailwayService],
    buckets: Mapping[str, SecureS3],
    audit_trail: AuditTrail | None,
    telemetry: Telemetry,
) -> Operations:
    """The operations constructs under ``scope`` (the plan has ``Component.OPERATIONS``): an uptime check per public
    service that exists with its hostname at the edge, the request alarms of each alarmed service's ``telemetry``, the
    audit trail's alarms and a row per alarmed service on the dashboard."""
    prefix = config.name_prefix
    protect = not config.disposable
    # [alerts] emails absent or empty: [audit] alert_emails (config.alert_emails).
    routes = replace(AlertTopicProps.from_settings(config.alerts, name=f"{prefix}-alerts", protect_from_destroy=protect), emails=config.alert_emails)
    alerts = AlertTopic(scope, "Alerts", replace(routes, budgets_may_publish=True))
    # Route 53 publishes health-check metrics only in us-east-1: the alarms live there, and so must their topic.
    uptime_provider: AwsProvider | None = None
    uptime_alerts = alerts
    if config.aws_region != METRICS_REGION:
        uptime_provider = aws.provider(scope, "aws_us_east_1", alias="us_east_1", region=METRICS_REGION)
        uptime_alerts = AlertTopic(scope, "AlertsUsEast1", replace(routes, provider=uptime_provider))
    settings = config.uptime
    props = UptimeMonitorProps.from_settings(settings, name_prefix=prefix, alert_topic=uptime_alerts, provider=uptime_provider)
    if not plan.has(Component.LATENCY_ALARMS):
        props = replace(props, latency_threshold_ms=None)
    uptime = UptimeMonitor(scope, "Uptime", props)
    hostnames = network.edge.hostnames if network is not None else {}
    for spec in plan.services:
        hostname = f"{spec.hostname_label}.{config.public_domain}"
        if spec.public and spec.name in services and hostname in hostnames:
            uptime.add_check(spec.hostname_label, hostname, settings.health_path(spec.name), depends_on=[hostnames[hostname]])
    budget = None
    if config.budget is not None:
        budget = CostBudget(
            scope,
            "Budget",
            CostBudgetProps.from_settings(config.budget, name=f"{prefix}-monthly", alert_topic=alerts, emails=config.alert_emails),
        )
    account = None
    if plan.has(Component.ACCOUNT_BASELINE) and (config.account.manage_password_policy or config.account.admin_group_name):
        account = AccountBaseline(scope, "Account", AccountBaselineProps.from_settings(config.account, name_prefix=prefix))
    model_store_alarm = None
    if plan.has(Component.MODEL_STORE_ALARMS) and MODEL_BUCKET in buckets:
        model_store_alarm = BucketErrorAlarm(
            scope,
            "ModelStoreAlarm",
            BucketErrorAlarmProps(
                bucket=buckets[MODEL_BUCKET],
                alert_topic=alerts,
                alarm_name=f"{prefix}-{MODEL_BUCKET}-client-errors",
                description="Requests for ML model artifacts are failing (access denied or missing objects): the AI service may not load its models",
            ),
        )
    backup_freshness = add_backup_freshness_alarm(scope, config, plan, buckets, alerts)
    alarms = list(audit_trail.alarms.alarms.values()) if audit_trail is not None else []
    if model_store_alarm is not None:
        alarms.append(model_store_alarm.resource)
    if backup_freshness is not None:
        alarms.append(backup_freshness)
    alarms.extend(add_service_alarms(config, plan, telemetry, alerts))
    dashboard = OperationsDashboard(
        scope,
        "Dashboard",
        OperationsDashboardProps(
            name=prefix,
            uptime_monitor=uptime,
            alarms=tuple(alarms),
            budget=budget,
            services=tuple(telemetry.services[s.name] for s in plan.alarmed_services),
            error_rate_min_requests=config.telemetry.error_rate_min_requests,
        ),
    )
    return Operations(alerts, uptime_alerts, uptime, budget, account, model_store_alarm, backup_freshness, dashboard)


def add_backup_freshness_alarm(
    scope: Construct, config: EnvironmentConfig, plan: PhasePlan, buckets: Mapping[str, SecureS3], alerts: AlertTopic
) -> CloudwatchMetricAlarm | None:
    """An alarm on the operational topic when no dump reached the ``backups`` bucket in time (None without the job).

    Metric: S3 request metrics (``BackupDumps``: an ``aws_s3_bucket_metric`` with FilterId ``Dumps`` on the job's prefix), ``PutRequests``
    Sum. A job that stops silently (not scheduled, crashing before the upload, credentials revoked) writes nothing, and
    S3 request metrics then publish nothing: the data is missing, not zero, so missing data is breaching. The alarm
    looks back over the longest gap between two runs of ``[backups] schedule`` plus ``freshness_slack_minutes``
    (``EnvironmentConfig.backup_freshness_window``) and fires when every period of that window had no upload.
    ``backup.sh`` uploads only a complete, non-empty dump, so a PUT under the prefix means a dump was written.
    """
    grants = [g for g in plan.bucket_grants if g.service == BACKUP_JOB and g.bucket == BACKUP_BUCKET]
    bucket = buckets.get(BACKUP_BUCKET)
    if bucket is None or not grants or BACKUP_JOB not in {spec.name for spec in plan.services}:
        return None
    (grant,) = grants
    period, periods = config.backup_freshness_window
    metrics = S3BucketMetric(scope, "BackupDumps", bucket=bucket.bucket_name, name=DUMPS_FILTER_ID, filter={"prefix": grant.prefix})
    notify = alerts.alarm_notifications()
    window_hours = period * periods / 3600
    return CloudwatchMetricAlarm(
        scope,
        "BackupFreshness",
        alarm_name=f"{config.name_prefix}-backup-freshness",
        alarm_description=(
            f"No database dump was written under {grant.prefix} of the backups bucket for {window_hours:g} h (schedule "
            f"{config.backups.schedule!r} UTC plus {config.backups.freshness_slack_minutes} min): the db-backup job stopped "
            "or fails; the off-site recovery point is getting older (docs/operations/backups.md)"
        ),
        namespace="AWS/S3",
        metric_name="PutRequests",
        dimensions={"BucketName": bucket.bucket_name, "FilterId": DUMPS_FILTER_ID},
        statistic="Sum",
        period=period,
        evaluation_periods=periods,
        datapoints_to_alarm=periods,
        threshold=1,
        comparison_operator="LessThanThreshold",
        treat_missing_data="breaching",
        **notify,
        depends_on=[metrics],
    )
