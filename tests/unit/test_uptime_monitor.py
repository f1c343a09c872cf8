"""UptimeMonitor: Route 53 HTTPS checks and their alarms, in us-east-1 with a topic there, bad props."""

from __future__ import annotations

import re
from typing import Any

import pytest

from constructs_lib.errors import ValidationError
from tests.conftest import resources_of, synth_json


def _setup(stack: Any, region: str = "us-east-1", *, topic_in_east: bool = True) -> tuple[Any, Any]:
    """Default provider in ``region``; the us-east-1 provider (the default one when ``region`` is us-east-1) and a topic."""
    from constructs_lib import AlertTopic, AlertTopicProps
    from constructs_lib.engine.aws import AwsProvider

    AwsProvider(stack, "aws", region=region)
    east = None if region == "us-east-1" else AwsProvider(stack, "east", region="us-east-1", alias="us_east_1")
    topic = AlertTopic(stack, "Alerts", AlertTopicProps(name="acme-dev-alerts", provider=east if topic_in_east else None))
    return east, topic


def _monitor(stack: Any, provider: Any, topic: Any, **overrides: Any) -> Any:
    from constructs_lib import UptimeMonitor, UptimeMonitorProps

    return UptimeMonitor(stack, "Uptime", UptimeMonitorProps(**{"name_prefix": "acme-dev", "alert_topic": topic, "provider": provider, **overrides}))


def _alarms(synthesized: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["alarm_name"]: a for a in resources_of(synthesized, "aws_cloudwatch_metric_alarm").values()}


def test_check_is_an_https_request_of_the_health_path_with_sni(fresh_stack: Any) -> None:
    provider, topic = _setup(fresh_stack)
    _monitor(fresh_stack, provider, topic).add_check("api", "api.example.org", "/health")
    (check,) = resources_of(synth_json(fresh_stack), "aws_route53_health_check").values()
    assert {k: check[k] for k in ("type", "fqdn", "port", "resource_path", "enable_sni", "request_interval", "failure_threshold", "measure_latency")} == {
        "type": "HTTPS",
        "fqdn": "api.example.org",
        "port": 443,
        "resource_path": "/health",
        "enable_sni": True,
        "request_interval": 30,
        "failure_threshold": 3,
        "measure_latency": True,
    }


def test_down_alarm_watches_health_check_status_and_notifies_on_alarm_and_ok(fresh_stack: Any) -> None:
    provider, topic = _setup(fresh_stack)
    _monitor(fresh_stack, provider, topic).add_check("api", "api.example.org", "/health")
    synthesized = synth_json(fresh_stack)
    down = _alarms(synthesized)["acme-dev-api-down"]
    assert (down["namespace"], down["metric_name"], down["statistic"]) == ("AWS/Route53", "HealthCheckStatus", "Minimum")
    assert (down["period"], down["evaluation_periods"], down["threshold"], down["comparison_operator"]) == (60, 2, 1, "LessThanThreshold")
    assert down["treat_missing_data"] == "breaching"
    assert down["dimensions"] == {"HealthCheckId": "${aws_route53_health_check.Uptime_Check-api_A992858F.id}"}
    assert down["alarm_actions"] == down["ok_actions"] == ["${aws_sns_topic.Alerts_91F83244.arn}"]
    assert "acme-dev-api-slow" not in _alarms(synthesized)


def test_latency_alarm_watches_time_to_first_byte(fresh_stack: Any) -> None:
    provider, topic = _setup(fresh_stack)
    _monitor(fresh_stack, provider, topic, latency_threshold_ms=1500, latency_minutes=20).add_check("api", "api.example.org", "/health")
    slow = _alarms(synth_json(fresh_stack))["acme-dev-api-slow"]
    assert (slow["namespace"], slow["metric_name"], slow["statistic"]) == ("AWS/Route53", "TimeToFirstByte", "Average")
    assert (slow["period"], slow["evaluation_periods"], slow["threshold"], slow["comparison_operator"]) == (300, 4, 1500, "GreaterThanThreshold")
    assert slow["treat_missing_data"] == "notBreaching"
    assert slow["dimensions"] == {"HealthCheckId": "${aws_route53_health_check.Uptime_Check-api_A992858F.id}"}


