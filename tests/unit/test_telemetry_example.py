"""examples/telemetry_service.py: its embedded-metric-format lines become exactly the metrics the alarms read.

The example runs for real (a local HTTP server, real requests); its lines are parsed as CloudWatch Logs would
(the EMF specification: ``_aws.Timestamp``, ``CloudWatchMetrics`` directives whose dimension and metric names are
members of the event) and fed to the synthesized alarms through ``tests/unit/alarm_eval.py``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import resources_of, synth_json
from tests.unit.alarm_eval import MetricKey, evaluate_alarm, metric_key

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "telemetry_service.py"
NAMESPACE = "acme-dev/gateway"
PERIOD = 300
START = 1_780_000_200  # a period boundary (seconds)


@pytest.fixture(scope="module")
def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("telemetry_service", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse_emf(line: str) -> Iterator[tuple[MetricKey, float, float]]:
    """(metric, timestamp in seconds, value) for every metric an EMF log event declares; AssertionError when malformed."""
    event = json.loads(line)
    meta = event["_aws"]
    assert isinstance(meta["Timestamp"], int)
    for directive in meta["CloudWatchMetrics"]:
        assert isinstance(directive["Namespace"], str) and not directive["Namespace"].startswith("AWS/")
        for dimension_set in directive["Dimensions"]:
            assert all(isinstance(event[name], str) for name in dimension_set), "dimension values are members of the event"
            dims = {name: event[name] for name in dimension_set}
            for metric in directive["Metrics"]:
                assert metric["Unit"] in ("Count", "Milliseconds")
                values = event[metric["Name"]]
                for value in values if isinstance(values, list) else [values]:
                    assert isinstance(value, int | float)
                    yield metric_key(directive["Namespace"], metric["Name"], dims), meta["Timestamp"] / 1000, float(value)


def _serve(example: ModuleType, requests: list[tuple[float, str]]) -> list[str]:
    """Run the example's handler on a local port and send ``requests`` ((clock, path)); the EMF lines it emitted."""
    from http.server import ThreadingHTTPServer

    lines: list[str] = []
    now = [0.0]
    handler = example.make_handler(NAMESPACE, "gateway", lambda _t, line: lines.append(line), clock=lambda: now[0])
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for at, path in requests:
            now[0] = at
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}{path}?patient=should-not-be-logged", timeout=5).read()
            except urllib.error.HTTPError as error:
                error.read()
    finally:
        server.shutdown()
        server.server_close()
    return lines


def _gateway_alarms(stack: Any) -> dict[str, dict[str, Any]]:
    """The gateway's alarms with prod.toml's [telemetry] numbers."""
    from constructs_lib import AlertTopic, AlertTopicProps, ServiceAlarmSettings, ServiceIdentity, ServiceIdentityProps, ServiceTelemetry, ServiceTelemetryProps
    from constructs_lib.engine.aws import AwsProvider

    AwsProvider(stack, "aws", region="us-east-1")
    identity = ServiceIdentity(stack, "Identity-gateway", ServiceIdentityProps(project="acme", environment="dev", service="gateway"))
    telemetry = ServiceTelemetry(stack, "Telemetry-gateway", ServiceTelemetryProps(project="acme", environment="dev", service="gateway", identity=identity))
    assert telemetry.namespace == NAMESPACE
    topic = AlertTopic(stack, "Alerts", AlertTopicProps(name="acme-dev-alerts"))
    telemetry.add_alarms(ServiceAlarmSettings(alert_topic=topic, error_rate_percent=2.0, error_rate_periods=2, latency_p95_ms=1000))
    return {a["alarm_name"]: a for a in resources_of(synth_json(stack), "aws_cloudwatch_metric_alarm").values()}


def _samples(lines: list[str]) -> dict[MetricKey, list[tuple[float, float]]]:
    samples: dict[MetricKey, list[tuple[float, float]]] = {}
    for line in lines:
        for key, at, value in parse_emf(line):
            samples.setdefault(key, []).append((at, value))
    return samples


def test_the_examples_lines_are_the_metrics_the_alarms_read(example: ModuleType, fresh_stack: Any) -> None:
    alarms = _gateway_alarms(fresh_stack)
    # Two 5-minute periods: 48 healthy requests and 2 failures each (4 %, at least prod's 2 %), then a silent third.
    requests = [(START + period * PERIOD + n, "/fail" if n < 2 else "/health") for period in range(2) for n in range(50)]
    lines = _serve(example, requests)
    assert len(lines) == 100
    assert all("should-not-be-logged" not in line for line in lines)  # the route only, never the query string
    samples = _samples(lines)
    read = {
        metric_key(q["metric"]["namespace"], q["metric"]["metric_name"], q["metric"]["dimensions"])
        for alarm in alarms.values()
        for q in alarm.get("metric_query") or [{"metric": alarm}]
        if "metric" in q
    }
    assert read == set(samples)
    timeline = [START + i * PERIOD for i in range(2)]
    rate = evaluate_alarm(alarms["acme-dev-gateway-error-rate"], samples, timeline)
    assert (rate.state, rate.datapoints) == ("ALARM", (4.0, 4.0))
    assert evaluate_alarm(alarms["acme-dev-gateway-latency-p95"], samples, timeline).state == "OK"
    assert evaluate_alarm(alarms["acme-dev-gateway-no-traffic"], samples, timeline).state == "OK"
    # Three periods later, with nothing in them, only the no-traffic alarm fires.
    later = [START + i * PERIOD for i in range(5)]
    assert {name: evaluate_alarm(alarm, samples, later).state for name, alarm in alarms.items()} == {
        "acme-dev-gateway-error-rate": "OK",
        "acme-dev-gateway-latency-p95": "OK",
        "acme-dev-gateway-no-traffic": "ALARM",
    }


