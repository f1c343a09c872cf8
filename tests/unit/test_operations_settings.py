"""The operations settings are declared once (issue 29): the library's settings classes (``constructs_lib.operations.settings``)
are the environment file's ``[alerts]``, ``[uptime]``, ``[budget]``, ``[account]`` and ``[telemetry]`` sections and the
bases of the constructs' props, and each class's one rule function judges both the construct's props and the file."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import tomllib
from collections.abc import Callable
from typing import Any

import pytest

from constructs_lib.errors import Problem
from constructs_lib.operations import settings as lib
from constructs_lib.operations.account_baseline import AccountBaselineProps
from constructs_lib.operations.alert_topic import AlertTopicProps
from constructs_lib.operations.cost_budget import CostBudgetProps
from constructs_lib.operations.telemetry import ServiceAlarmSettings, ServiceTelemetryProps
from constructs_lib.operations.uptime_monitor import UptimeMonitorProps
from environments import ENVIRONMENTS_DIR, load_all, parse_environment
from environments.loader import ConfigError
from tests.conftest import REPO_ROOT

TELEMETRY_FLAG = "telemetry.logs_may_contain_phi = false"
"""How the file's ``[telemetry]`` names the PHI switch in a retention message."""

SECTIONS: dict[str, tuple[type, list[str]]] = {
    "alerts": (lib.AlertRoutes, ["no_paging_reason"]),
    "uptime": (lib.UptimeSettings, ["health_paths"]),
    "budget": (lib.BudgetSettings, []),
    "account": (lib.AccountBaselineSettings, ["owns_account_baseline"]),
    "telemetry": (lib.TelemetrySettings, ["quiet_services", "log_reader_arns"]),
}
"""Section -> the library class it is, and the keys only the file has (in order, after the library's)."""


def _rule(section: str) -> Callable[[Any], list[Problem]]:
    rules: dict[str, Callable[[Any], list[Problem]]] = {
        "alerts": lib.alert_routes_problems,
        "uptime": lib.uptime_settings_problems,
        "budget": lib.budget_settings_problems,
        "account": lib.account_baseline_settings_problems,
        "telemetry": lambda s: lib.telemetry_settings_problems(s, flag=TELEMETRY_FLAG),
    }
    return rules[section]


def _library_default(section: str) -> Any:
    cls = SECTIONS[section][0]
    return cls(monthly_limit_usd=100) if cls is lib.BudgetSettings else cls()


@pytest.mark.parametrize("section", SECTIONS)
def test_each_section_is_the_library_settings(section: str) -> None:
    library, own = SECTIONS[section]
    for config in load_all().values():
        value = getattr(config, section)
        if value is not None:
            assert isinstance(value, library), (config.name, section)
    section_type = type(getattr(load_all()["prod"], section))
    section_keys = [field.name for field in dataclasses.fields(section_type)]
    library_keys = [field.name for field in dataclasses.fields(library)]
    # Every library setting is a key of the section, in the library's order; the file adds only its own.
    assert section_keys == library_keys + own


# One bad value per rule: (section, field, value, the Problem fields the rule reports). Dropping a rule from a rule
# function, or a section that stops running it, fails its case.
BAD = [
    ("uptime", "request_interval_seconds", 20, ["request_interval_seconds"]),
    ("uptime", "failure_threshold", 0, ["failure_threshold"]),
    ("uptime", "failure_threshold", 11, ["failure_threshold"]),
    ("uptime", "down_minutes", 61, ["down_minutes"]),
    ("uptime", "latency_minutes", 4, ["latency_minutes"]),
    ("uptime", "latency_threshold_ms", 60_001, ["latency_threshold_ms"]),
    ("uptime", "measure_latency", False, ["latency_threshold_ms"]),
    ("budget", "monthly_limit_usd", 0, ["monthly_limit_usd"]),
    ("budget", "monthly_limit_usd", 1_000_001, ["monthly_limit_usd"]),
    ("budget", "forecast_threshold_percent", 0, ["forecast_threshold_percent"]),
    ("budget", "actual_threshold_percent", 1001, ["actual_threshold_percent"]),
    ("account", "admin_group_name", "prod admins", ["admin_group_name"]),
    ("account", "min_password_length", 13, ["min_password_length"]),
    ("account", "password_reuse_prevention", 23, ["password_reuse_prevention"]),
    ("account", "max_password_age_days", 91, ["max_password_age_days"]),
    ("alerts", "emails", ["oncall.meridian-health.org"], ["emails.0"]),
    ("alerts", "emails", ["a@meridian-health.org", "a@meridian-health.org"], ["emails"]),
    ("alerts", "https_endpoints", ["http://events.pagerduty.com/integration/k/enqueue"], ["https_endpoints.0"]),
    ("alerts", "https_endpoints", ["https://hooks.example.org/a", "https://hooks.example.org/a"], ["https_endpoints"]),
    ("telemetry", "log_retention_days", 90, ["log_retention_days"]),
    ("telemetry", "error_rate_percent", 0.0, ["error_rate_percent"]),
    ("telemetry", "error_rate_percent", 100.5, ["error_rate_percent"]),
    ("telemetry", "error_rate_periods", 13, ["error_rate_periods"]),
    ("telemetry", "error_rate_min_requests", 0, ["error_rate_min_requests"]),
    ("telemetry", "latency_p95_ms", 60_001, ["latency_p95_ms"]),
    ("telemetry", "latency_periods", 0, ["latency_periods"]),
    ("telemetry", "no_traffic_periods", 13, ["no_traffic_periods"]),
]
BAD_IDS = [f"{s}-{f}-{v}" for s, f, v, _ in BAD]


