"""Environment files: the model's rules, and bad input through the real entry point."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

import main as entry
from environments import ENVIRONMENTS_DIR, ConfigError, load_all, load_environment
from tests.conftest import REPO_ROOT


def test_repository_environments_follow_the_design_table() -> None:
    configs = load_all()
    assert {n: c.phase for n, c in configs.items()} == {"dev": 4, "staging": 2, "prod": 1}
    assert {n: c.vpc_cidr for n, c in configs.items()} == {
        "dev": "10.0.0.0/16",
        "staging": "10.1.0.0/16",
        "prod": "10.2.0.0/16",
    }
    assert {n: c.az_count for n, c in configs.items()} == {"dev": 2, "staging": 2, "prod": 3}
    assert {n: c.neon.history_retention_seconds for n, c in configs.items()} == {"dev": 86_400, "staging": 259_200, "prod": 2_592_000}
    # A fixed replica count per Railway region: Railway does not autoscale replica counts (docs/constructs/RailwayService.md: Replicas).
    assert {n: c.replicas for n, c in configs.items()} == {"dev": 1, "staging": 1, "prod": 2}


def test_config_is_frozen() -> None:
    config = load_all()["dev"]
    with pytest.raises(ValueError, match="frozen"):
        config.phase = 1  # type: ignore[misc]


def test_public_domain_puts_prod_at_the_zone_apex() -> None:
    configs = load_all()
    # Every environment has its own zone (Cloudflare tokens are scoped per zone), hostnames at its apex.
    assert {name: c.public_domain for name, c in configs.items()} == {name: c.domain for name, c in configs.items()}
    assert len({c.domain for c in configs.values()}) == len(configs)


def _copy_environments(tmp_path: Path) -> Path:
    target = tmp_path / "environments"
    target.mkdir()
    for name in ("dev", "staging", "prod"):
        shutil.copy(ENVIRONMENTS_DIR / f"{name}.toml", target / f"{name}.toml")
    return target


def _set_key(path: Path, key: str, raw_value: str | None) -> None:
    """Replace ``key = ...`` with ``raw_value`` (None deletes the line).

    ``key`` is a top-level key or ``section.key`` for a key that other sections share;
    ``# key`` sets a commented-out example line.
    """
    text = path.read_text()
    start = 0
    if "." in key:
        section, key = key.split(".", 1)
        start = text.index(f"[{section}]")
    pattern = re.compile(rf"^{re.escape(key)} = .*$", re.MULTILINE)
    match = pattern.search(text, start)
    assert match, f"{key} not in {path.name}"
    replacement = "" if raw_value is None else f"{key.removeprefix('# ')} = {raw_value}"
    path.write_text(text[: match.start()] + replacement + text[match.end() :])


# (file, key, new raw TOML value or None to delete, the field the message must name, a fragment of it)
BAD_VALUES = [
    ("dev", "phase", "0", "phase", "1..4, got 0"),
    ("dev", "phase", "5", "phase", "1..4, got 5"),
    ("dev", "phase", '"four"', "phase", "got 'four'"),
    ("staging", "phase", '2\nname = "prod"', "name", "name is not a key: the environment's name is its file name ('staging'), got 'prod'"),
    ("dev", "aws_region", '"us-middle-9"', "aws_region", "AWS region code"),
    ("dev", "domain", '"Not A Domain"', "domain", "DNS name"),
    ("dev", "domain", None, "domain", "is required"),
    ("dev", "vpc_cidr", '"10.0.0.0/33"', "vpc_cidr", "got '10.0.0.0/33'"),
    ("dev", "vpc_cidr", '"10.0.0.1/16"', "vpc_cidr", "IPv4 CIDR"),
    ("dev", "vpc_cidr", '"10.0.0.0/8"', "vpc_cidr", "/16../20"),
    ("dev", "vpc_cidr", '"8.8.0.0/16"', "vpc_cidr", "private address space"),
    ("staging", "vpc_cidr", '"10.0.128.0/17"', "vpc_cidr", "must not overlap dev's 10.0.0.0/16"),
    ("prod", "az_count", "9", "az_count", "1..6, got 9"),
    ("prod", "history_retention_seconds", "-1", "neon.history_retention_seconds", "0..2592000 seconds, got -1"),
    ("dev", "history_retention_seconds", "2592001", "neon.history_retention_seconds", "0..2592000 seconds, got 2592001"),
    ("dev", "history_retention_seconds", "1.5", "neon.history_retention_seconds", "integer"),
    ("prod", "replicas", "51", "replicas", "1..50, got 51"),
    ("dev", "replicas", "true", "replicas", "integer"),
    ("dev", "pg_version", "13", "neon.pg_version", "16..18, got 13"),
    ("dev", "pg_version", "15", "neon.pg_version", "16..18, got 15"),  # backup_reader's BYPASSRLS needs 16+
    ("prod", "min_tls_version", '"1.0"', "cloudflare.min_tls_version", "'1.2' or '1.3'"),
    ("dev", "region_id", '"aws-mars-1"', "neon.region_id", "one of aws-us-east-1, "),
    ("dev", "compute_min_cu", "0.1", "neon.compute_min_cu", "0.25..16 compute units, got 0.1"),
    ("dev", "compute_max_cu", "20.0", "neon.compute_max_cu", "0.25..16 compute units, got 20.0"),
    ("staging", "compute_max_cu", "9.0", "neon.compute_max_cu", "at most 8 CU above the minimum (0.25 CU), i.e. <= 8.25, got 9.0"),
    ("prod", "compute_min_cu", "9.0", "neon.compute_max_cu", "must be >= the minimum (9.0 CU), got 8.0"),
    ("prod", "suspend_timeout_seconds", "30", "neon.suspend_timeout_seconds", "-1 (never suspend), 0 (Neon default) or 60..604800 seconds, got 30"),
    ("dev", "hipaa", '"yes"', "neon.hipaa", "boolean"),
    ("prod", "protect_from_destroy", "1", "neon.protect_from_destroy", "boolean"),
    ("prod", "region_id", '"aws-us-east-2"', "neon.locked_region_id", "equal to region_id ('aws-us-east-2') while protect_from_destroy is on"),
    ("prod", "locked_region_id", None, "neon.locked_region_id", "got None"),
    ("prod", "pg_version", "18", "neon.locked_pg_version", "equal to pg_version (18) while protect_from_destroy is on"),
    ("prod", "manage_zone", "false", "cloudflare.manage_zone", "true in exactly one environment of zone meridian-health.org"),
    ("dev", "manage_zone", "1", "cloudflare.manage_zone", "boolean"),
    ("prod", "plan", '"gold"', "cloudflare.plan", "got 'gold'"),
    ("prod", "hsts_preload", '"yes"', "cloudflare.hsts_preload", "boolean"),
    ("prod", "content_security_policy", '"script-src *"', "cloudflare.content_security_policy", "without double quotes"),
    ("prod", "rate_limit_period_seconds", "60", "cloudflare.rate_limit_period_seconds", "one of (10,) on the free plan, got 60"),
    ("prod", "rate_limit_mitigation_seconds", "3600", "cloudflare.rate_limit_mitigation_seconds", "on the free plan, got 3600"),
    ("prod", "api_requests_per_period", "0", "cloudflare.api_requests_per_period", "1..1000000, got 0"),
    ("prod", "nat_gateways", '"two"', "network.nat_gateways", "'single' or 'per_az'"),
    ("prod", "flow_log_retention_days", "90", "network.flow_log_retention_days", ">= 365 (or turn on allow_short_flow_log_retention), got 90"),
    ("dev", "flow_log_retention_days", "100", "network.flow_log_retention_days", "one of (1, 3, 5,"),
    ("dev", "repo", '"healthcare-platform"', "railway.repo", "got 'healthcare-platform'"),
    ("dev", "repo", None, "railway.repo", "is required"),
    ("staging", "branch", '"-main"', "railway.branch", "got '-main'"),
    ("prod", "region", '"US East"', "railway.region", "got 'US East'"),
    ("prod", "services_dir", '"/services"', "railway.services_dir", "got '/services'"),
    ("prod", "replica_region", '"us-east-1"', "s3.replica_region", "must differ from aws_region (us-east-1), got 'us-east-1'"),
    ("prod", "replica_region", '"mars-north-1"', "s3.replica_region", "AWS region code"),
    ("dev", "audit_log_retention_days", "0", "s3.audit_log_retention_days", "1..36500, got 0"),
    ("dev", "audit_log_lock_mode", '"LEGAL_HOLD"', "s3.audit_log_lock_mode", "'COMPLIANCE' or 'GOVERNANCE'"),
    ("staging", "noncurrent_version_expiration_days", "0", "s3.noncurrent_version_expiration_days", "1..36500, got 0"),
    ("dev", "access_log_expiration_days", "90", "s3.access_log_expiration_days", "91..36500, got 90"),
    ("dev", "s3.protect_from_destroy", '"no"', "s3.protect_from_destroy", "boolean"),
    (
        "prod",
        "history_retention_seconds",
        "259200",
        "neon.history_retention_seconds",
        ">= 604800 (7 days) when guardrails.production is true (HC-NEON-001), got 259200",
    ),
    ("dev", "production", '"yes"', "guardrails.production", "valid boolean"),
    ("prod", "alert_emails", '["oncall@"]', "audit.alert_emails", "an email address such as 'oncall@health.example.org', got 'oncall@'"),
    ("prod", "alert_emails", '["on call@meridian-health.org"]', "audit.alert_emails", "an email address"),
    ("staging", "alert_emails", "[]", "audit.alert_emails", "at least 1 item"),
    ("dev", "alert_emails", '["a@meridian-health.org", "a@meridian-health.org"]', "audit.alert_emails", "distinct addresses"),
    ("prod", "alert_emails", None, "audit.alert_emails", "is required"),
    ("prod", "log_retention_days", "90", "audit.log_retention_days", ">= 365 (or turn on allow_short_log_retention), got 90"),
    ("dev", "log_retention_days", "100", "audit.log_retention_days", "one of (1, 3, 5,"),
    ("prod", "alarm_period_seconds", "30", "audit.alarm_period_seconds", "60..86400, got 30"),
    ("prod", "alarm_period_seconds", "90", "audit.alarm_period_seconds", "a multiple of 60 in 60..86400, got 90"),
    ("staging", "alarm_evaluation_periods", "0", "audit.alarm_evaluation_periods", "1..288 (alarm_period_seconds x periods <= 86400), got 0"),
    ("prod", "unauthorized_api_calls_threshold", "0", "audit.unauthorized_api_calls_threshold", "1..10000 events per period, got 0"),
    ("prod", "console_signin_failures_threshold", '"3"', "audit.console_signin_failures_threshold", "integer"),
    ("dev", "change_alarm_threshold", "20000", "audit.change_alarm_threshold", "1..10000 events per period, got 20000"),
    ("prod", "audit.protect_from_destroy", '"yes"', "audit.protect_from_destroy", "boolean"),
    (
        "prod",
        "# health_check_path",
        '"/health"',
        "cloudflare.health_check_path",
        "(standalone health checks need pro or higher), got '/health'",
    ),
    ("dev", "# account_id", '"0123456789abcdef0123456789abcdef"', "cloudflare.health_check_path", "set when cloudflare.account_id or audit.alert_emails"),
    # CloudflareEdge's own rules (network.edge_props_rules.cloudflare_edge_problems) judge the file at load:
    ("dev", "min_tls_version", '"1.0"', "cloudflare.min_tls_version", "'1.2' or '1.3'"),
    ("dev", "content_security_policy", '"script-src *"', "cloudflare.content_security_policy", "with a default-src directive, got 'script-src *'"),
    ("dev", "rate_limit_period_seconds", "60", "cloudflare.rate_limit_period_seconds", "got 60"),
    ("dev", "# health_check_path", '"/health check"', "cloudflare.health_check_path", "unset on the free plan"),
    (
        "prod",
        "alerts.https_endpoints",
        "[]",
        "alerts.https_endpoints",
        "required when guardrails.production is true (a paging or chat route besides email), or say why not in alerts.no_paging_reason",
    ),
    (
        "prod",
        "alerts.https_endpoints",
        '["https://hooks.example.org/a"]\nno_paging_reason = "paging is handled by the security team rota"',
        "alerts.no_paging_reason",
        "unset when alerts.https_endpoints are given",
    ),
    ("prod", "alerts.https_endpoints", '[]\nno_paging_reason = "later"', "alerts.no_paging_reason", "at least 20 characters"),
    ("dev", "alerts.emails", '["a@x.org", "a@x.org"]', "alerts.emails", "distinct values"),
    (
        "dev",
        "alerts.emails",
        '["a0@x.org", "a1@x.org", "a2@x.org", "a3@x.org", "a4@x.org", "a5@x.org", "a6@x.org", "a7@x.org", "a8@x.org", "a9@x.org", "a10@x.org"]',
        "alerts.emails",
        "at most 10 addresses when there is a [budget]",
    ),
    ("prod", "budget.monthly_limit_usd", None, "budget.monthly_limit_usd", "is required"),
    ("prod", "budget.monthly_limit_usd", "12.5", "budget.monthly_limit_usd", "integer"),
    ("prod", "account.admin_group_name", None, "account.admin_group_name", "required when guardrails.production is true"),
    (
        "prod",
        "account.admin_group_name",
        '"prod admins"',
        "account.admin_group_name",
        "must be an IAM group name: 1..128 letters, digits and +=,.@_-, got 'prod admins'",
    ),
    ("prod", "uptime.latency_threshold_ms", None, "uptime.latency_threshold_ms", "required when guardrails.production is true"),
    ("prod", "uptime.health_paths", '{ gateway = "health" }', "uptime.health_paths.gateway", "must match pattern"),
    ("staging", "uptime.request_interval_seconds", "20", "uptime.request_interval_seconds", "10 or 30, got 20"),
    ("prod", "uptime.latency_threshold_ms", "0", "uptime.latency_threshold_ms", "1..60000 milliseconds, got 0"),
]


def run_main(args: Sequence[str], environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``main.py ARGS`` in this process (``main.main``: exit status, stdout, stderr) with process environment ``environ``.

    In-process: each of the ~140 bad-input cases (here and in tests/security/test_bad_input.py) costs milliseconds
    instead of a Python start and the pydantic import. ``test_main_py_as_a_process_exits_2_with_one_line`` runs the
    real process once, so the exit status and stderr of ``python main.py`` stay proven.
    """
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        returncode = entry.main(list(args), environ)
    return subprocess.CompletedProcess(["main.py", *args], returncode, stdout.getvalue(), stderr.getvalue())


