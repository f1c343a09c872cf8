"""A small model of CloudWatch alarms: statistics per period, the metric math the platform uses, and alarm evaluation.

Enough to ask "does this synthesized ``aws_cloudwatch_metric_alarm`` fire on these samples?" without a cloud:

* Samples are raw values with timestamps (seconds), per metric (namespace, name, dimensions) - what CloudWatch has
  after it extracted embedded-metric-format events. A period with no sample has **no datapoint** (missing, not zero).
* Statistics per period: ``Sum``, ``Average``, ``Minimum``, ``Maximum``, ``SampleCount`` and ``pNN`` (nearest-rank
  percentile of the raw values).
* Metric math ("Using math expressions with CloudWatch metrics"): numbers, metric ids, ``+ - * /``, comparisons
  (``> >= < <= == !=``, 1 or 0), ``IF(condition, a, b)`` and ``FILL(series, value)``. Two series combine only at
  timestamps both have; division by zero gives no datapoint. Anything else raises ``UnsupportedExpression``.
* Alarm evaluation ("Evaluating an alarm"; "Configuring how CloudWatch alarms treat missing data"): the last
  ``evaluation_periods`` periods; ``datapoints_to_alarm`` (default: all) breaching ones put the alarm in ALARM.
  Missing datapoints count as breaching (``breaching``), as good (``notBreaching``), leave the state as it was
  (``ignore``) or are left out (``missing``; all missing is INSUFFICIENT_DATA).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Series = dict[int, float]
"""Period start (seconds) -> value; an absent period has no datapoint."""
MetricKey = tuple[str, str, frozenset[tuple[str, str]]]
"""(namespace, metric name, dimensions)."""


class UnsupportedExpression(Exception):
    """The expression uses something this model does not evaluate."""


def metric_key(namespace: str, name: str, dimensions: Mapping[str, str]) -> MetricKey:
    return (namespace, name, frozenset(dimensions.items()))


def statistic(values: Sequence[float], stat: str) -> float:
    """One period's statistic over its raw values (at least one)."""
    if stat == "Sum":
        return float(sum(values))
    if stat == "Average":
        return float(sum(values)) / len(values)
    if stat == "Minimum":
        return float(min(values))
    if stat == "Maximum":
        return float(max(values))
    if stat == "SampleCount":
        return float(len(values))
    match = re.fullmatch(r"p(\d{1,2}(?:\.\d+)?)", stat)
    if match:
        ordered = sorted(values)
        rank = max(1, math.ceil(float(match[1]) / 100 * len(ordered)))
        return float(ordered[rank - 1])
    raise UnsupportedExpression(f"statistic {stat!r}")