def _bad_settings(section: str, field: str, value: Any) -> Any:
    changes = {field: value}
    if (section, field) == ("uptime", "measure_latency"):
        changes["latency_threshold_ms"] = 900
    return dataclasses.replace(_library_default(section), **changes)


@pytest.mark.parametrize(("section", "field", "value", "fields"), BAD, ids=BAD_IDS)
def test_the_rule_function_reports_each_rule(section: str, field: str, value: Any, fields: list[str]) -> None:
    assert [p.field for p in _rule(section)(_bad_settings(section, field, value))] == fields
    assert _rule(section)(_library_default(section)) == []


@pytest.mark.parametrize(("section", "field", "value", "fields"), BAD, ids=BAD_IDS)
def test_the_file_is_refused_with_the_library_rule_message(section: str, field: str, value: Any, fields: list[str]) -> None:
    """The file's line is the library rule's Problem, worded for the file: one rule, not a copy."""
    data = tomllib.loads((ENVIRONMENTS_DIR / "staging.toml").read_text())
    changes = {field: value, **({"latency_threshold_ms": 900} if field == "measure_latency" else {})}
    data[section] = {**data.get(section, {}), **changes}
    bad = _bad_settings(section, field, value)
    expected = [f"staging.toml: {section}.{p.field} must be {p.allowed}, got {p.value!r}" for p in _rule(section)(bad)]
    with pytest.raises(ConfigError) as caught:
        parse_environment(data, "staging.toml", name="staging")
    lines = str(caught.value).splitlines()
    assert expected and all(line in lines for line in expected), (expected, lines)


# Every library setting with a value other than its default (a new field without a case fails the coverage check).
NON_DEFAULT: dict[type, dict[str, Any]] = {
    lib.AlertRoutes: {"emails": ("a@example.org", "b@example.org"), "https_endpoints": ("https://hooks.example.org/a",)},
    lib.UptimeSettings: {
        "request_interval_seconds": 10,
        "failure_threshold": 7,
        "down_minutes": 5,
        "measure_latency": True,
        "latency_threshold_ms": 1500,
        "latency_minutes": 30,
    },
    lib.BudgetSettings: {"monthly_limit_usd": 750, "forecast_threshold_percent": 70, "actual_threshold_percent": 110},
    lib.AccountBaselineSettings: {
        "admin_group_name": "acme-admins",
        "manage_password_policy": False,
        "min_password_length": 16,
        "password_reuse_prevention": 24,
        "max_password_age_days": 60,
    },
    lib.ServiceLogSettings: {"log_retention_days": 731, "logs_may_contain_phi": False},
    lib.ServiceAlarmThresholds: {
        "error_rate_percent": 2.5,
        "error_rate_periods": 4,
        "error_rate_min_requests": 50,
        "latency_p95_ms": 900,
        "latency_periods": 6,
        "no_traffic_periods": 9,
    },
}


def test_the_non_default_values_cover_every_setting() -> None:
    for cls, values in NON_DEFAULT.items():
        assert set(values) == {f.name for f in dataclasses.fields(cls)}, cls.__name__
        assert lib.settings_values(cls(**values), cls) == values


TOPIC: Any = object()
"""A stand-in reference: props hold references, they do not judge them."""