def _run_main(*args: str) -> subprocess.CompletedProcess[str]:
    return run_main(args, {"PATH": "/usr/bin:/bin"})


def test_main_py_as_a_process_exits_2_with_one_line(tmp_path: Path, outdir: Path) -> None:
    directory = _copy_environments(tmp_path)
    _set_key(directory / "dev.toml", "phase", "0")
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "main.py"), "--config-dir", str(directory), "--outdir", str(outdir)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert result.stderr == f"error: {directory / 'dev.toml'}: phase must be 1..4, got 0\n"
    _assert_clean_failure(result, outdir, "dev.toml: phase must be 1..4, got 0")


def _assert_clean_failure(result: subprocess.CompletedProcess[str], outdir: Path, *fragments: str) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    assert (outdir / "previous.txt").read_text() == "previous output"
    assert [p.name for p in outdir.parent.iterdir() if p.name.startswith(".")] == []
    return lines[0]


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    """An output folder holding a previous synthesis, which a failure must leave intact."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "previous.txt").write_text("previous output")
    return out


@pytest.mark.parametrize(("env", "key", "raw", "field", "fragment"), BAD_VALUES, ids=[f"{b[0]}-{b[1]}-{b[2]}" for b in BAD_VALUES])
def test_fails_when_environment_value_is_bad(tmp_path: Path, outdir: Path, env: str, key: str, raw: str | None, field: str, fragment: str) -> None:
    directory = _copy_environments(tmp_path)
    _set_key(directory / f"{env}.toml", key, raw)
    result = _run_main("--config-dir", str(directory), "--outdir", str(outdir))
    line = _assert_clean_failure(result, outdir, f"{env}.toml: ", fragment)
    assert re.search(rf"\b{re.escape(field)}\b", line), line


def test_fails_when_environment_has_unknown_key(tmp_path: Path, outdir: Path) -> None:
    directory = _copy_environments(tmp_path)
    (directory / "dev.toml").write_text((ENVIRONMENTS_DIR / "dev.toml").read_text().replace("az_count", "az_count_typo = 2\naz_count", 1))
    result = _run_main("--config-dir", str(directory), "--outdir", str(outdir))
    _assert_clean_failure(result, outdir, "dev.toml: az_count_typo is not a known key (allowed: name, phase,")


def test_a_renamed_key_names_its_new_name(tmp_path: Path, outdir: Path) -> None:
    directory = _copy_environments(tmp_path)
    (directory / "prod.toml").write_text((ENVIRONMENTS_DIR / "prod.toml").read_text().replace("admin_group_name = ", "admin_group = ", 1))
    result = _run_main("--config-dir", str(directory), "--outdir", str(outdir))
    renamed = "account.admin_group was renamed: write account.admin_group_name (same values; CHANGELOG.md)"
    _assert_clean_failure(result, outdir, f"prod.toml: {renamed}, got 'healthcare-prod-admins'")


def test_fails_when_section_has_unknown_key(tmp_path: Path, outdir: Path) -> None:
    directory = _copy_environments(tmp_path)
    (directory / "prod.toml").write_text((ENVIRONMENTS_DIR / "prod.toml").read_text().replace("pg_version", "hippa = true\npg_version", 1))
    result = _run_main("--config-dir", str(directory), "--outdir", str(outdir))
    _assert_clean_failure(result, outdir, "prod.toml: neon.hippa is not a known key (allowed: region_id, pg_version")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [("", "is empty"), ("name = [unclosed", "is not valid TOML"), (b"\xff\xfe".decode("latin-1"), "is not valid TOML")],
    ids=["empty", "not-toml", "not-utf8"],
)
def test_fails_when_file_is_not_an_environment(tmp_path: Path, outdir: Path, content: str, fragment: str) -> None:
    directory = _copy_environments(tmp_path)
    (directory / "staging.toml").write_bytes(content.encode("latin-1"))
    result = _run_main("--config-dir", str(directory), "--outdir", str(outdir))
    _assert_clean_failure(result, outdir, "staging.toml: ", fragment)


def test_fails_when_no_environment_file_exists(tmp_path: Path, outdir: Path) -> None:
    directory = tmp_path / "environments"
    directory.mkdir()
    result = _run_main("--config-dir", str(directory), "--outdir", str(outdir))
    _assert_clean_failure(result, outdir, "environments: has no environment files (<name>.toml)")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--env", "qa"], "command line --env: environment must be one of dev, prod, staging, bootstrap (one file each in environments/), got 'qa'"),
        (["--phase", "0"], "command line --phase: phase must be one of 1..4, got '0'"),
        (["--phase", "5"], "command line --phase: phase must be one of 1..4, got '5'"),
        (["--bogus"], "command line: unrecognized arguments: --bogus"),
    ],
    ids=["unknown-env", "phase-0", "phase-5", "unknown-flag"],
)
def test_fails_when_command_line_is_bad(outdir: Path, args: list[str], fragment: str) -> None:
    result = _run_main(*args, "--outdir", str(outdir))
    _assert_clean_failure(result, outdir, fragment)


def test_load_environment_reports_the_file(tmp_path: Path) -> None:
    path = tmp_path / "dev.toml"
    path.write_text((ENVIRONMENTS_DIR / "dev.toml").read_text().replace("az_count = 2", "az_count = 0"))
    with pytest.raises(ConfigError, match=r"dev\.toml: az_count must be 1\.\.6, got 0$"):
        load_environment(path)


def test_neon_regions_match_the_provider_schema() -> None:
    import json

    from constructs_lib.value_rules import NEON_REGIONS

    schema = json.loads((REPO_ROOT / "constructs_lib/providers/neon/schema.json").read_text())
    region = schema["provider_schemas"]["registry.terraform.io/kislerdm/neon"]["resource_schemas"]["neon_project"]["block"]["attributes"]["region_id"]
    assert list(NEON_REGIONS) == region["x-allowed-values"]


def test_protection_off_needs_no_locked_values() -> None:
    from environments.config import NeonSettings

    settings = NeonSettings(region_id="aws-us-west-2", protect_from_destroy=False, hipaa=False)
    assert (settings.locked_region_id, settings.locked_pg_version) == (None, None)


def _insert_after(path: Path, anchor: str, lines: str) -> None:
    text = path.read_text()
    assert anchor in text
    path.write_text(text.replace(anchor, f"{anchor}\n{lines}", 1))


@pytest.mark.parametrize(
    ("env", "anchor", "lines", "fragment"),
    [
        (
            "prod",
            "[network]",
            'availability_zones = ["us-east-1a", "us-east-1b"]',
            "network.availability_zones must be 3 distinct zones of us-east-1 (az_count)",
        ),
        (
            "prod",
            "[network]",
            'availability_zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]',
            "network.availability_zones must be 3 distinct zones of us-east-1",
        ),
        ("prod", "[network]", 'availability_zones = ["us-east-1a", "us-east-1a", "us-east-1b"]', "network.availability_zones must be 3 distinct zones"),
        ("prod", "[cloudflare]", "auth_requests_per_period = 20", "cloudflare.auth_requests_per_period must be unset on the free plan"),
        ("prod", "[cloudflare]", "auth_requests_per_period = 20\nplan_typo = 1", "cloudflare.plan_typo is not a known key"),
    ],
    ids=["az-count", "az-region", "az-duplicate", "auth-rule-on-free-plan", "unknown-key"],
)
def test_fails_when_network_section_value_is_bad(tmp_path: Path, outdir: Path, env: str, anchor: str, lines: str, fragment: str) -> None:
    directory = _copy_environments(tmp_path)
    _insert_after(directory / f"{env}.toml", anchor, lines)
    result = _run_main("--config-dir", str(directory), "--outdir", str(outdir))
    _assert_clean_failure(result, outdir, f"{env}.toml: ", fragment)


def test_auth_rate_limit_is_allowed_on_a_paid_plan(tmp_path: Path) -> None:
    directory = _copy_environments(tmp_path)
    for env in ("dev", "staging", "prod"):
        _set_key(directory / f"{env}.toml", "plan", '"pro"')
        _insert_after(directory / f"{env}.toml", "[cloudflare]", "auth_requests_per_period = 20")
    configs = load_all(directory)
    assert {c.cloudflare.auth_requests_per_period for c in configs.values()} == {20}


def test_fails_when_auth_rate_limit_is_not_stricter(tmp_path: Path) -> None:
    path = tmp_path / "prod.toml"
    path.write_text((ENVIRONMENTS_DIR / "prod.toml").read_text().replace('plan = "free"', 'plan = "pro"\nauth_requests_per_period = 100'))
    with pytest.raises(
        ConfigError, match=r"prod\.toml: cloudflare\.auth_requests_per_period must be 1\.\.99 \(stricter than api_requests_per_period\), got 100$"
    ):
        load_environment(path)


def test_availability_zones_default_to_region_letters() -> None:
    configs = load_all()
    assert configs["prod"].availability_zones == ("us-east-1a", "us-east-1b", "us-east-1c")
    assert configs["dev"].availability_zones == ("us-east-1a", "us-east-1b")
    assert configs["prod"].network.nat_gateways == "per_az"
    assert configs["dev"].network.nat_gateways == "single"
    assert {c.network.flow_log_retention_days for c in configs.values()} == {365}
    assert [n for n, c in configs.items() if not c.cloudflare.manage_zone] == []


def test_fails_when_a_zone_has_two_owners(tmp_path: Path, outdir: Path) -> None:
    directory = _copy_environments(tmp_path)
    _set_key(directory / "dev.toml", "domain", '"meridian-health.org"')
    _set_key(directory / "dev.toml", "dns_subdomain", '"dev"')
    result = _run_main("--config-dir", str(directory), "--outdir", str(outdir))
    _assert_clean_failure(
        result,
        outdir,
        "cloudflare.manage_zone must be true in exactly one environment of zone meridian-health.org",
        "got owners ['dev', 'prod']",
    )


def test_fails_when_railway_workspace_id_is_not_a_uuid() -> None:
    import tomllib

    from environments import parse_environment

    data = tomllib.loads((ENVIRONMENTS_DIR / "prod.toml").read_text())
    data["railway"]["workspace_id"] = "team-1"
    with pytest.raises(ConfigError, match=r"^prod\.toml: railway\.workspace_id .*got 'team-1'$"):
        parse_environment(data, "prod.toml", name="prod")
    data["railway"]["workspace_id"] = "0f0e0d0c-0b0a-4908-8706-050403020100"
    assert parse_environment(data, "prod.toml", name="prod").railway.workspace_id == "0f0e0d0c-0b0a-4908-8706-050403020100"


def test_fails_when_an_environment_sharing_a_zone_disagrees_on_zone_wide_values(tmp_path: Path, outdir: Path) -> None:
    """Environments may share a zone (one owns it); the others must repeat its zone-wide values."""
    directory = _copy_environments(tmp_path)
    _set_key(directory / "staging.toml", "domain", '"meridian-health.org"')
    _set_key(directory / "staging.toml", "dns_subdomain", '"staging"')
    _set_key(directory / "staging.toml", "manage_zone", "false")
    _set_key(directory / "staging.toml", "min_tls_version", '"1.3"')
    result = _run_main("--config-dir", str(directory), "--outdir", str(outdir))
    _assert_clean_failure(result, outdir, "staging.toml: cloudflare.min_tls_version must equal prod's '1.2' (it owns zone meridian-health.org), got '1.3'")


def _with(env: str, **changes: object) -> dict[str, object]:
    import tomllib

    data = tomllib.loads((ENVIRONMENTS_DIR / f"{env}.toml").read_text())
    for dotted, value in changes.items():
        *sections, key = dotted.split("__")
        target = data
        for section in sections:
            target = target.setdefault(section, {})
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
    return data


def test_alert_emails_default_to_the_audit_addresses() -> None:
    from environments import parse_environment

    config = parse_environment(_with("staging", alerts__emails=None), "staging.toml", name="staging")
    assert config.alert_emails == tuple(config.audit.alert_emails)
    assert parse_environment(_with("staging"), "staging.toml", name="staging").alert_emails == ("platform-alerts-staging@meridian-health.org",)


def test_fails_when_budget_emails_would_exceed_ten() -> None:
    from environments import parse_environment

    many = [f"oncall{i}@meridian-health.org" for i in range(11)]
    with pytest.raises(ConfigError, match=r"^staging.toml: alerts.emails must be at most 10 addresses when there is a \[budget\] .*got 11$"):
        parse_environment(_with("staging", alerts__emails=None, audit__alert_emails=many), "staging.toml", name="staging")
    # Without a budget, the alert topic takes all of them.
    assert (
        len(parse_environment(_with("staging", alerts__emails=None, audit__alert_emails=many, budget=None), "staging.toml", name="staging").alert_emails) == 11
    )


def test_production_may_say_why_it_pages_nobody() -> None:
    from environments import parse_environment

    reason = "the security team's rota reads the on-call mailbox every 15 minutes"
    config = parse_environment(_with("prod", alerts__https_endpoints=[], alerts__no_paging_reason=reason), "prod.toml", name="prod")
    assert config.alerts.no_paging_reason == reason


def test_fails_when_two_terraform_cloud_environments_share_an_aws_account(tmp_path: Path) -> None:
    """Each Terraform Cloud environment's bootstrap creates an OIDC provider for app.terraform.io in its account: one per account."""
    directory = _copy_environments(tmp_path)
    _set_key(directory / "staging.toml", "aws_account_ids", '["111122223333"]')
    with pytest.raises(ConfigError) as failure:
        load_all(directory)
    assert [line for line in str(failure.value).splitlines() if "aws_account_ids" in line] == [
        f"{directory / 'staging.toml'}: aws_account_ids must not share an account with prod when both use Terraform Cloud "
        "(the bootstrap stack creates each environment's OIDC trust for HCP Terraform, one per account), got ['111122223333']"
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"railway__static_egress_ips": None},
            "prod.toml: railway.static_egress_ips is required when guardrails.production is true and neon.allowed_ips is set "
            "(the services' Static Outbound IPs: their AWS access keys then work from those addresses only)",
        ),
        (
            {"railway__static_egress_ips": ["198.51.100.0/28", "34.86.10.0/30"]},
            "prod.toml: railway.static_egress_ips must be inside neon.allowed_ips ['203.0.113.10/32', '198.51.100.0/28'] "
            "(the services connect to the database from them), got '34.86.10.0/30'",
        ),
        (
            {"railway__static_egress_ips": ["198.51.100.0/28", "198.51.100.0/28"]},
            "prod.toml: railway.static_egress_ips must be distinct entries, got ['198.51.100.0/28', '198.51.100.0/28']",
        ),
        (
            {"railway__static_egress_ips": ["0.0.0.0/0"]},
            "prod.toml: railway.static_egress_ips.0 must be an IPv4 or IPv6 address or CIDR such as '203.0.113.10/32' or '2001:db8::/48' "
            "(no host bits set, not /0), got '0.0.0.0/0'",
        ),
    ],
    ids=["missing-in-production", "outside-the-allow-list", "duplicate", "everyone"],
)
def test_fails_when_the_services_static_egress_is_wrong(changes: dict[str, object], message: str) -> None:
    """One line naming the key and what is allowed (the loader's format), for each way the services' egress can be wrong."""
    from environments import parse_environment

    with pytest.raises(ConfigError) as failure:
        parse_environment(_with("prod", **changes), "prod.toml", name="prod")
    assert any(line.startswith(message) for line in str(failure.value).splitlines()), str(failure.value)


def test_static_egress_is_optional_without_an_allow_list() -> None:
    from environments import parse_environment

    staging = parse_environment(_with("staging", railway__static_egress_ips=["34.86.10.0/30"]), "staging.toml", name="staging")
    assert staging.railway.static_egress_ips == ["34.86.10.0/30"]
    assert parse_environment(_with("staging"), "staging.toml", name="staging").railway.static_egress_ips == []
