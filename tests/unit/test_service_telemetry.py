"""ServiceTelemetry and ApplicationLogReader: the log group, its key, who may write and read it, and the alarms' math."""

from __future__ import annotations

import json
from typing import Any

import pytest

from constructs_lib import ValidationError, ValidationErrors
from tests.access.iam_eval import Decision, Principal, Request, decide_kms, decide_same_account, evaluate
from tests.access.world import ACCOUNT, StackWorld
from tests.conftest import resources_of, synth_json
from tests.unit._s3_helpers import REGION, block, ref
from tests.unit.alarm_eval import evaluate_alarm, evaluate_expression, metric_key

READER = "arn:aws:iam::444455556666:role/audit-reader"
ONCALL = f"arn:aws:iam::{ACCOUNT}:role/oncall"
PERIOD = 300
TIMELINE = [PERIOD * i for i in range(12)]


def _identity(stack: Any, service: str) -> Any:
    from constructs_lib import ServiceIdentity, ServiceIdentityProps
    from constructs_lib.engine.aws import AwsProvider

    if stack.node.try_find_child("aws") is None:
        AwsProvider(stack, "aws", region=REGION)
    return ServiceIdentity(stack, f"Identity-{service}", ServiceIdentityProps(project="acme", environment="dev", service=service))


def _telemetry(stack: Any, service: str = "gateway", identity: Any = None, **overrides: Any) -> Any:
    from constructs_lib import ServiceTelemetry, ServiceTelemetryProps
    from constructs_lib.engine.aws import AwsProvider

    if stack.node.try_find_child("aws") is None:
        AwsProvider(stack, "aws", region=REGION)
    identity = identity if identity is not None else _identity(stack, service)
    props = {"project": "acme", "environment": "dev", "service": service, "identity": identity, **overrides}
    return ServiceTelemetry(stack, f"Telemetry-{service}", ServiceTelemetryProps(**props))


def _topic(stack: Any) -> Any:
    from constructs_lib import AlertTopic, AlertTopicProps

    return AlertTopic(stack, "Alerts", AlertTopicProps(name="acme-dev-alerts"))


def _alarms(stack: Any, **overrides: Any) -> dict[str, dict[str, Any]]:
    """The gateway's alarms (synthesized blocks by alarm name) with the environment file's settings plus ``overrides``."""
    from constructs_lib import ServiceAlarmSettings

    telemetry = _telemetry(stack)
    telemetry.add_alarms(ServiceAlarmSettings(alert_topic=_topic(stack), **overrides))
    return {a["alarm_name"]: a for a in resources_of(synth_json(stack), "aws_cloudwatch_metric_alarm").values()}


def test_secure_defaults(fresh_stack: Any) -> None:
    telemetry = _telemetry(fresh_stack)
    out = synth_json(fresh_stack)
    group = block(out, telemetry.resource)
    assert {k: v for k, v in group.items() if k != "//"} == {
        "name": "/aws/railway/acme-dev/gateway",
        "retention_in_days": 365,
        "kms_key_id": ref(telemetry.key, "arn"),
        "tags": {"Service": "gateway", "DataClassification": "phi"},
        "lifecycle": {"prevent_destroy": True},
    }
    key = block(out, telemetry.key)
    assert (key["enable_key_rotation"], key["lifecycle"]) == (True, {"prevent_destroy": True})
    assert telemetry.namespace == "acme-dev/gateway"
    assert telemetry.dimensions == {"Service": "gateway"}
    assert set(telemetry.variables) == {"TELEMETRY_LOG_GROUP", "TELEMETRY_NAMESPACE", "TELEMETRY_SERVICE", "AWS_REGION"}
    assert telemetry.variables["TELEMETRY_LOG_GROUP"] == "/aws/railway/acme-dev/gateway"
    # EMF metrics come out of the log events: the identity gets no CloudWatch permission at all.
    (policy,) = resources_of(out, "aws_iam_policy").values()
    assert policy["name"] == "acme-dev-gateway-logs-write"
    assert "cloudwatch:" not in json.dumps(StackWorld(out).user("Identity-gateway")[1])