PROPS: list[tuple[type, type, dict[str, Any]]] = [
    (AlertTopicProps, lib.AlertRoutes, {"name": "acme-dev-alerts", "budgets_may_publish": True, "protect_from_destroy": False}),
    (UptimeMonitorProps, lib.UptimeSettings, {"name_prefix": "acme-dev", "alert_topic": TOPIC}),
    (CostBudgetProps, lib.BudgetSettings, {"name": "acme-dev-monthly", "alert_topic": TOPIC, "emails": ("a@example.org",)}),
    (AccountBaselineProps, lib.AccountBaselineSettings, {"name_prefix": "acme-dev"}),
    (ServiceTelemetryProps, lib.ServiceLogSettings, {"project": "acme", "environment": "dev", "service": "gateway", "identity": TOPIC}),
    (ServiceAlarmSettings, lib.ServiceAlarmThresholds, {"alert_topic": TOPIC}),
]


@pytest.mark.parametrize(("props", "settings", "references"), PROPS, ids=[p[0].__name__ for p in PROPS])
def test_props_from_settings_are_the_props_by_keywords(props: Any, settings: type, references: dict[str, Any]) -> None:
    assert issubclass(props, settings)
    values = NON_DEFAULT[settings]
    from_settings = props.from_settings(settings(**values), **references)
    assert from_settings == props(**values, **references)
    for name, value in values.items():
        assert getattr(from_settings, name) == value, name


def test_a_sections_props_carry_every_value_of_the_file() -> None:
    """``config.<section>`` goes into the props as it is: an environment's section gives the same props as its keywords."""
    prod = load_all()["prod"]
    uptime = UptimeMonitorProps.from_settings(prod.uptime, name_prefix="healthcare-prod", alert_topic=TOPIC)
    assert uptime == UptimeMonitorProps(name_prefix="healthcare-prod", alert_topic=TOPIC, **lib.settings_values(prod.uptime, lib.UptimeSettings))
    assert uptime.latency_threshold_ms == 1000
    telemetry = ServiceAlarmSettings.from_settings(prod.telemetry, alert_topic=TOPIC)
    assert (telemetry.error_rate_percent, telemetry.latency_p95_ms) == (2.0, 1000)
    assert CostBudgetProps.from_settings(prod.budget, name="n", alert_topic=None).monthly_limit_usd == 3000  # type: ignore[arg-type]
    assert AccountBaselineProps.from_settings(prod.account, name_prefix="p").admin_group_name == "healthcare-prod-admins"


def test_a_renamed_key_names_the_new_one() -> None:
    data = tomllib.loads((ENVIRONMENTS_DIR / "prod.toml").read_text())
    data["account"]["admin_group"] = data["account"].pop("admin_group_name")
    with pytest.raises(ConfigError) as caught:
        parse_environment(data, "prod.toml", name="prod")
    assert (
        str(caught.value)
        == "prod.toml: account.admin_group was renamed: write account.admin_group_name (same values; CHANGELOG.md), got 'healthcare-prod-admins'"
    )


def test_empty_alert_emails_fall_back_to_the_audit_addresses() -> None:
    data = tomllib.loads((ENVIRONMENTS_DIR / "staging.toml").read_text())
    data["alerts"]["emails"] = []
    config = parse_environment(data, "staging.toml", name="staging")
    assert config.alert_emails == tuple(config.audit.alert_emails)


def test_the_settings_import_neither_cdktf_nor_pydantic() -> None:
    code = "import sys, constructs_lib.operations.settings; print(sorted(m for m in ('cdktf', 'cdktn', 'pydantic', 'jsii') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT, timeout=60)
    assert result.stdout.strip() == "[]"


def _string_leaves(value: object, key: str) -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [leaf for name, item in value.items() for leaf in _string_leaves(item, f"{key}.{name}")]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in _string_leaves(item, f"{key}.{index}")]
    return [(key, value)] if isinstance(value, str) else []


def test_the_placeholder_scan_sees_every_value_of_these_sections() -> None:
    from environments.placeholders import _strings

    for path in sorted(ENVIRONMENTS_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text())
        seen = set(_strings(load_all()[path.stem], ""))
        for section in SECTIONS:
            leaves = _string_leaves(data.get(section, {}), section)
            assert set(leaves) <= seen, (path.name, set(leaves) - seen)
    # A string in each kind of place a section holds one: a list item, a table value, a plain field.
    prod = load_all()["prod"]
    keys = {key for key, _ in _strings(prod, "")}
    assert {"alerts.emails.0", "alerts.https_endpoints.0", "uptime.health_paths.gateway", "account.admin_group_name"} <= keys
