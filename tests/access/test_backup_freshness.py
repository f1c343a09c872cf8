"""The backups are watched: the freshness alarm's metric, window and missing-data treatment, evaluated on sample series.

``evaluate`` is a small model of a CloudWatch metric alarm (CloudWatch User Guide, "Using Amazon CloudWatch alarms":
"Evaluating an alarm" and "Configuring how CloudWatch alarms treat missing data"): the alarm looks at the last
``evaluation_periods`` complete periods; a period with no datapoint is breaching, not breaching, or ignored as
``treat_missing_data`` says; it is in ALARM when at least ``datapoints_to_alarm`` of them breach. S3 request
metrics publish nothing for a period without requests (the data is missing, not zero).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from constructs_lib.value_rules import cron_max_gap_seconds, freshness_window
from environments import ConfigError, load_all, parse_environment
from tests.access.world import StackWorld
from tests.conftest import ALL_COMBOS, Combo
from tests.unit.test_environments import _with

HOUR, DAY = 3600, 86400
CONFIGS = load_all()
IDS = [f"{e}-phase{p}" for e, p in ALL_COMBOS]
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "LessThanThreshold": operator.lt,
    "LessThanOrEqualToThreshold": operator.le,
    "GreaterThanThreshold": operator.gt,
    "GreaterThanOrEqualToThreshold": operator.ge,
}


def evaluate(alarm: Mapping[str, Any], sums: Mapping[int, float], now: int) -> str:
    """The alarm's state at ``now`` (seconds) given each period's Sum by period start; absent key: no datapoint."""
    period, periods = int(alarm["period"]), int(alarm["evaluation_periods"])
    needed = int(alarm.get("datapoints_to_alarm", periods))
    compare, threshold = _COMPARE[alarm["comparison_operator"]], float(alarm["threshold"])
    treat = alarm.get("treat_missing_data", "missing")
    end = now - now % period
    values = [sums.get(end - period * (i + 1)) for i in range(periods)]
    present = [v for v in values if v is not None]
    if not present and treat in ("missing", "ignore"):
        return "INSUFFICIENT_DATA"
    breaching = sum(1 for v in present if compare(v, threshold))
    if treat == "breaching":
        breaching += values.count(None)
    return "ALARM" if breaching >= min(needed, len(present) if treat in ("missing", "ignore") else periods) else "OK"


def _dumps(*times: int, period: int = HOUR) -> dict[int, float]:
    sums: dict[int, float] = {}
    for t in times:
        sums[t - t % period] = sums.get(t - t % period, 0) + 1
    return sums


def _alarm(world: StackWorld) -> dict[str, Any]:
    (block,) = [b for b in world.resources["aws_cloudwatch_metric_alarm"].values() if b["//"]["metadata"]["path"].endswith("/BackupFreshness")]
    return dict(block)


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_the_alarm_counts_uploads_under_the_dump_prefix_and_treats_silence_as_breaching(worlds: dict[Combo, StackWorld], env: str, phase: int) -> None:
    world, config = worlds[env, phase], CONFIGS[env]
    alarm = _alarm(world)
    (metric,) = [m for m in world.resources["aws_s3_bucket_metric"].values() if m["//"]["metadata"]["path"].endswith("/BackupDumps")]
    bucket = world.bucket("Bucket-backups")
    assert (alarm["namespace"], alarm["metric_name"], alarm["statistic"]) == ("AWS/S3", "PutRequests", "Sum")
    assert world.resolve(alarm["dimensions"]) == {"BucketName": bucket.name, "FilterId": metric["name"]}
    assert world.resolve(metric["bucket"]) == bucket.name and metric["filter"] == {"prefix": "neon/"}
    assert (alarm["comparison_operator"], alarm["threshold"], alarm["treat_missing_data"]) == ("LessThanThreshold", 1, "breaching")
    assert alarm["period"] * alarm["evaluation_periods"] == DAY + config.backups.freshness_slack_minutes * 60  # daily schedule + slack
    assert alarm["datapoints_to_alarm"] == alarm["evaluation_periods"]
    operational = world.topic("Alerts/Resource").arn
    assert world.resolve(alarm["alarm_actions"]) == [operational] == world.resolve(alarm["ok_actions"])


@pytest.mark.parametrize(("env", "phase"), [("prod", 1), ("dev", 4)], ids=["prod-phase1", "dev-phase4"])
def test_the_alarm_on_sample_series(worlds: dict[Combo, StackWorld], env: str, phase: int) -> None:
    alarm = _alarm(worlds[env, phase])
    day0 = 20 * 365 * DAY  # any midnight UTC
    daily = [day0 + d * DAY + 3 * HOUR + 17 * 60 for d in range(5)]  # "17 3 * * *"
    # Every night a dump: OK all day long, including just before the next run.
    for now in (day0 + 4 * DAY + 12 * HOUR, day0 + 4 * DAY + 3 * HOUR):
        assert evaluate(alarm, _dumps(*daily), now) == "OK"
    # The last dump on day 3: still OK while within the slack (day 4, 05:00), ALARM once it has passed.
    stopped = _dumps(*daily[:4])
    assert evaluate(alarm, stopped, day0 + 4 * DAY + 5 * HOUR) == "OK"
    assert evaluate(alarm, stopped, day0 + 4 * DAY + 6 * HOUR) == "ALARM"
    assert evaluate(alarm, stopped, day0 + 4 * DAY + 12 * HOUR) == "ALARM"
    # No data at all (the job never ran, or S3 published nothing): ALARM.
    assert evaluate(alarm, {}, day0 + 4 * DAY) == "ALARM"


def test_the_model_itself() -> None:
    alarm = {"period": HOUR, "evaluation_periods": 3, "datapoints_to_alarm": 3, "comparison_operator": "LessThanThreshold", "threshold": 1}
    assert evaluate({**alarm, "treat_missing_data": "notBreaching"}, {}, 10 * HOUR) == "OK"
    assert evaluate({**alarm, "treat_missing_data": "missing"}, {}, 10 * HOUR) == "INSUFFICIENT_DATA"
    assert evaluate({**alarm, "treat_missing_data": "breaching"}, {}, 10 * HOUR) == "ALARM"
    assert evaluate({**alarm, "treat_missing_data": "breaching"}, {8 * HOUR: 1}, 10 * HOUR) == "OK"
    assert evaluate({**alarm, "treat_missing_data": "breaching"}, {8 * HOUR: 0, 9 * HOUR: 0, 7 * HOUR: 0}, 10 * HOUR) == "ALARM"


@pytest.mark.parametrize(
    ("schedule", "gap"),
    [
        ("17 3 * * *", DAY),
        ("0 * * * *", HOUR),
        ("*/5 * * * *", 300),
        ("0 1,5 * * *", 20 * HOUR),
        ("0 3 * * 1-5", 3 * DAY),  # Friday to Monday
        ("0 3 * * 0", 7 * DAY),
        ("0 3 * * 7", 7 * DAY),  # 7 is Sunday too
        ("0 3 1,15 * 1", 7 * DAY),  # day-of-month OR day-of-week when both are restricted
        ("0 3 * 6 *", 336 * DAY),  # June only: 30 June to 1 June of the next year
        ("0 0 29 2 *", None),  # once in the scanned 800 days (29 February 2028)
    ],
)
def test_longest_gap_of_a_schedule(schedule: str, gap: int | None) -> None:
    assert cron_max_gap_seconds(schedule) == gap


def test_freshness_window_fits_cloudwatchs_limits() -> None:
    assert freshness_window(DAY, 2 * HOUR) == (HOUR, 26)
    assert freshness_window(HOUR, 30 * 60) == (60, 90)
    assert freshness_window(6 * DAY, DAY) == (HOUR, 168)
    for gap, slack in ((7 * DAY, 60), (DAY, 30 * 60), (3 * DAY + 1, 0)):  # > 7 days; > 1 day in minutes; not whole minutes
        with pytest.raises(ValueError, match="CloudWatch alarm look-back"):
            freshness_window(gap, slack)


@pytest.mark.parametrize(
    ("env", "changes", "message"),
    [
        ("prod", {"backups__lock_mode": "GOVERNANCE"}, "backups.lock_mode must be COMPLIANCE when guardrails.production is true"),
        ("dev", {"backups__lock_mode": "COMPLIANCE"}, "audit_log_lock_mode and backups.lock_mode are GOVERNANCE"),
        ("staging", {"backups__schedule": "0 3 * * 1"}, "backups.schedule and backups.freshness_slack_minutes cannot be watched: "),
        ("staging", {"backups__schedule": "0 3 1 * *"}, "cannot be watched: "),
        ("staging", {"backups__schedule": "0 0 29 2 *"}, "backups.schedule must run at least twice a year"),
        ("staging", {"backups__schedule": "17 3 * * *", "backups__freshness_slack_minutes": 90}, "1 day otherwise"),
    ],
)
def test_bad_backup_settings_fail_at_load(env: str, changes: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_environment(_with(env, **changes), f"{env}.toml", name=env)
    lines = [line for line in str(error.value).splitlines() if message in line]
    assert len(lines) == 1 and lines[0].startswith(f"{env}.toml: "), str(error.value)


def test_lock_mode_defaults_from_production() -> None:
    assert parse_environment(_with("prod", backups__lock_mode=None), "prod.toml", name="prod").backup_lock_mode == "COMPLIANCE"
    assert parse_environment(_with("staging"), "staging.toml", name="staging").backup_lock_mode == "GOVERNANCE"