def period_series(samples: Sequence[tuple[float, float]], period: int, stat: str) -> Series:
    """``stat`` per ``period``-second bucket of ``(timestamp, value)`` samples; buckets without samples are absent."""
    buckets: dict[int, list[float]] = {}
    for timestamp, value in samples:
        buckets.setdefault(int(timestamp // period) * period, []).append(value)
    return {start: statistic(values, stat) for start, values in buckets.items()}


# Metric math ---------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(>=|<=|==|!=|[-+*/(),<>]))")
Value = float | Series


def _tokens(expression: str) -> list[str]:
    tokens, position = [], 0
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if not match or match.end() == position:
            if expression[position:].strip() == "":
                break
            raise UnsupportedExpression(f"cannot read {expression[position:]!r}")
        tokens.append(match.group(1) or match.group(2) or match.group(3))
        position = match.end()
    return tokens


def _combine(left: Value, right: Value, op: Any) -> Value:
    if isinstance(left, dict) and isinstance(right, dict):
        return {t: v for t in left.keys() & right.keys() if (v := op(left[t], right[t])) is not None}
    if isinstance(left, dict):
        return {t: v for t, value in left.items() if (v := op(value, right)) is not None}
    if isinstance(right, dict):
        return {t: v for t, r in right.items() if (v := op(left, r)) is not None}
    result = op(left, right)
    if result is None:
        raise UnsupportedExpression("a constant division by zero")
    return float(result)


_BINARY: dict[str, Any] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: None if b == 0 else a / b,
    ">": lambda a, b: float(a > b),
    ">=": lambda a, b: float(a >= b),
    "<": lambda a, b: float(a < b),
    "<=": lambda a, b: float(a <= b),
    "==": lambda a, b: float(a == b),
    "!=": lambda a, b: float(a != b),
}


class _Parser:
    def __init__(self, expression: str, series: Mapping[str, Series], timeline: Sequence[int]) -> None:
        self.tokens = _tokens(expression)
        self.position = 0
        self.series = series
        self.timeline = timeline

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise UnsupportedExpression(f"expected {expected or 'a token'}, got {token!r}")
        self.position += 1
        return token

    def parse(self) -> Value:
        value = self.comparison()
        if self.peek() is not None:
            raise UnsupportedExpression(f"unexpected {self.peek()!r}")
        return value

    def comparison(self) -> Value:
        left = self.additive()
        if self.peek() in (">", ">=", "<", "<=", "==", "!="):
            op = self.take()
            left = _combine(left, self.additive(), _BINARY[op])
        return left

    def additive(self) -> Value:
        left = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            left = _combine(left, self.term(), _BINARY[op])
        return left

    def term(self) -> Value:
        left = self.unary()
        while self.peek() in ("*", "/"):
            op = self.take()
            left = _combine(left, self.unary(), _BINARY[op])
        return left

    def unary(self) -> Value:
        if self.peek() == "-":
            self.take()
            return _combine(-1.0, self.unary(), _BINARY["*"])
        return self.primary()

    def primary(self) -> Value:
        token = self.take()
        if token == "(":
            value = self.comparison()
            self.take(")")
            return value
        if re.fullmatch(r"\d+(?:\.\d+)?", token):
            return float(token)
        if self.peek() == "(":
            self.take("(")
            args = [self.comparison()]
            while self.peek() == ",":
                self.take(",")
                args.append(self.comparison())
            self.take(")")
            return self.call(token, args)
        if token not in self.series:
            raise UnsupportedExpression(f"unknown id {token!r}")
        return dict(self.series[token])

    def call(self, name: str, args: list[Value]) -> Value:
        if name == "FILL" and len(args) == 2 and isinstance(args[0], dict) and not isinstance(args[1], dict):
            series, fill = args[0], args[1]
            return {t: series.get(t, fill) for t in self.timeline}
        if name == "IF" and len(args) == 3 and isinstance(args[0], dict):
            condition, yes, no = args

            def pick(branch: Value, t: int) -> float | None:
                return branch.get(t) if isinstance(branch, dict) else branch

            return {t: v for t, c in condition.items() if (v := pick(yes if c != 0 else no, t)) is not None}
        raise UnsupportedExpression(f"{name}() with these arguments")


def evaluate_expression(expression: str, series: Mapping[str, Series], timeline: Sequence[int]) -> Value:
    """The value of a metric-math ``expression`` given each id's series; ``timeline`` are the period starts FILL fills."""
    return _Parser(expression, series, timeline).parse()


# Alarms ---------------------------------------------------------------------------------------


def _stat_of(block: Mapping[str, Any]) -> str:
    stat = block.get("statistic") or block.get("extended_statistic") or block.get("stat")
    if not stat:
        raise UnsupportedExpression("a metric without a statistic")
    return str(stat)


def alarm_series(alarm: Mapping[str, Any], samples: Mapping[MetricKey, Sequence[tuple[float, float]]], timeline: Sequence[int]) -> Series:
    """The per-period values the alarm compares with its threshold (``timeline``: the period starts in view)."""
    if "metric_query" not in alarm:
        key = metric_key(alarm["namespace"], alarm["metric_name"], alarm.get("dimensions") or {})
        return period_series(samples.get(key, ()), int(alarm["period"]), _stat_of(alarm))
    queries = alarm["metric_query"]
    series: dict[str, Series] = {}
    for query in queries:
        if "metric" in query:
            metric = query["metric"]
            key = metric_key(metric["namespace"], metric["metric_name"], metric.get("dimensions") or {})
            series[query["id"]] = period_series(samples.get(key, ()), int(metric["period"]), _stat_of(metric))
    returned = [q for q in queries if q.get("return_data")]
    if len(returned) != 1 or "expression" not in returned[0]:
        raise UnsupportedExpression("an alarm returns exactly one expression")
    for query in queries:
        if "expression" in query and query is not returned[0]:
            raise UnsupportedExpression("intermediate expressions")
    value = evaluate_expression(returned[0]["expression"], series, timeline)
    if not isinstance(value, dict):
        raise UnsupportedExpression("an expression that is a constant")
    return value


_COMPARE = {
    "GreaterThanThreshold": lambda v, t: v > t,
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}


@dataclass(frozen=True, slots=True)
class Evaluation:
    state: str
    """``ALARM``, ``OK``, ``INSUFFICIENT_DATA`` or ``UNCHANGED`` (``ignore`` with only missing data)."""
    datapoints: tuple[float | None, ...]
    """The evaluated periods' values, oldest first (None: missing)."""


def evaluate_alarm(alarm: Mapping[str, Any], samples: Mapping[MetricKey, Sequence[tuple[float, float]]], timeline: Sequence[int]) -> Evaluation:
    """The alarm's state after the last period of ``timeline`` (period starts, oldest first, one per period)."""
    series = alarm_series(alarm, samples, timeline)
    periods = int(alarm["evaluation_periods"])
    needed = int(alarm.get("datapoints_to_alarm") or periods)
    window = list(timeline)[-periods:]
    values = tuple(series.get(t) for t in window)
    compare = _COMPARE[alarm["comparison_operator"]]
    threshold = float(alarm["threshold"])
    treat = alarm.get("treat_missing_data", "missing")
    present = [v for v in values if v is not None]
    missing = len(values) - len(present)
    breaching = sum(1 for v in present if compare(v, threshold))
    if treat == "breaching":
        breaching += missing
    elif treat in ("ignore", "missing") and not present:
        return Evaluation("UNCHANGED" if treat == "ignore" else "INSUFFICIENT_DATA", values)
    elif treat not in ("notBreaching", "ignore", "missing"):
        raise UnsupportedExpression(f"treat_missing_data {treat!r}")
    return Evaluation("ALARM" if breaching >= needed else "OK", values)
