"""The audit trail's settings are declared once (issue 29): the library's ``AuditSettings`` is the environment file's
``[audit]`` section and the ``AuditTrailProps`` base, and ``audit_settings_problems`` is the one rule both apply."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.audit import audit_settings
from constructs_lib.audit.audit_settings import ALARM_THRESHOLDS, AuditSettings, audit_settings_problems
from constructs_lib.audit.audit_trail import AuditTrailProps
from environments import ConfigError, load_all, parse_environment
from environments.placeholders import placeholder_lines
from tests.conftest import REPO_ROOT, synth_json
from tests.unit.test_environments import _assert_clean_failure, _copy_environments, _with, run_main

PAGER = "https://events.pagerduty.com/integration/k/enqueue"

# One bad value per rule of audit_settings_problems: (field, value, other settings it needs, what the rule allows).
BAD_SETTINGS: list[tuple[str, object, dict[str, object], str]] = [
    ("alert_emails", ("oncall@",), {}, "an email address such as"),
    ("alert_emails", ("a@meridian-health.org", "a@meridian-health.org"), {}, "distinct addresses"),
    ("alert_emails", "a@meridian-health.org", {}, "a sequence of addresses, not one string"),
    ("alert_https_endpoints", ("http://events.pagerduty.com/x",), {}, "an https:// URL such as"),
    ("alert_https_endpoints", (PAGER, PAGER), {}, "distinct https:// URLs"),
    ("alert_https_endpoints", PAGER, {}, "a sequence of https:// URLs, not one string"),
    ("log_retention_days", 100, {}, "one of (1, 3, 5,"),
    ("log_retention_days", 90, {}, ">= 365 (or turn on allow_short_log_retention)"),
    ("alarm_period_seconds", 90, {}, "a multiple of 60 in 60..86400"),
    ("alarm_period_seconds", 0, {}, "a multiple of 60 in 60..86400"),
    ("alarm_evaluation_periods", 0, {}, "1..288 (alarm_period_seconds x periods <= 86400)"),
    ("alarm_evaluation_periods", 25, {"alarm_period_seconds": 3600}, "1..24 (alarm_period_seconds x periods <= 86400)"),
    *[(field, value, {}, "1..10000 events per period") for field in ALARM_THRESHOLDS for value in (0, 10_001)],
]


def _id(case: tuple[str, object, dict[str, object], str]) -> str:
    return f"{case[0]}={case[1]!r}"


def test_the_audit_section_is_the_library_settings() -> None:
    for config in load_all().values():
        assert isinstance(config.audit, AuditSettings)
    section_keys = [field.name for field in dataclasses.fields(type(load_all()["dev"].audit))]
    library_keys = [field.name for field in dataclasses.fields(AuditSettings)]
    # Every library setting is a key of [audit], in the library's order; the file adds only its own.
    assert section_keys[: len(library_keys)] == library_keys
    assert section_keys[len(library_keys) :] == ["no_paging_reason"]
    # The props are the settings plus references: every setting is a props keyword, with the same default.
    assert issubclass(AuditTrailProps, AuditSettings)
    props_fields = {field.name: field for field in dataclasses.fields(AuditTrailProps)}
    for field in dataclasses.fields(AuditSettings):
        assert props_fields[field.name].default == field.default, field.name
    assert sorted(set(props_fields) - set(library_keys)) == ["allow_unlocked_log_bucket", "log_bucket", "name_prefix"]


def test_a_trail_built_from_the_section_equals_one_built_by_keywords() -> None:
    """``from_settings`` hands every value on under its one name: the same props, the same synthesized trail."""
    from constructs_lib import AuditTrail
    from constructs_lib.engine.core import TerraformStack, Testing
    from tests.unit.test_audit_trail import _stack_with_buckets

    # Every value away from its default, so a value that from_settings drops would show.
    settings = dataclasses.replace(
        load_all()["staging"].audit,
        alert_https_endpoints=[PAGER],
        log_retention_days=400,
        allow_short_log_retention=True,
        alarm_period_seconds=600,
        alarm_evaluation_periods=2,
        unauthorized_api_calls_threshold=2,
        console_signin_failures_threshold=4,
        change_alarm_threshold=5,
        phi_data_events=False,
        protect_from_destroy=False,
    )
    assert [f.name for f in dataclasses.fields(AuditSettings) if getattr(settings, f.name) == f.default] == []
    keywords = {field.name: getattr(settings, field.name) for field in dataclasses.fields(AuditSettings)}
    documents = []
    for build in ("from_settings", "keywords"):
        stack = TerraformStack(Testing.app(), "test")
        bucket, _ = _stack_with_buckets(stack)
        if build == "from_settings":
            props = AuditTrailProps.from_settings(settings, name_prefix="healthcare-prod", log_bucket=bucket)
        else:
            props = AuditTrailProps(name_prefix="healthcare-prod", log_bucket=bucket, **keywords)
        AuditTrail(stack, "AuditTrail", props)
        documents.append((props, synth_json(stack)))
    (from_settings, first), (by_keyword, second) = documents
    assert dataclasses.replace(from_settings, log_bucket=None) == dataclasses.replace(by_keyword, log_bucket=None)  # type: ignore[arg-type]
    assert first == second
    assert len(first["resource"]["aws_cloudwatch_metric_alarm"]) == 15
    assert {a["period"] for a in first["resource"]["aws_cloudwatch_metric_alarm"].values()} == {settings.alarm_period_seconds}


@pytest.mark.parametrize(("field", "value", "context", "allowed"), BAD_SETTINGS, ids=[_id(c) for c in BAD_SETTINGS])
def test_the_one_rule_judges_every_field(field: str, value: object, context: dict[str, object], allowed: str) -> None:
    """Each rule of ``audit_settings_problems`` (removing one fails its cases here), and the file reports it in its words."""
    settings = AuditSettings(**{field: value, **context})  # type: ignore[arg-type]
    problems = audit_settings_problems(settings)
    assert [p.field for p in problems] == [field]
    assert problems[0].allowed.startswith(allowed)
    if isinstance(value, str):
        return  # the file's strict types refuse one string before the rule runs
    data = _with("dev", **{f"audit__{key}": list(v) if isinstance(v, tuple) else v for key, v in {field: value, **context}.items()})
    with pytest.raises(ConfigError) as caught:
        parse_environment(data, "dev.toml", name="dev")
    assert str(caught.value) == f"dev.toml: audit.{field} must be {problems[0].allowed}, got {problems[0].value!r}"


def test_the_construct_applies_the_same_rule_to_every_field(fresh_stack: Any) -> None:
    """All of the rule's problems at once, through ``AuditTrail``: the construct judges what the file judges."""
    from constructs_lib import AuditTrail
    from constructs_lib.errors import ValidationErrors
    from tests.unit.test_audit_trail import _stack_with_buckets

    bucket, _ = _stack_with_buckets(fresh_stack)
    bad = AuditSettings(
        alert_emails=("nobody",),
        alert_https_endpoints=("http://x.example.org",),
        log_retention_days=90,
        alarm_period_seconds=3600,
        alarm_evaluation_periods=25,
        unauthorized_api_calls_threshold=0,
        console_signin_failures_threshold=0,
        change_alarm_threshold=0,
    )
    expected = [f"test/Trail: {p.field} must be {p.allowed}, got {p.value!r}" for p in audit_settings_problems(bad)]
    assert len(expected) == 7
    with pytest.raises(ValidationErrors) as caught:
        AuditTrail(fresh_stack, "Trail", AuditTrailProps.from_settings(bad, name_prefix="acme-dev", log_bucket=bucket))
    assert str(caught.value).splitlines() == expected


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"audit__alert_emails": []}, "audit.alert_emails is required: at least 1 item (the addresses that receive the security alarms), got []"),
        ({"audit__alert_emails": [f"a{i}@meridian-health.org" for i in range(21)]}, "audit.alert_emails must be at most 20 addresses, got 21"),
        ({"audit__alert_https_endpoints": [f"{PAGER}/{i}" for i in range(11)]}, "audit.alert_https_endpoints must be at most 10 URLs, got 11"),
        ({"audit__log_reader_arn": "arn:aws:iam::123456789012:user/auditor"}, "audit.log_reader_arn must match pattern"),
        (
            {"audit__no_paging_reason": "the security rota watches the mailbox"},
            "audit.no_paging_reason must be unset when audit.alert_https_endpoints are given",
        ),
        ({"audit__phi_data_events": False}, "audit.phi_data_events must be true when guardrails.production is true"),
    ],
    ids=["no-address", "21-addresses", "11-urls", "reader-a-user", "no-paging-reason-with-urls", "prod-without-phi-data-events"],
)
def test_the_environment_policy(changes: dict[str, object], message: str) -> None:
    """What only an environment file asks of ``[audit]``, besides the library's rule."""
    with pytest.raises(ConfigError) as caught:
        parse_environment(_with("prod", **changes), "prod.toml", name="prod")
    assert str(caught.value).startswith(f"prod.toml: {message}")