def test_overrides(fresh_stack: Any) -> None:
    telemetry = _telemetry(fresh_stack, log_retention_days=90, logs_may_contain_phi=False, protect_from_destroy=False)
    group = block(synth_json(fresh_stack), telemetry.resource)
    assert (group["retention_in_days"], group["tags"]["DataClassification"]) == (90, "internal")
    assert "lifecycle" not in group


def _world(stack: Any) -> tuple[StackWorld, dict[str, str]]:
    """Two services' telemetry and the reader role, resolved; the log group ARNs by service."""
    from constructs_lib import ApplicationLogReader, ApplicationLogReaderProps

    gateway, auth = _telemetry(stack, "gateway"), _telemetry(stack, "auth")
    ApplicationLogReader(stack, "AppLogReader", ApplicationLogReaderProps(name="acme-dev", reader_arns=(READER, ONCALL), telemetry=(gateway, auth)))
    world = StackWorld(synth_json(stack))
    groups = {t.service: f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{t.log_group_name}" for t in (gateway, auth)}
    return world, groups


def _logs(world: StackWorld, principal: Principal, identity: list[dict[str, Any]], action: str, resource: str) -> Decision:
    # CloudWatch Logs has no resource policy on a log group: the identity's own policies decide.
    return decide_same_account(Request(principal, action, resource), resource_policy=None, identity_policies=identity, resource_account=ACCOUNT)


def test_a_service_writes_only_its_own_log_group_and_reads_none(fresh_stack: Any) -> None:
    world, groups = _world(fresh_stack)
    gateway, gateway_policies = world.user("Identity-gateway")
    auth, auth_policies = world.user("Identity-auth")
    for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
        stream = f"{groups['gateway']}:log-stream:replica-1"
        assert _logs(world, gateway, gateway_policies, action, stream if action == "logs:PutLogEvents" else groups["gateway"]) is Decision.ALLOW
        assert _logs(world, auth, auth_policies, action, stream if action == "logs:PutLogEvents" else groups["gateway"]) is Decision.IMPLICIT_DENY
    for action in ("logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:DeleteLogGroup", "logs:PutRetentionPolicy"):
        assert _logs(world, gateway, gateway_policies, action, groups["auth"]) is Decision.IMPLICIT_DENY
        assert _logs(world, gateway, gateway_policies, action, groups["gateway"]) is Decision.IMPLICIT_DENY
    assert _logs(world, gateway, gateway_policies, "cloudwatch:PutMetricData", "*") is Decision.IMPLICIT_DENY


def test_the_readers_and_only_they_read_every_application_log_group(fresh_stack: Any) -> None:
    world, groups = _world(fresh_stack)
    (name, role) = next(iter(resources_of(world.stack, "aws_iam_role").items()))
    role_arn = world.reference(f"aws_iam_role.{name}.arn")
    trust = world.policy(role["assume_role_policy"])
    assume = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}
    audit = Principal.role("444455556666", "audit-reader")
    oncall = Principal.role(ACCOUNT, "oncall")
    gateway, gateway_policies = world.user("Identity-gateway")

    def may_assume(principal: Principal, identity: list[dict[str, Any]]) -> Decision:
        request = Request(principal, "sts:AssumeRole", role_arn)
        return decide_same_account(request, resource_policy=trust, identity_policies=identity, resource_account=ACCOUNT)

    assert may_assume(audit, [assume]) is Decision.ALLOW
    assert may_assume(oncall, []) is Decision.ALLOW
    assert may_assume(gateway, gateway_policies) is Decision.IMPLICIT_DENY
    assert may_assume(Principal.role("444455556666", "someone-else"), [assume]) is Decision.IMPLICIT_DENY
    # AssumeRole always needs the role's trust policy (an identity policy alone never suffices, unlike other
    # same-account requests): it names the two readers and no service identity.
    for principal, named in ((audit, "allow"), (oncall, "allow"), (gateway, None)):
        assert evaluate(trust, Request(principal, "sts:AssumeRole", role_arn), resource_policy=True) == named
    reader = Principal.role(ACCOUNT, "acme-dev-app-log-reader")
    (read,) = [world.policy(p["policy"]) for p in resources_of(world.stack, "aws_iam_policy").values() if p["name"] == "acme-dev-app-logs-read"]
    for group in groups.values():
        for action in ("logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery"):
            assert _logs(world, reader, [read], action, f"{group}:log-stream:replica-1" if action == "logs:GetLogEvents" else group) is Decision.ALLOW
        for action in ("logs:PutLogEvents", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DisassociateKmsKey"):
            assert _logs(world, reader, [read], action, group) is Decision.IMPLICIT_DENY
    other_group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/cloudtrail/acme-dev"
    assert _logs(world, reader, [read], "logs:GetLogEvents", f"{other_group}:log-stream:x") is Decision.IMPLICIT_DENY


def test_the_key_serves_cloudwatch_logs_for_its_own_group_only(fresh_stack: Any) -> None:
    world, groups = _world(fresh_stack)
    arn = world.key("Telemetry-gateway/Key")
    logs = Principal.service(f"logs.{REGION}.amazonaws.com")

    def decide(principal: Principal, group: str, action: str = "kms:GenerateDataKey", identity: list[dict[str, Any]] | None = None) -> Decision:
        request = Request(principal, action, arn, {"kms:EncryptionContext:aws:logs:arn": group})
        return decide_kms(request, key_policy=world.key_policy(arn), identity_policies=identity or [], key_account=ACCOUNT)

    assert decide(logs, groups["gateway"]) is Decision.ALLOW
    assert decide(logs, groups["gateway"], "kms:Decrypt") is Decision.ALLOW
    assert decide(logs, groups["auth"]) is Decision.IMPLICIT_DENY
    gateway, gateway_policies = world.user("Identity-gateway")
    assert decide(gateway, groups["gateway"], "kms:Decrypt", gateway_policies) is Decision.IMPLICIT_DENY
    # Not even an administrator of the account may use the key: its policy delegates administration only.
    admin = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}
    context = {"kms:EncryptionContext:aws:logs:arn": groups["gateway"], "kms:CallerAccount": ACCOUNT}
    for action in ("kms:Decrypt", "kms:GenerateDataKey", "kms:DisableKey"):
        request = Request(Principal.role(ACCOUNT, "admin"), action, arn, context)
        expected = Decision.ALLOW if action == "kms:DisableKey" else Decision.IMPLICIT_DENY
        assert decide_kms(request, key_policy=world.key_policy(arn), identity_policies=[admin], key_account=ACCOUNT) is expected


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"log_retention_days": 90}, r"log_retention_days must be >= 365 \(or turn on logs_may_contain_phi = False\), got 90"),
        ({"log_retention_days": 100, "logs_may_contain_phi": False}, r"log_retention_days must be one of \(1, 3, .*\), got 100"),
        ({"service": "Gateway"}, r"service must be lowercase letters .*, got 'Gateway'"),
    ],
    ids=["phi-retention-short", "retention-not-a-cloudwatch-value", "service-name"],
)
def test_fails_when_prop_is_out_of_range(fresh_stack: Any, overrides: dict[str, Any], message: str) -> None:
    identity = _identity(fresh_stack, "gateway")
    with pytest.raises(ValidationError, match=message):
        _telemetry(fresh_stack, identity=identity, **overrides)


