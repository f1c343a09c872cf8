"""Environment files: the model's rules, and bad input through the real entry point."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert {n: c.retention_days for n, c in configs.items()} == {"dev": 1, "staging": 3, "prod": 30}
    assert {n: (c.replicas_min, c.replicas_max) for n, c in configs.items()} == {
        "dev": (1, 3),
        "staging": (1, 5),
        "prod": (2, 20),
    }


def test_config_is_frozen() -> None:
    config = load_all()["dev"]
    with pytest.raises(ValueError, match="frozen"):
        config.phase = 1  # type: ignore[misc]


def test_public_domain_puts_prod_at_the_zone_apex() -> None:
    configs = load_all()
    assert configs["prod"].public_domain == configs["prod"].domain
    assert configs["dev"].public_domain == f"dev.{configs['dev'].domain}"


def _copy_environments(tmp_path: Path) -> Path:
    target = tmp_path / "environments"
    target.mkdir()
    for name in ("dev", "staging", "prod"):
        shutil.copy(ENVIRONMENTS_DIR / f"{name}.toml", target / f"{name}.toml")
    return target


def _set_key(path: Path, key: str, raw_value: str | None) -> None:
    """Replace ``key = ...`` (top-level or in its section) with ``raw_value``; None deletes the line."""
    text = path.read_text()
    pattern = re.compile(rf"^{re.escape(key)} = .*$", re.MULTILINE)
    assert pattern.search(text), f"{key} not in {path.name}"
    path.write_text(pattern.sub("" if raw_value is None else f"{key} = {raw_value}", text, count=1))


# (file, key, new raw TOML value or None to delete, the field the message must name, a fragment of it)
BAD_VALUES = [
    ("dev", "phase", "0", "phase", "1..4, got 0"),
    ("dev", "phase", "5", "phase", "1..4, got 5"),
    ("dev", "phase", '"four"', "phase", "got 'four'"),
    ("staging", "name", '"qa"', "name", "got 'qa'"),
    ("staging", "name", '"prod"', "name", "must match the file name 'staging'"),
    ("dev", "aws_region", '"us-middle-9"', "aws_region", "AWS region code"),
    ("dev", "domain", '"Not A Domain"', "domain", "DNS name"),
    ("dev", "domain", None, "domain", "is required"),
    ("dev", "vpc_cidr", '"10.0.0.0/33"', "vpc_cidr", "got '10.0.0.0/33'"),
    ("dev", "vpc_cidr", '"10.0.0.1/16"', "vpc_cidr", "IPv4 CIDR"),
    ("dev", "vpc_cidr", '"10.0.0.0/8"', "vpc_cidr", "/16../20"),
    ("dev", "vpc_cidr", '"8.8.0.0/16"', "vpc_cidr", "private address space"),
    ("staging", "vpc_cidr", '"10.0.128.0/17"', "vpc_cidr", "must not overlap dev's 10.0.0.0/16"),
    ("prod", "az_count", "9", "az_count", "1..6, got 9"),
    ("prod", "retention_days", "-1", "retention_days", "1..30, got -1"),
    ("prod", "replicas_min", "30", "replicas_min", "replicas_min must be <= replicas_max (20), got 30"),
    ("dev", "replicas_max", "true", "replicas_max", "integer"),
    ("dev", "pg_version", "13", "neon.pg_version", "14..18, got 13"),
    ("prod", "min_tls_version", '"1.0"', "cloudflare.min_tls_version", "'1.2' or '1.3'"),
    ("prod", "retention_days", "3", "retention_days", ">= 7 when guardrails.production is true (HC-NEON-001), got 3"),
    ("dev", "production", '"yes"', "guardrails.production", "valid boolean"),
]


def _run_main(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "main.py"), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
    )


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


def test_fails_when_environment_file_is_missing(tmp_path: Path, outdir: Path) -> None:
    directory = _copy_environments(tmp_path)
    (directory / "prod.toml").unlink()
    result = _run_main("--config-dir", str(directory), "--outdir", str(outdir))
    _assert_clean_failure(result, outdir, "prod.toml: is missing")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--env", "qa"], "command line --env: environment must be one of dev, staging, prod, got 'qa'"),
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
