"""Pure rules on the data domain's settings (Neon locks, key versions, key deletion windows) that ``NeonDatabase``,
``AppSecret``, ``FieldEncryptionKey`` and the environment loader share, without cdktf.

The value rules (region, compute units, suspend timeout, history, IP allow-list entries) are in
``constructs_lib.value_rules``; this module holds the rules between values.
"""

from __future__ import annotations

from ..errors import Problem


def neon_lock_problems(
    *,
    protect_from_destroy: bool,
    region_id: str,
    pg_version: int,
    locked_region_id: str | None,
    locked_pg_version: int | None,
    require_lock: bool = False,
) -> list[Problem]:
    """The second-edit locks on the project's region and Postgres version (changing either replaces the project).

    While ``protect_from_destroy`` is on, a given lock must equal its value, so moving the project takes two
    deliberate edits. ``require_lock``: a missing lock is a problem too (environment files always state both).
    """
    if not protect_from_destroy:
        return []
    problems: list[Problem] = []
    for field, value, lock in (("region_id", region_id, locked_region_id), ("pg_version", pg_version, locked_pg_version)):
        if lock != value and (lock is not None or require_lock):
            why = f"changing {field} replaces the project and deletes its data; edit both on purpose"
            allowed = f"equal to {field} ({value!r}) while protect_from_destroy is on ({why})"
            problems.append(Problem(f"locked_{field}", lock, allowed))
    return problems


MAX_KEY_VERSION = 10_000
"""Highest version number of a generated key (``AppSecret``)."""
MAX_KEPT_KEY_VERSIONS = 10
"""Most versions of one generated key kept at once: the oldest are retired on purpose, after re-encryption."""
MIN_KEY_DELETION_WINDOW_DAYS = 7
MAX_KEY_DELETION_WINDOW_DAYS = 30
"""KMS's waiting period before a scheduled key deletion: 7..30 days, during which it can be cancelled."""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def key_version_problems(*, version: object, oldest_version: object) -> list[Problem]:
    """The version pair of a generated key: every version from ``oldest_version`` to ``version`` is kept.

    A ``version`` below ``oldest_version`` is refused: lowering the current version under the oldest kept
    one would destroy every version above it. A lowered ``version`` that stays at or above
    ``oldest_version`` cannot be told from an honest value without Terraform state: only the plan shows
    the destroyed version. At most ``MAX_KEPT_KEY_VERSIONS`` versions are kept.
    """
    problems: list[Problem] = []
    for field, value in (("version", version), ("oldest_version", oldest_version)):
        if not _is_int(value) or not 1 <= value <= MAX_KEY_VERSION:  # type: ignore[operator]
            problems.append(Problem(field, value, f"an integer 1..{MAX_KEY_VERSION}"))
    if problems:
        return problems
    assert isinstance(version, int) and isinstance(oldest_version, int)
    if version < oldest_version:
        problems.append(
            Problem("version", version, f">= the oldest kept version {oldest_version} (a key version is never lowered: that destroys the newer keys)")
        )
    elif version - oldest_version + 1 > MAX_KEPT_KEY_VERSIONS:
        problems.append(
            Problem(
                "oldest_version",
                oldest_version,
                f">= {version - MAX_KEPT_KEY_VERSIONS + 1} (at most {MAX_KEPT_KEY_VERSIONS} versions are kept; "
                "retire the oldest after every value made with it is re-encrypted or has expired)",
            )
        )
    return problems


def deletion_window_problems(days: object) -> list[Problem]:
    """A KMS key's ``deletion_window_days``: 7..30 (KMS's limits)."""
    if not _is_int(days) or not MIN_KEY_DELETION_WINDOW_DAYS <= days <= MAX_KEY_DELETION_WINDOW_DAYS:  # type: ignore[operator]
        return [Problem("deletion_window_days", days, f"an integer {MIN_KEY_DELETION_WINDOW_DAYS}..{MAX_KEY_DELETION_WINDOW_DAYS}")]
    return []