def test_in_another_region_checks_and_alarms_use_the_us_east_1_provider_and_its_topic(fresh_stack: Any) -> None:
    provider, topic = _setup(fresh_stack, region="eu-west-1")
    _monitor(fresh_stack, provider, topic, latency_threshold_ms=1500).add_check("api", "api.example.org", "/health")
    synthesized = synth_json(fresh_stack)
    providers = {p.get("alias"): p["region"] for p in synthesized["provider"]["aws"]}
    assert providers == {None: "eu-west-1", "us_east_1": "us-east-1"}
    (check,) = resources_of(synthesized, "aws_route53_health_check").values()
    assert check["provider"] == "aws.us_east_1"
    topics = {f"${{aws_sns_topic.{name}.arn}}": t for name, t in resources_of(synthesized, "aws_sns_topic").items()}
    for alarm in _alarms(synthesized).values():
        assert alarm["provider"] == "aws.us_east_1"
        for arn in alarm["alarm_actions"] + alarm["ok_actions"]:
            assert topics[arn]["provider"] == "aws.us_east_1"  # the topic is in the alarm's region


def test_fails_when_the_provider_is_not_in_us_east_1(fresh_stack: Any) -> None:
    provider, topic = _setup(fresh_stack, region="eu-west-1")
    with pytest.raises(
        ValidationError,
        match=re.escape(
            "test/Uptime: provider must be an AWS provider configured for us-east-1 (Route 53 health-check metrics exist only there), got 'eu-west-1'"
        ),
    ):
        _monitor(fresh_stack, None, topic)


def test_fails_when_the_topic_is_not_in_the_alarms_region(fresh_stack: Any) -> None:
    provider, topic = _setup(fresh_stack, region="eu-west-1", topic_in_east=False)
    with pytest.raises(
        ValidationError,
        match=re.escape(
            "test/Uptime: alert_topic must be an AlertTopic in us-east-1, the alarms' region (an alarm notifies a topic in its own region), got 'eu-west-1'"
        ),
    ):
        _monitor(fresh_stack, provider, topic)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"request_interval_seconds": 20}, "request_interval_seconds must be 10 or 30, got 20"),
        ({"failure_threshold": 0}, "failure_threshold must be 1..10, got 0"),
        ({"down_minutes": 0}, "down_minutes must be 1..60, got 0"),
        ({"latency_threshold_ms": 0}, "latency_threshold_ms must be 1..60000 milliseconds, got 0"),
        (
            {"latency_threshold_ms": 900, "measure_latency": False},
            "latency_threshold_ms must be None unless measure_latency is on (Route 53 publishes latency only then), got 900",
        ),
        ({"name_prefix": "Acme"}, "name_prefix must be lowercase letters, digits and hyphens (3..42 characters), got 'Acme'"),
    ],
    ids=["interval", "failure-threshold", "down-minutes", "latency-zero", "latency-without-measuring", "name-prefix"],
)
def test_fails_when_props_are_bad(fresh_stack: Any, overrides: dict[str, Any], message: str) -> None:
    provider, topic = _setup(fresh_stack)
    with pytest.raises(ValidationError, match="^test/Uptime: " + re.escape(message) + "$"):
        _monitor(fresh_stack, provider, topic, **overrides)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("API", "api.example.org", "/health"), "label must be a lowercase DNS label such as 'api', got 'API'"),
        (("api", "api.example.org", "health"), "path must be a URL path such as '/auth' (letters, digits, '._~/-' only), got 'health'"),
        (("api", "not a host", "/health"), "hostname must be a lowercase DNS name such as 'health.example.org', got 'not a host'"),
    ],
    ids=["label", "path", "hostname"],
)
def test_fails_when_a_check_is_bad(fresh_stack: Any, args: tuple[str, str, str], message: str) -> None:
    provider, topic = _setup(fresh_stack)
    with pytest.raises(ValidationError, match="^test/Uptime: " + re.escape(message) + "$"):
        _monitor(fresh_stack, provider, topic).add_check(*args)


def test_fails_when_a_hostname_is_checked_twice(fresh_stack: Any) -> None:
    provider, topic = _setup(fresh_stack)
    monitor = _monitor(fresh_stack, provider, topic)
    monitor.add_check("api", "api.example.org", "/health")
    with pytest.raises(ValidationError, match=r"label must be unique within the monitor"):
        monitor.add_check("api2", "api.example.org", "/health")
