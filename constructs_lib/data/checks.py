"""Pure rules of the data domain that ``NeonDatabase`` and the environment loader share, without cdktf.

The value rules (region, compute units, suspend timeout, history, IP allow-list entries) are in
``constructs_lib.checks``; this module holds the rules between values.
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