def test_fails_when_another_services_identity_is_given(fresh_stack: Any) -> None:
    with pytest.raises(
        ValidationError, match=r"^test/Telemetry-gateway: identity must be the ServiceIdentity of 'gateway' \(a service writes only its own logs\), got 'auth'$"
    ):
        _telemetry(fresh_stack, "gateway", identity=_identity(fresh_stack, "auth"))


def test_fails_when_alarm_thresholds_are_impossible(fresh_stack: Any) -> None:
    from constructs_lib import ServiceAlarmSettings

    telemetry = _telemetry(fresh_stack)
    with pytest.raises(ValidationErrors) as raised:
        telemetry.add_alarms(ServiceAlarmSettings(alert_topic=_topic(fresh_stack), error_rate_percent=0, latency_p95_ms=0, no_traffic_periods=13))
    assert [str(e) for e in raised.value.errors] == [
        "test/Telemetry-gateway: error_rate_percent must be a percentage above 0 and at most 100, got 0",
        "test/Telemetry-gateway: latency_p95_ms must be 1..60000 milliseconds, got 0",
        "test/Telemetry-gateway: no_traffic_periods must be 1..12 five-minute periods (at most an hour), got 13",
    ]


def test_alarms_read_the_services_metrics_with_their_missing_data_treatment(fresh_stack: Any) -> None:
    alarms = _alarms(fresh_stack, error_rate_percent=2.0, latency_p95_ms=1000)
    assert set(alarms) == {"acme-dev-gateway-error-rate", "acme-dev-gateway-latency-p95", "acme-dev-gateway-no-traffic"}
    rate = alarms["acme-dev-gateway-error-rate"]
    assert [q["id"] for q in rate["metric_query"]] == ["requests", "errors", "error_rate"]
    assert rate["metric_query"][2]["expression"] == "IF(requests >= 20, 100 * FILL(errors, 0) / requests, 0)"
    assert {(q["metric"]["namespace"], q["metric"]["metric_name"], q["metric"]["stat"]) for q in rate["metric_query"][:2]} == {
        ("acme-dev/gateway", "Requests", "Sum"),
        ("acme-dev/gateway", "Errors5xx", "Sum"),
    }
    assert (rate["threshold"], rate["comparison_operator"], rate["treat_missing_data"]) == (2, "GreaterThanOrEqualToThreshold", "notBreaching")
    latency = alarms["acme-dev-gateway-latency-p95"]
    assert (latency["extended_statistic"], latency["threshold"], latency["treat_missing_data"]) == ("p95", 1000, "notBreaching")
    silent = alarms["acme-dev-gateway-no-traffic"]
    assert (silent["statistic"], silent["threshold"], silent["comparison_operator"], silent["treat_missing_data"]) == (
        "Sum",
        1,
        "LessThanThreshold",
        "breaching",
    )
    assert all(a["alarm_actions"] == a["ok_actions"] == ["${aws_sns_topic.Alerts_91F83244.arn}"] for a in alarms.values())


def test_a_quiet_service_has_no_no_traffic_alarm(fresh_stack: Any) -> None:
    assert set(_alarms(fresh_stack, no_traffic_periods=None)) == {"acme-dev-gateway-error-rate", "acme-dev-gateway-latency-p95"}


# The alarms' math on sample series ---------------------------------------------------------------


def _samples(per_period: list[tuple[int, int, list[float]]]) -> dict[Any, list[tuple[float, float]]]:
    """EMF-like raw samples: for each period (requests, errors, latencies), one Requests/Errors5xx/Latency value per request."""
    dims = {"Service": "gateway"}
    out: dict[Any, list[tuple[float, float]]] = {metric_key("acme-dev/gateway", m, dims): [] for m in ("Requests", "Errors5xx", "Latency")}
    for index, (requests, errors, latencies) in enumerate(per_period):
        start = TIMELINE[-len(per_period) + index]
        for n in range(requests):
            at = start + n * PERIOD / max(requests, 1)
            out[metric_key("acme-dev/gateway", "Requests", dims)].append((at, 1.0))
            out[metric_key("acme-dev/gateway", "Errors5xx", dims)].append((at, 1.0 if n < errors else 0.0))
            out[metric_key("acme-dev/gateway", "Latency", dims)].append((at, latencies[n % len(latencies)]))
    return out


@pytest.fixture
def prod_alarms(fresh_stack: Any) -> dict[str, dict[str, Any]]:
    """The gateway's alarms with prod.toml's [telemetry] numbers (2 %, 2 periods, 20 requests, 1000 ms, 3 periods)."""
    return _alarms(fresh_stack, error_rate_percent=2.0, error_rate_periods=2, error_rate_min_requests=20, latency_p95_ms=1000)