def test_healthy_traffic_below_the_threshold_does_not_alarm(example: ModuleType, fresh_stack: Any) -> None:
    alarms = _gateway_alarms(fresh_stack)
    requests = [(START + period * PERIOD + n, "/fail" if n < 1 else "/health") for period in range(2) for n in range(100)]
    samples = _samples(_serve(example, requests))
    rate = evaluate_alarm(alarms["acme-dev-gateway-error-rate"], samples, [START, START + PERIOD])
    assert (rate.state, rate.datapoints) == ("OK", (1.0, 1.0))


def test_signature_version_4_matches_awss_published_example(example: ModuleType) -> None:
    # AWS's Signature Version 4 test suite, "get-vanilla".
    authorization = example.sigv4_authorization(
        method="GET",
        host="example.amazonaws.com",
        path="/",
        headers={"host": "example.amazonaws.com", "x-amz-date": "20150830T123600Z"},
        body=b"",
        region="us-east-1",
        service="service",
        access_key_id="AKIDEXAMPLE",
        secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        amz_date="20150830T123600Z",
    )
    assert authorization == (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    )


def test_the_shipper_creates_its_stream_then_puts_signed_chronological_batches(example: ModuleType) -> None:
    sent: list[urllib.request.Request] = []
    environ = {
        "TELEMETRY_LOG_GROUP": "/aws/railway/acme-dev/gateway",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
        "RAILWAY_REPLICA_ID": "replica-1",
    }
    shipper = example.LogShipper(environ, send=sent.append)
    shipper.add(2000, "second")
    shipper.add(1000, "first")
    assert shipper.flush() == 2
    create, put = sent
    assert [r.get_header("X-amz-target") for r in sent] == ["Logs_20140328.CreateLogStream", "Logs_20140328.PutLogEvents"]
    assert all(r.full_url == "https://logs.us-east-1.amazonaws.com/" and r.get_header("Authorization").startswith("AWS4-HMAC-SHA256 ") for r in sent)
    assert put.get_header("X-amzn-logs-format") == "json/emf"
    body = json.loads(put.data)  # type: ignore[arg-type]
    assert body["logGroupName"] == "/aws/railway/acme-dev/gateway" and body["logStreamName"].startswith("replica-1-")
    assert [e["message"] for e in body["logEvents"]] == ["first", "second"]
    assert shipper.flush() == 0 and len(sent) == 2


def test_a_failed_send_keeps_the_events_for_the_next_flush(example: ModuleType) -> None:
    calls: list[urllib.request.Request] = []

    def flaky(request: urllib.request.Request) -> None:
        calls.append(request)
        if len(calls) == 2:
            raise OSError("network down")

    environ = {"TELEMETRY_LOG_GROUP": "/g", "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "B"}
    shipper = example.LogShipper(environ, send=flaky)
    shipper.add(1, "kept")
    with pytest.raises(OSError, match="network down"):
        shipper.flush()
    assert shipper.flush() == 1
    assert json.loads(calls[-1].data)["logEvents"] == [{"timestamp": 1, "message": "kept"}]  # type: ignore[arg-type]


def test_batches_respect_the_putlogevents_limits(example: ModuleType) -> None:
    many = [(i, "x") for i in range(example.MAX_BATCH_EVENTS + 1)]
    assert [len(b) for b in example.batches(many)] == [example.MAX_BATCH_EVENTS, 1]
    big = "y" * (example.MAX_BATCH_BYTES // 2)
    assert [len(b) for b in example.batches([(3, big), (1, big), (2, "z")])] == [2, 1]  # size counts 26 bytes per event
    assert [e["timestamp"] for b in example.batches([(3, "c"), (1, "a"), (2, "b")]) for e in b] == [1, 2, 3]


def test_request_timestamps_are_signed_in_utc(example: ModuleType) -> None:
    request = example.logs_request(
        "PutLogEvents", {}, region="eu-west-1", access_key_id="A", secret_access_key="B", now=dt.datetime(2026, 12, 5, 13, 0, tzinfo=dt.UTC)
    )
    assert request.get_header("X-amz-date") == "20261205T130000Z"
    assert "/20261205/eu-west-1/logs/aws4_request" in request.get_header("Authorization")
