"""BucketErrorAlarm: S3 request metrics for the whole bucket and an alarm on its 4xx responses."""

from __future__ import annotations

import re
from typing import Any

import pytest

from constructs_lib.errors import ValidationError
from tests.conftest import resources_of, synth_json


def _alarm(stack: Any, *, topic_region: str | None = None, **overrides: Any) -> Any:
    from constructs_lib import (
        AccessLogBucket,
        AccessLogBucketProps,
        AlertTopic,
        AlertTopicProps,
        BucketErrorAlarm,
        BucketErrorAlarmProps,
        DataClassification,
        SecureS3,
        SecureS3Props,
    )
    from constructs_lib.engine.aws import AwsProvider

    AwsProvider(stack, "aws", region="eu-west-1")
    other = AwsProvider(stack, "other", region=topic_region, alias="other") if topic_region else None
    logs = AccessLogBucket(stack, "Logs", AccessLogBucketProps(project="acme", environment="dev"))
    # Model artifacts are INTERNAL (no PHI), as in the platform's phase plan.
    bucket = SecureS3(
        stack,
        "Models",
        SecureS3Props(project="acme", environment="dev", purpose="ml-models", access_log_bucket=logs, classification=DataClassification.INTERNAL),
    )
    topic = AlertTopic(stack, "Alerts", AlertTopicProps(name="acme-dev-alerts", provider=other))
    props = {"bucket": bucket, "alert_topic": topic, "alarm_name": "acme-dev-ml-models-client-errors", "description": "model reads fail", **overrides}
    return BucketErrorAlarm(stack, "ModelAlarm", BucketErrorAlarmProps(**props))


def test_alarm_counts_client_errors_of_the_whole_bucket(fresh_stack: Any) -> None:
    _alarm(fresh_stack)
    synthesized = synth_json(fresh_stack)
    (metrics,) = resources_of(synthesized, "aws_s3_bucket_metric").values()
    bucket = next(f"${{aws_s3_bucket.{name}.bucket}}" for name in resources_of(synthesized, "aws_s3_bucket") if name.startswith("Models_"))
    assert (metrics["bucket"], metrics["name"]) == (bucket, "EntireBucket")
    assert "filter" not in metrics
    (alarm,) = resources_of(synthesized, "aws_cloudwatch_metric_alarm").values()
    assert (alarm["namespace"], alarm["metric_name"], alarm["statistic"]) == ("AWS/S3", "4xxErrors", "Sum")
    assert alarm["dimensions"] == {"BucketName": bucket, "FilterId": "EntireBucket"}
    assert (alarm["period"], alarm["evaluation_periods"], alarm["threshold"], alarm["comparison_operator"]) == (300, 1, 5, "GreaterThanOrEqualToThreshold")
    assert alarm["treat_missing_data"] == "notBreaching"
    assert alarm["alarm_actions"] == alarm["ok_actions"] == ["${aws_sns_topic.Alerts_91F83244.arn}"]
    assert alarm["depends_on"] == [f"aws_s3_bucket_metric.{next(iter(resources_of(synthesized, 'aws_s3_bucket_metric')))}"]


def test_fails_when_the_topic_is_in_another_region(fresh_stack: Any) -> None:
    with pytest.raises(
        ValidationError,
        match=re.escape(
            "test/ModelAlarm: alert_topic must be an AlertTopic in the bucket's region "
            "(eu-west-1): an alarm notifies a topic in its own region, got 'us-east-1'"
        ),
    ):
        _alarm(fresh_stack, topic_region="us-east-1")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"threshold": 0}, "threshold must be 1..100000, got 0"), ({"evaluation_periods": 289}, "evaluation_periods must be 1..288, got 289")],
    ids=["threshold", "periods"],
)
def test_fails_when_props_are_bad(fresh_stack: Any, overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match="^test/ModelAlarm: " + re.escape(message) + "$"):
        _alarm(fresh_stack, **overrides)
