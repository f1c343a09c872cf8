"""Storage settings are declared once (issue 29): ``SecureS3Settings`` / ``AccessLogBucketSettings`` are the Props' values,
``[s3]`` *is* a ``StorageSettings`` and ``[backups]`` a ``BackupBucketSettings``, and every value is judged by one rule
(``secure_s3_settings_problems``, ``access_log_bucket_settings_problems``), in the construct and in the file."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.storage.access_log_settings import AccessLogBucketSettings, access_log_bucket_settings_problems
from constructs_lib.storage.secure_s3_settings import SecureS3Settings, secure_s3_settings_problems
from constructs_lib.storage.storage_settings import (
    BackupBucketSettings,
    StorageSettings,
    backup_bucket_settings_problems,
    storage_settings_problems,
)
from constructs_lib.storage.storage_types import DataClassification, ObjectLockMode
from environments import EnvironmentConfig, load_all
from environments.loader import ConfigError, load_environment
from platform_plan.phases import BUCKETS, BucketSpec
from tests.conftest import REPO_ROOT

ENVIRONMENTS = REPO_ROOT / "environments"

# (settings that break exactly one rule, the field it names, a fragment of what is allowed): one per rule of
# secure_s3_settings_problems, so dropping a rule fails its case.
BROKEN: list[tuple[dict[str, Any], str, str]] = [
    ({"transition_ia_days": 10}, "transition_ia_days", "30..36500"),
    ({"transition_glacier_days": 0, "transition_ia_days": None}, "transition_glacier_days", "1..36500 or None"),
    ({"transition_glacier_days": 30}, "transition_glacier_days", "greater than transition_ia_days (30)"),
    ({"noncurrent_version_expiration_days": 0}, "noncurrent_version_expiration_days", "1..36500"),
    ({"noncurrent_version_expiration_days": 36501}, "noncurrent_version_expiration_days", "1..36500"),
    ({"abort_incomplete_multipart_upload_days": 31}, "abort_incomplete_multipart_upload_days", "1..30"),
    ({"expiration_days": 90}, "expiration_days", "after the last transition (90 days): 91..36500"),
    ({"object_lock_retention_days": 0}, "object_lock_retention_days", "1..36500"),
    ({"object_lock_retention_days": 365}, "noncurrent_version_expiration_days", "at least object_lock_retention_days (365)"),
    ({"object_lock_mode": ObjectLockMode.GOVERNANCE}, "object_lock_mode", "left at its default"),
    ({"force_destroy": True, "protect_from_destroy": False}, "force_destroy", "False for PHI buckets"),
    ({"force_destroy": True, "allow_force_destroy_phi": True}, "force_destroy", "False while protect_from_destroy is True"),
    (
        {"force_destroy": True, "allow_force_destroy_phi": True, "protect_from_destroy": False, "object_lock_retention_days": 30},
        "force_destroy",
        "False with Object Lock in COMPLIANCE mode",
    ),
    ({"allow_force_destroy_phi": True}, "allow_force_destroy_phi", "False unless force_destroy is True"),
    ({"replication_opt_out_reason": "n/a"}, "replication_opt_out_reason", "at least 20 characters"),
]


@pytest.mark.parametrize(("values", "field", "allowed"), BROKEN, ids=[f"{case[1]}-{index}" for index, case in enumerate(BROKEN)])
def test_each_rule_of_the_bucket_settings_is_in_the_one_rule(values: dict[str, Any], field: str, allowed: str) -> None:
    (problem,) = secure_s3_settings_problems(SecureS3Settings(**values))
    assert problem.field == field
    assert allowed in problem.allowed


def test_valid_settings_have_no_problem() -> None:
    assert secure_s3_settings_problems(SecureS3Settings()) == []
    assert (
        secure_s3_settings_problems(SecureS3Settings(object_lock_retention_days=30, expiration_days=30, transition_ia_days=None, transition_glacier_days=None))
        == []
    )
    assert access_log_bucket_settings_problems(AccessLogBucketSettings()) == []
    assert storage_settings_problems(StorageSettings()) == []
    assert backup_bucket_settings_problems(BackupBucketSettings()) == []


def test_the_access_log_bucket_rule() -> None:
    assert [p.field for p in access_log_bucket_settings_problems(AccessLogBucketSettings(force_destroy=True))] == ["force_destroy"]
    (problem,) = access_log_bucket_settings_problems(AccessLogBucketSettings(expiration_days=90))
    assert (problem.field, problem.allowed) == ("expiration_days", "after the last transition (90 days): 91..36500")


def test_the_sections_are_the_library_settings() -> None:
    for config in load_all().values():
        assert isinstance(config.s3, StorageSettings)
        assert isinstance(config.backups, BackupBucketSettings)
    s3_keys = [field.name for field in dataclasses.fields(type(load_all()["dev"].s3))]
    assert s3_keys == [field.name for field in dataclasses.fields(StorageSettings)]  # [s3] adds no key of its own
    backup_keys = [field.name for field in dataclasses.fields(type(load_all()["dev"].backups))]
    library_keys = [field.name for field in dataclasses.fields(BackupBucketSettings)]
    assert backup_keys[: len(library_keys)] == library_keys
    assert backup_keys[len(library_keys) :] == ["schedule", "freshness_slack_minutes", "job_repo", "job_branch", "restore_reader_arn"]


def test_a_setting_the_bucket_has_takes_its_default_from_the_bucket() -> None:
    defaults = StorageSettings()
    assert defaults.noncurrent_version_expiration_days == SecureS3Settings().noncurrent_version_expiration_days
    assert defaults.audit_log_lock_mode is SecureS3Settings().object_lock_mode
    assert defaults.access_log_expiration_days == AccessLogBucketSettings().expiration_days


def _expected(config: EnvironmentConfig, spec: BucketSpec) -> dict[str, Any]:
    """What the stack gave each bucket before the settings were declared once (stacks/_storage.py, by keyword)."""
    from stacks._storage import NO_REPLICA_REASON

    s3, backups, lock = config.s3, config.backups, spec.object_lock
    if lock:
        noncurrent = max(s3.noncurrent_version_expiration_days, s3.audit_log_retention_days)
    else:
        noncurrent = backups.noncurrent_version_expiration_days if spec.backup_retention else s3.noncurrent_version_expiration_days
    return {
        "classification": spec.classification,
        "transition_ia_days": spec.transition_ia_days,
        "transition_glacier_days": spec.transition_glacier_days,
        "glacier_storage_class": spec.glacier_storage_class,
        "noncurrent_version_expiration_days": noncurrent,
        "expiration_days": backups.retention_days if spec.backup_retention else None,
        "object_lock_retention_days": s3.audit_log_retention_days if lock else backups.retention_days if spec.backup_retention else None,
        "object_lock_mode": ObjectLockMode(s3.audit_log_lock_mode if lock else config.backup_lock_mode if spec.backup_retention else "COMPLIANCE"),
        "protect_from_destroy": s3.protect_from_destroy,
        "force_destroy": s3.force_destroy,
        "allow_force_destroy_phi": s3.force_destroy,
        "replication_opt_out_reason": None if s3.replica_region else NO_REPLICA_REASON,
    }


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_the_props_built_from_the_sections_are_the_props_built_by_keyword(env: str) -> None:
    from constructs_lib.storage.access_log_bucket import AccessLogBucketProps
    from constructs_lib.storage.secure_s3_props import SecureS3Props
    from stacks import _storage

    config = load_all()[env]
    references: dict[str, Any] = {"project": "acme", "environment": env, "access_log_bucket": object()}
    for spec in BUCKETS:
        settings = _storage.bucket_settings(config, spec, replicated=config.s3.replica_region is not None)
        by_keyword = SecureS3Props(purpose=spec.purpose, **references, **_expected(config, spec))
        assert SecureS3Props.from_settings(settings, purpose=spec.purpose, **references) == by_keyword, spec.purpose
    access = AccessLogBucketProps(
        project="acme",
        environment=env,
        expiration_days=config.s3.access_log_expiration_days,
        protect_from_destroy=config.s3.protect_from_destroy,
        force_destroy=config.s3.force_destroy,
    )
    assert AccessLogBucketProps.from_settings(config.s3.access_log_bucket(), project="acme", environment=env) == access


def _set_key(text: str, section: str, key: str, raw: str) -> str:
    head, body = text.split(f"[{section}]\n", 1)
    table, rest = body.split("\n[", 1)
    line = re.compile(rf"^{key} = .*$", re.MULTILINE)
    table = line.sub(f"{key} = {raw}", table) if line.search(table) else f"{key} = {raw}\n{table}"
    return f"{head}[{section}]\n{table}\n[{rest}"


def _last_line(tmp_path: Path, env: str, section: str, key: str, raw: str) -> str:
    path = tmp_path / f"{env}.toml"
    path.write_text(_set_key((ENVIRONMENTS / f"{env}.toml").read_text(), section, key, raw))
    with pytest.raises(ConfigError) as caught:
        load_environment(path)
    return str(caught.value).splitlines()[-1]


@pytest.mark.parametrize(
    ("env", "key", "value", "bucket", "field"),
    [
        ("staging", "noncurrent_version_expiration_days", 0, SecureS3Settings(), "noncurrent_version_expiration_days"),
        ("staging", "noncurrent_version_expiration_days", 36501, SecureS3Settings(), "noncurrent_version_expiration_days"),
        ("dev", "audit_log_retention_days", 0, SecureS3Settings(noncurrent_version_expiration_days=36500), "object_lock_retention_days"),
        ("prod", "audit_log_retention_days", 36501, SecureS3Settings(noncurrent_version_expiration_days=36500), "object_lock_retention_days"),
        ("dev", "access_log_expiration_days", 90, AccessLogBucketSettings(), "expiration_days"),
    ],
)
def test_an_s3_key_is_refused_with_the_rule_of_the_bucket_field_it_sets(
    tmp_path: Path, env: str, key: str, value: int, bucket: SecureS3Settings | AccessLogBucketSettings, field: str
) -> None:
    """The file's message is the bucket rule's Problem under the file's key: one rule, not a copy."""
    if isinstance(bucket, AccessLogBucketSettings):
        problems = access_log_bucket_settings_problems(dataclasses.replace(bucket, **{field: value}))
    else:
        problems = secure_s3_settings_problems(dataclasses.replace(bucket, **{field: value}))
    (problem,) = [p for p in problems if p.field == field]
    assert _last_line(tmp_path, env, "s3", key, str(value)).endswith(f".toml: s3.{key} must be {problem.allowed}, got {value!r}")


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        # retention_days sets the backups bucket's expiration_days and object_lock_retention_days: one line, not two.
        ("retention_days", "0", "backups.retention_days must be 1..36500, got 0"),
        ("retention_days", "36501", "backups.retention_days must be 1..36500, got 36501"),
        ("noncurrent_version_expiration_days", "0", "backups.noncurrent_version_expiration_days must be 1..36500, got 0"),
        ("lock_mode", '"LEGAL_HOLD"', "backups.lock_mode must be 'COMPLIANCE' or 'GOVERNANCE', got 'LEGAL_HOLD'"),
    ],
)
def test_a_backups_key_is_refused_with_the_rule_of_the_bucket_field_it_sets(tmp_path: Path, key: str, raw: str, message: str) -> None:
    assert _last_line(tmp_path, "prod", "backups", key, raw).endswith(f".toml: {message}")


