"""Bad input through the real entry point: one clear line, exit status 2, no traceback, cdktf.out untouched.

``tests/unit/test_environments.py`` holds the per-field environment-file cases
(``BAD_VALUES``, unknown keys, empty/non-TOML/missing files, basic command-line
errors). This module adds the process-environment and remaining command-line and
file cases, and construct-level failures (guardrail findings, unjustified suppressions)
driven through ``main.main``. Config and command-line errors fail before cdktf is
imported; they run ``main.main`` in-process (milliseconds each).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import main
import stacks.app
from constructs_lib.engine.aws import S3Bucket
from constructs_lib.engine.core import App
from environments import ENVIRONMENTS_DIR, EnvironmentConfig
from tests.unit.test_environments import _assert_clean_failure, _copy_environments, _set_key, run_main


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_main(args, {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **(env or {})})


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    (out / "previous.txt").write_text("previous output")
    return out


@pytest.mark.parametrize(
    ("args", "env", "fragment"),
    [
        (["--env", ""], {}, "command line --env: environments must be one or more of dev, prod, staging, bootstrap, got none"),
        (["--env", "dev,qa"], {}, "command line --env: environment must be one of dev, prod, staging, bootstrap (one file each in environments/), got 'qa'"),
        (["--phase", "two"], {}, "command line --phase: phase must be one of 1..4, got 'two'"),
        (["--phase", "-1"], {}, "command line --phase: phase must be one of 1..4, got '-1'"),
        (["--outdir"], {}, "command line: argument --outdir: expected one argument"),
        (["--config-dir", "/nonexistent/environments"], {}, "/nonexistent/environments: has no environment files (<name>.toml)"),
        ([], {"PLATFORM_PHASE": "9"}, "environment PLATFORM_PHASE: phase must be one of 1..4, got '9'"),
        (
            [],
            {"PLATFORM_ENVIRONMENTS": "prod,uat"},
            "environment PLATFORM_ENVIRONMENTS: environment must be one of dev, prod, staging, bootstrap (one file each in environments/), got 'uat'",
        ),
        ([], {"TFC_ORGANIZATION": "acme health!"}, "environment: TFC_ORGANIZATION and TFC_WORKSPACE_PREFIX must be letters, digits, '-' or '_'"),
    ],
    ids=[
        "empty-env",
        "unknown-env-in-list",
        "phase-word",
        "phase-negative",
        "outdir-without-value",
        "missing-config-dir",
        "env-var-phase",
        "env-var-environments",
        "env-var-tfc-org",
    ],
)
def test_fails_when_command_line_or_process_environment_is_bad(outdir: Path, args: list[str], env: dict[str, str], fragment: str) -> None:
    extra = [] if "--outdir" in args else ["--outdir", str(outdir)]
    result = _run(*args, *extra, env=env)
    if "--outdir" in args:  # argparse failed before an output folder was known: nothing may be written
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines() == [f"error: {fragment}"]
        return
    _assert_clean_failure(result, outdir, fragment)


@pytest.mark.parametrize(
    ("env", "key", "raw", "fragment"),
    [
        ("dev", "project", '"Health Care"', "project must match pattern"),
        ("dev", "dns_subdomain", '"Dev"', "dns_subdomain must match pattern"),
        ("staging", "replicas", "0", "replicas must be 1..50, got 0"),
        ("prod", "pg_version", '"17"', "neon.pg_version must be a valid integer, got '17'"),
        ("prod", "region_id", "5", "neon.region_id must be a valid string, got 5"),
        ("dev", "railway.region", '""', "railway.region must match pattern '^[a-z0-9]+(-[a-z0-9]+)+$', got ''"),
        ("prod", "audit.log_reader_arn", None, "audit.log_reader_arn is required when guardrails.production is true"),
        ("prod", "audit.log_reader_arn", '"arn:aws:iam::12345:role/reader"', "audit.log_reader_arn must match pattern"),
        ("staging", "project", '"healthcare-platform-ab"', "project and name must leave room for the bucket name healthcare-platform-ab-staging-"),
        ("prod", "s3.protect_from_destroy", "false\nforce_destroy = true", "s3.force_destroy must be false unless disposable is true"),
        ("prod", "state_backend", '"local"', "state_backend must be 'terraform_cloud' unless disposable is true (local state keeps Neon passwords"),
        ("staging", "state_backend", '"local"', "state_backend must be 'terraform_cloud' unless disposable is true"),
        ("prod", "aws_account_ids", "[]", "aws_account_ids must name at least one account, disposable environments too"),
        ("dev", "aws_account_ids", "[]", "aws_account_ids must name at least one account, disposable environments too"),
        ("dev", "aws_account_ids", None, "aws_account_ids is required"),
        ("prod", "aws_account_ids", '["12345678901"]', "aws_account_ids.0 must match pattern '^\\d{12}$', got '12345678901'"),
        ("prod", "workspace_prefix", '"health care"', "terraform_cloud.workspace_prefix must match pattern"),
        ("prod", "disposable", "true", "disposable must be false when guardrails.production is true"),
        ("prod", "railway.workspace_id", None, "railway.workspace_id is required when guardrails.production is true"),
        ("prod", "auto_apply", "true", "terraform_cloud.auto_apply must be false when guardrails.production is true"),
        ("staging", "cloudflare.zone_id", None, "cloudflare.zone_id is required unless disposable is true"),
        ("prod", "alerts.https_endpoints", '["http://events.pagerduty.com/integration/k/enqueue"]', "alerts.https_endpoints.0 must be an https:// URL such as"),
        (
            "staging",
            "alerts.emails",
            '["oncall.meridian-health.org"]',
            "alerts.emails.0 must be an email address such as 'oncall@health.example.org', got 'oncall.meridian-health.org'",
        ),
        ("dev", "budget.monthly_limit_usd", "0", "budget.monthly_limit_usd must be 1..1000000 whole US dollars, got 0"),
        ("prod", "budget.monthly_limit_usd", "-250", "budget.monthly_limit_usd must be 1..1000000 whole US dollars, got -250"),
        ("prod", "uptime.health_paths", '{ billing = "/health" }', "uptime.health_paths must be keyed by public services (gateway); unknown: billing"),
        ("prod", "telemetry.error_rate_percent", "0.0", "telemetry.error_rate_percent must be a percentage above 0 and at most 100, got 0.0"),
        ("staging", "telemetry.error_rate_percent", "100.5", "telemetry.error_rate_percent must be a percentage above 0 and at most 100, got 100.5"),
        (
            "prod",
            "telemetry.latency_p95_ms",
            "800",
            "telemetry.latency_p95_ms must be at least uptime.latency_threshold_ms (1000: the outside check of the cheapest request), got 800",
        ),
        (
            "dev",
            "telemetry.no_traffic_periods",
            '3\nquiet_services = ["billing"]',
            "telemetry.quiet_services must be public services (gateway); unknown: billing, got ['billing']",
        ),
        (
            "prod",
            "telemetry.log_retention_days",
            "90",
            "telemetry.log_retention_days must be >= 365 (or turn on telemetry.logs_may_contain_phi = false), got 90",
        ),
    ],
    ids=[
        "project-with-space",
        "subdomain-uppercase",
        "replicas-zero",
        "pg-version-string",
        "neon-region-number",
        "railway-region-empty",
        "prod-without-audit-reader",
        "audit-reader-not-an-arn",
        "bucket-name-too-long-with-account",
        "prod-force-destroy",
        "prod-local-state",
        "staging-local-state",
        "prod-without-account-ids",
        "dev-without-account-ids",
        "dev-account-ids-missing",
        "account-id-11-digits",
        "workspace-prefix-with-space",
        "prod-disposable",
        "prod-without-railway-workspace",
        "prod-auto-apply",
        "staging-without-zone-id",
        "webhook-not-https",
        "alert-email-without-at",
        "budget-zero",
        "budget-negative",
        "health-path-unknown-service",
        "telemetry-error-rate-zero",
        "telemetry-error-rate-above-100",
        "telemetry-latency-under-uptime",
        "telemetry-unknown-service",
        "telemetry-phi-retention-short",
    ],
)
def test_fails_when_environment_file_value_is_malformed(tmp_path: Path, outdir: Path, env: str, key: str, raw: str | None, fragment: str) -> None:
    directory = _copy_environments(tmp_path)
    _set_key(directory / f"{env}.toml", key, raw)
    result = _run("--config-dir", str(directory), "--outdir", str(outdir))
    _assert_clean_failure(result, outdir, f"{env}.toml: {fragment}")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('name = "dev"\nname = "dev"\n', "is not valid TOML"),
        ('[terraform_cloud]\norganization = "acme health"\n', "terraform_cloud.organization must match pattern"),
        ("[guardrails]\nproduction = true\nstrict = true\n", "guardrails.strict is not a known key (allowed: production)"),
    ],
    ids=["duplicate-key", "tfc-org-with-space", "unknown-guardrails-key"],
)
def test_fails_when_environment_file_structure_is_bad(tmp_path: Path, outdir: Path, text: str, fragment: str) -> None:
    directory = _copy_environments(tmp_path)
    body = (ENVIRONMENTS_DIR / "dev.toml").read_text().replace("[guardrails]\nproduction = false\n", "")
    (directory / "dev.toml").write_text(text + body if text.startswith("name") else body + "\n" + text)
    result = _run("--config-dir", str(directory), "--outdir", str(outdir))
    _assert_clean_failure(result, outdir, "dev.toml: ", fragment)


def _with_dev_extra(add):  # noqa: ANN001, ANN202 - wraps stacks.app.build_app with a construct-level change
    original = stacks.app.build_app

    def build(configs: Sequence[EnvironmentConfig], outdir: Path, **options: Any) -> App:
        app = original(configs, outdir, **options)
        add(app.node.find_child("dev"))
        return app

    return build


def _suppress_with(reason: str):  # noqa: ANN202
    def add(stack) -> None:  # noqa: ANN001
        from constructs_lib.guardrails import suppress

        suppress(S3Bucket(stack, "Docs"), "HC-S3-005", reason)

    return add


@pytest.mark.parametrize(
    ("add", "expected"),
    [
        (lambda s: S3Bucket(s, "Stray"), "error: dev/Stray: HC-S3-001 (error): bucket has no aws_s3_bucket_server_side_encryption_configuration"),
        (_suppress_with("temporary"), "error: dev/Docs: reason must be a reason of at least 20 characters"),
    ],
    ids=["guardrail-finding", "suppression-without-reason"],
)
def test_fails_when_a_construct_breaks_the_rules(monkeypatch: pytest.MonkeyPatch, outdir: Path, capsys: pytest.CaptureFixture[str], add, expected: str) -> None:  # noqa: ANN001
    monkeypatch.setattr(stacks.app, "build_app", _with_dev_extra(add))
    status = main.main(["--env", "dev", "--outdir", str(outdir)], {})
    err = capsys.readouterr().err
    assert status == 2
    assert "Traceback" not in err
    assert err.splitlines()[0].startswith(expected)
    assert all(line.startswith("error: dev/") for line in err.splitlines())
    assert (outdir / "previous.txt").read_text() == "previous output"
    assert sorted(p.name for p in outdir.parent.iterdir()) == ["out"]


@pytest.mark.parametrize(
    ("env", "key", "raw", "fragment"),
    [
        ("dev", "neon.# allowed_ips", '["10.0.0.300/32"]', "neon.allowed_ips must be an IPv4 or IPv6 address or CIDR such as '203.0.113.10/32'"),
        (
            "staging",
            "neon.# allowed_ips",
            '["203.0.113.10/24"]',
            "neon.allowed_ips must be an IPv4 or IPv6 address or CIDR such as '203.0.113.10/32' "
            "or '2001:db8::/48' (no host bits set, not /0), got '203.0.113.10/24'",
        ),
        (
            "prod",
            "neon.allowed_ips",
            '["0.0.0.0/0"]',
            "neon.allowed_ips must be an IPv4 or IPv6 address or CIDR such as '203.0.113.10/32' or '2001:db8::/48' (no host bits set, not /0), got '0.0.0.0/0'",
        ),
        ("prod", "neon.allowed_ips", "[]", "neon.allowed_ips must list at least one address or CIDR when neon.hipaa is true"),
        ("prod", "neon.allowed_ips", None, "neon.allowed_ips must list at least one address or CIDR when neon.hipaa is true"),
        ("prod", "neon.org_id", None, "neon.org_id is required when neon.hipaa is true"),
        ("dev", "neon.hipaa", 'true\nallowed_ips = ["203.0.113.10"]', "neon.org_id is required when neon.hipaa is true"),
        (
            "staging",
            "neon.hipaa",
            'false\nreplica_readers = ["billing"]',
            "neon.replica_readers must name services that own a database (auth, patient, provider, medical-records, appointment), got 'billing'",
        ),
        ("dev", "neon.hipaa", 'false\nreplica_readers = ["appointment-scheduler"]', "neon.replica_readers must name services that own a database"),
        ("dev", "backups.job_repo", '"meridian-health/healthcare-platform-infra"\nschedule = "daily"', "backups.schedule must be a five-field cron expression"),
        ("dev", "app_secrets.jwt_signing_key_version", "0", "app_secrets.jwt_signing_key_version must be 1..10000, got 0"),
        ("prod", "backups.restore_reader_arn", None, "backups.restore_reader_arn is required when guardrails.production is true"),
    ],
    ids=[
        "cidr-malformed",
        "cidr-host-bits",
        "cidr-everyone",
        "prod-empty-allow-list",
        "prod-no-allow-list",
        "hipaa-without-org-id",
        "dev-hipaa-without-org-id",
        "unknown-replica-reader",
        "replica-reader-without-database",
        "backup-schedule",
        "secret-version-zero",
        "prod-without-restore-role",
    ],
)
def test_fails_when_database_access_settings_are_bad(tmp_path: Path, outdir: Path, env: str, key: str, raw: str | None, fragment: str) -> None:
    directory = _copy_environments(tmp_path)
    _set_key(directory / f"{env}.toml", key, raw)
    result = _run("--config-dir", str(directory), "--outdir", str(outdir))
    _assert_clean_failure(result, outdir, f"{env}.toml: {fragment}")


@pytest.mark.parametrize(
    ("env", "key", "raw", "fragment"),
    [
        (
            "staging",
            "app_secrets.jwt_signing_key_oldest_version",
            "2",
            "app_secrets.jwt_signing_key_version must be >= the oldest kept version 2 (a key version is never lowered: that destroys the newer keys), got 1",
        ),
        (
            "dev",
            "app_secrets.jwt_signing_key_version",
            "11",
            "app_secrets.jwt_signing_key_oldest_version must be >= 2 (at most 10 versions are kept; "
            "retire the oldest after every value made with it is re-encrypted or has expired), got 1",
        ),
        (
            "dev",
            "field_encryption.raw_key_services",
            '["gateway"]',
            "field_encryption.raw_key_services must name services that encrypt PHI fields, each for its own key "
            "(patient, medical-records, appointment), got 'gateway'",
        ),
        ("dev", "field_encryption.raw_key_services", '["patient", "patient"]', "field_encryption.raw_key_services must be distinct"),
        ("dev", "field_encryption.key_deletion_window_days", "3", "field_encryption.key_deletion_window_days must be 7..30, got 3"),
        ("prod", "field_encryption.key_deletion_window_days", "7", "field_encryption.key_deletion_window_days must be 30 when guardrails.production is true"),
        ("prod", "field_encryption.protect_from_destroy", "false", "field_encryption.protect_from_destroy must be true when guardrails.production is true"),
        ("prod", "app_secrets.protect_from_destroy", "false", "app_secrets.protect_from_destroy must be true when guardrails.production is true"),
    ],
    ids=[
        "key-version-lowered",
        "too-many-key-versions",
        "raw-key-for-a-service-without-phi-fields",
        "raw-key-twice",
        "deletion-window-short",
        "prod-deletion-window",
        "prod-field-keys-unprotected",
        "prod-raw-keys-unprotected",
    ],
)
def test_fails_when_key_settings_are_bad(tmp_path: Path, outdir: Path, env: str, key: str, raw: str, fragment: str) -> None:
    directory = _copy_environments(tmp_path)
    _set_key(directory / f"{env}.toml", key, raw)
    result = _run("--config-dir", str(directory), "--outdir", str(outdir))
    _assert_clean_failure(result, outdir, f"{env}.toml: {fragment}")


def _grant_patient_key_to_appointment(stack) -> None:  # noqa: ANN001
    stack.field_keys["patient"].grant_use(stack.identities["appointment"])


def test_fails_when_a_service_asks_for_another_services_key(monkeypatch: pytest.MonkeyPatch, outdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(stacks.app, "build_app", _with_dev_extra(_grant_patient_key_to_appointment))
    status = main.main(["--env", "dev", "--outdir", str(outdir)], {})
    err = capsys.readouterr().err
    assert status == 2
    assert err.splitlines() == ["error: dev/FieldKey-patient: identity.service must be 'patient' (a service uses only its own field key), got 'appointment'"]
    assert (outdir / "previous.txt").read_text() == "previous output"