def test_a_file_with_the_old_key_is_told_the_new_one(tmp_path: Path) -> None:
    """``[audit] https_endpoints`` became ``alert_https_endpoints``: the line names the new key, not only 'not a known key'."""
    directory = _copy_environments(tmp_path)
    path = directory / "prod.toml"
    path.write_text(path.read_text().replace("\nalert_https_endpoints = ", "\nhttps_endpoints = ", 1))
    out = tmp_path / "out"
    out.mkdir()
    (out / "previous.txt").write_text("previous output")
    result = run_main(["--config-dir", str(directory), "--outdir", str(out)], {"PATH": "/usr/bin:/bin"})
    line = _assert_clean_failure(
        result, out, "prod.toml: audit.https_endpoints was renamed: write audit.alert_https_endpoints (same values; CHANGELOG.md), got ["
    )
    assert "not a known key" not in line


def test_the_placeholder_scan_reads_the_audit_section() -> None:
    """The scan walks ``[audit]`` (a library dataclass, not a pydantic model) and names where each value comes from."""
    lines = placeholder_lines(load_all()["prod"], "environments/prod.toml")
    assert [line for line in lines if ": audit." in line] == [
        "environments/prod.toml: audit.log_reader_arn: account 123456789012 is an AWS documentation example account id; "
        "use your audit account's log reader role",
        "environments/prod.toml: audit.alert_https_endpoints.0: 'YOUR-' marks a value to fill in; "
        "use your security on-call PagerDuty service's Amazon CloudWatch integration URL",
    ]


def test_the_settings_import_neither_cdktf_nor_pydantic() -> None:
    code = f"import sys, {audit_settings.__name__}; print(sorted(m for m in ('cdktf', 'cdktn', 'pydantic', 'jsii') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT, timeout=60)
    assert result.stdout.strip() == "[]"