def test_the_error_rate_alarm_fires_at_the_threshold_and_not_below(prod_alarms: dict[str, dict[str, Any]]) -> None:
    rate = prod_alarms["acme-dev-gateway-error-rate"]
    at = evaluate_alarm(rate, _samples([(100, 2, [50.0])] * 3), TIMELINE)
    assert (at.state, at.datapoints) == ("ALARM", (2.0, 2.0))
    below = evaluate_alarm(rate, _samples([(100, 1, [50.0])] * 3), TIMELINE)
    assert (below.state, below.datapoints) == ("OK", (1.0, 1.0))
    # One bad period is not enough (2 of 2 periods must breach), and a raw count is not a rate: 40 errors of 4000 is 1 %.
    assert evaluate_alarm(rate, _samples([(100, 1, [50.0]), (100, 50, [50.0])]), TIMELINE).state == "OK"
    assert evaluate_alarm(rate, _samples([(4000, 40, [50.0])] * 2), TIMELINE).state == "OK"


def test_a_quiet_period_does_not_count_as_an_error_rate(prod_alarms: dict[str, dict[str, Any]]) -> None:
    rate = prod_alarms["acme-dev-gateway-error-rate"]
    # 2 failures of 3 requests at night: below the 20-request floor, the period counts as 0 %.
    night = evaluate_alarm(rate, _samples([(3, 2, [50.0])] * 2), TIMELINE)
    assert (night.state, night.datapoints) == ("OK", (0.0, 0.0))
    assert evaluate_alarm(rate, _samples([(20, 1, [50.0])] * 2), TIMELINE).state == "ALARM"  # 5 % of 20


def test_a_silent_service_fires_the_no_traffic_alarm_only(prod_alarms: dict[str, dict[str, Any]]) -> None:
    silent: dict[Any, list[tuple[float, float]]] = {}
    states = {name: evaluate_alarm(alarm, silent, TIMELINE).state for name, alarm in prod_alarms.items()}
    assert states == {"acme-dev-gateway-no-traffic": "ALARM", "acme-dev-gateway-error-rate": "OK", "acme-dev-gateway-latency-p95": "OK"}
    # Traffic in the last period ends it: the two silent periods before it still breach, but 3 of 3 must.
    recovering = evaluate_alarm(prod_alarms["acme-dev-gateway-no-traffic"], _samples([(0, 0, [1.0]), (0, 0, [1.0]), (5, 0, [1.0])]), TIMELINE)
    assert (recovering.state, recovering.datapoints) == ("OK", (None, None, 5.0))
    assert evaluate_alarm(prod_alarms["acme-dev-gateway-no-traffic"], _samples([(5, 0, [1.0])] * 3), TIMELINE).state == "OK"


def test_the_latency_alarm_reads_the_95th_percentile(prod_alarms: dict[str, dict[str, Any]]) -> None:
    latency = prod_alarms["acme-dev-gateway-latency-p95"]
    # 94 fast and 6 slow requests: the p95 is slow although the average (about 160 ms) is fine.
    slow_tail = [40.0] * 94 + [2000.0] * 6
    assert evaluate_alarm(latency, _samples([(100, 0, slow_tail)] * 3), TIMELINE).state == "ALARM"
    fast_tail = [40.0] * 96 + [2000.0] * 4
    assert evaluate_alarm(latency, _samples([(100, 0, fast_tail)] * 3), TIMELINE).state == "OK"


def test_the_expression_evaluator_follows_cloudwatch() -> None:
    series = {"a": {0: 4.0, 300: 0.0}, "b": {0: 2.0}}
    assert evaluate_expression("100 * FILL(b, 0) / a", series, [0, 300]) == {0: 50.0}  # division by zero: no datapoint
    assert evaluate_expression("IF(a >= 1, a, 7)", series, [0, 300]) == {0: 4.0, 300: 7.0}
    assert evaluate_expression("a + b", series, [0, 300]) == {0: 6.0}  # only timestamps both series have


def test_each_phase_states_the_services_it_monitors() -> None:
    from platform_plan.phases import plan_for

    monitored = {phase: [s.name for s in plan_for(phase).monitored_services] for phase in (1, 2, 3, 4)}
    assert monitored[1] == ["gateway", "auth", "patient", "db-backup"]
    assert monitored[2] == [*monitored[1], "provider", "medical-records"]
    assert monitored[3] == monitored[4] == [*monitored[2], "appointment", "appointment-scheduler"]  # the AI service runs outside Railway
    assert all([s.name for s in plan_for(phase).alarmed_services] == ["gateway"] for phase in (1, 2, 3, 4))