def test_a_lock_mode_is_read_by_its_value(tmp_path: Path) -> None:
    path = tmp_path / "staging.toml"
    path.write_text(_set_key((ENVIRONMENTS / "staging.toml").read_text(), "backups", "lock_mode", '"GOVERNANCE"'))
    config = load_environment(path)
    assert config.backups.lock_mode is ObjectLockMode.GOVERNANCE
    assert config.s3.audit_log_lock_mode is ObjectLockMode.GOVERNANCE


def test_a_longer_backup_retention_is_accepted_now() -> None:
    """Behaviour change (reported): [backups] retention_days 3651..36500 was refused (1..3650) and is the bucket's range now."""
    assert backup_bucket_settings_problems(BackupBucketSettings(retention_days=3651)) == []


def test_the_settings_import_neither_cdktf_nor_pydantic() -> None:
    modules = "constructs_lib.storage.secure_s3_settings, constructs_lib.storage.access_log_settings, constructs_lib.storage.storage_settings"
    code = f"import sys, {modules}; print(sorted(m for m in ('cdktf', 'cdktn', 'pydantic', 'jsii') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT, timeout=60)
    assert result.stdout.strip() == "[]"


def test_a_phi_bucket_of_an_environment_without_force_destroy_refuses_nothing() -> None:
    settings = StorageSettings().bucket(SecureS3Settings(classification=DataClassification.PHI), audit_log=True)
    assert secure_s3_settings_problems(settings) == []
