"""``BucketErrorAlarm``: S3 request metrics on one SecureS3 bucket and an alarm on its client errors."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from .._aws.iam import configured_region
from .._provider_requirements import AWS, require_provider
from ..engine.aws import CloudwatchMetricAlarm, S3BucketMetric
from ..errors import ValidationError
from ..storage.secure_s3 import SecureS3
from .alert_topic import AlertTopic

NAMESPACE = "AWS/S3"
METRIC = "4xxErrors"
"""Requests S3 answered with a 4xx status (denied, missing object, bad request), per request-metrics filter."""
FILTER_ID = "EntireBucket"


@dataclass(frozen=True, kw_only=True, slots=True)
class BucketErrorAlarmProps:
    """Settings for BucketErrorAlarm."""

    bucket: SecureS3
    """The bucket whose requests are counted (a SecureS3 in the stack's default region)."""
    alert_topic: AlertTopic
    """Topic the alarm notifies on ALARM and OK; in the bucket's region."""
    alarm_name: str
    """Name of the alarm (``<project>-<env>-<purpose>-client-errors``)."""
    description: str
    """What the errors mean for whoever receives the alert."""
    threshold: int = 5
    """4xx responses per 5 minutes that raise the alarm (1..100000). Default: 5."""
    evaluation_periods: int = 1
    """5-minute periods (1..288). Default: 1."""


class BucketErrorAlarm(Construct):
    """``Metrics`` (``aws_s3_bucket_metric`` ``EntireBucket``: S3 request metrics for the whole bucket, a paid
    CloudWatch feature delivered on a best-effort basis) and ``Resource`` (``aws_cloudwatch_metric_alarm`` on
    ``AWS/S3`` ``4xxErrors`` Sum over 5 minutes >= ``threshold``, missing data not breaching)."""

    def __init__(self, scope: Construct, id_: str, props: BucketErrorAlarmProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        _validate(self, props)
        self._props = props
        self.metrics = S3BucketMetric(self, "Metrics", bucket=props.bucket.bucket_name, name=FILTER_ID)
        notify = props.alert_topic.alarm_notifications()
        self.resource = CloudwatchMetricAlarm(
            self,
            "Resource",
            alarm_name=props.alarm_name,
            alarm_description=props.description,
            namespace=NAMESPACE,
            metric_name=METRIC,
            dimensions={"BucketName": props.bucket.bucket_name, "FilterId": FILTER_ID},
            statistic="Sum",
            period=300,
            evaluation_periods=props.evaluation_periods,
            threshold=props.threshold,
            comparison_operator="GreaterThanOrEqualToThreshold",
            treat_missing_data="notBreaching",
            **notify,
            depends_on=[self.metrics],
        )


def _validate(alarm: BucketErrorAlarm, props: BucketErrorAlarmProps) -> None:
    path = alarm.node.path
    if not isinstance(props.bucket, SecureS3):
        raise ValidationError(path, "bucket", props.bucket, "a SecureS3")
    if not isinstance(props.alert_topic, AlertTopic):
        raise ValidationError(path, "alert_topic", props.alert_topic, "an AlertTopic")
    region = configured_region(alarm)
    if props.alert_topic.region_name != region:
        raise ValidationError(
            path, "alert_topic", props.alert_topic.region_name, f"an AlertTopic in the bucket's region ({region}): an alarm notifies a topic in its own region"
        )
    if not isinstance(props.alarm_name, str) or not 1 <= len(props.alarm_name) <= 255:
        raise ValidationError(path, "alarm_name", props.alarm_name, "1..255 characters")
    for field, high in (("threshold", 100_000), ("evaluation_periods", 288)):
        value = getattr(props, field)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
            raise ValidationError(path, field, value, f"1..{high}")
