"""The temporary sibling folder a synthesis writes before it takes the place of ``cdktf.out`` (no cdktf).

``stacks.app.synthesize`` writes into ``.<outdir>.new-<pid>-<random>`` and renames it to ``<outdir>``
on success; on an error it removes it. A process that is killed (SIGKILL, a closed terminal, an
out-of-memory kill) removes nothing, so the next synthesis calls ``remove_stale_staging`` first.

A folder is stale when the process named in it is no longer running on this machine, or when it is
older than ``STALE_AFTER_SECONDS`` whatever its name says. A synthesis running at the same time in
another process keeps its folder: its pid is alive and its folder is young (a synthesis takes about a
minute). The age rule covers what the pid cannot: a pid reused by an unrelated process, a folder
written by another machine or container sharing the directory (whose pids mean nothing here), and
folders named before the pid was part of the name.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

STALE_AFTER_SECONDS = 3600
"""A staging folder older than this is removed even if its pid is alive (no synthesis takes an hour)."""


def staging_prefix(outdir: Path) -> str:
    """Prefix of this process's staging folder for ``outdir``: ``.<name>.new-<pid>-``."""
    return f".{outdir.name}.new-{os.getpid()}-"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def remove_stale_staging(outdir: Path, *, now: float | None = None) -> list[Path]:
    """Remove the staging folders of ``outdir`` left by interrupted syntheses; returns the removed paths."""
    now = time.time() if now is None else now
    owner = re.compile(rf"^\.{re.escape(outdir.name)}\.new-(?:(\d+)-)?")
    removed = []
    for path in sorted(outdir.parent.glob(f".{outdir.name}.new-*")):
        match = owner.match(path.name)
        if match is None or not path.is_dir():
            continue
        pid = int(match.group(1)) if match.group(1) else None
        try:
            age = now - path.stat().st_mtime
        except FileNotFoundError:  # its own synthesis just renamed or removed it
            continue
        if age > STALE_AFTER_SECONDS or (pid is not None and pid != os.getpid() and not _running(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed
