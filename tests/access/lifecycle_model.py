"""Which S3 storage class an object is in at a given age, from a bucket's lifecycle rules, and whether it can be read.

A deliberately small model of S3 Lifecycle ("Managing the lifecycle of objects", "Transitioning objects using
Amazon S3 Lifecycle", "Using S3 Intelligent-Tiering"), for the access tests:

* A current object created ``age`` days ago is in the class of the latest ``transition`` (``days`` <= age) of
  every enabled rule whose filter prefix the key starts with; STANDARD before any.
* A noncurrent version (replaced ``noncurrent_days`` days ago) keeps the class it had reached when it was
  replaced, then follows ``noncurrent_version_transition``; after ``noncurrent_version_expiration`` it is gone.
* In INTELLIGENT_TIERING, an enabled tiering configuration's archive tier applies once the object has spent its
  ``days`` in the class without access (the model assumes nobody read it: the worst case).
* Objects under 128 KB are not transitioned by S3's default (``transition_default_minimum_object_size``); the
  model assumes a large object, which is the one that moves.

Anything else a rule may say (``date`` transitions, tag or size filters, ``newer_noncurrent_versions``) raises
``Unmodelled`` instead of guessing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

READABLE = frozenset({"STANDARD", "STANDARD_IA", "ONEZONE_IA", "GLACIER_IR", "INTELLIGENT_TIERING", "REDUCED_REDUNDANCY"})
"""Classes ``GetObject`` reads in real time ("Comparing the Amazon S3 storage classes")."""
NEEDS_RESTORE = frozenset({"GLACIER", "DEEP_ARCHIVE", "INTELLIGENT_TIERING/ARCHIVE_ACCESS", "INTELLIGENT_TIERING/DEEP_ARCHIVE_ACCESS"})
"""Classes (and Intelligent-Tiering tiers) whose objects ``GetObject`` refuses with ``InvalidObjectState`` until restored."""
_RULE_KEYS = frozenset(
    {
        "id",
        "status",
        "filter",
        "prefix",
        "transition",
        "noncurrent_version_transition",
        "noncurrent_version_expiration",
        "expiration",
        "abort_incomplete_multipart_upload",
    }
)


class Unmodelled(Exception):
    """A lifecycle or tiering setting this model does not implement."""


def _one(value: Any) -> Any:
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _prefix(rule: Mapping[str, Any]) -> str:
    found = _one(rule.get("filter")) or {}
    unknown = set(found) - {"prefix"}
    if unknown:
        raise Unmodelled(f"lifecycle filter {sorted(unknown)}")
    return str(found.get("prefix") or rule.get("prefix") or "")


def _enabled(rules: Sequence[Mapping[str, Any]], key: str) -> list[Mapping[str, Any]]:
    chosen = []
    for rule in rules:
        unknown = set(rule) - _RULE_KEYS
        if unknown:
            raise Unmodelled(f"lifecycle rule {sorted(unknown)}")
        if rule.get("status") == "Enabled" and key.startswith(_prefix(rule)):
            chosen.append(rule)
    return chosen


def _latest(transitions: list[tuple[int, str]], elapsed: int, start: str) -> tuple[str, int]:
    """The class after the latest transition due at ``elapsed`` days, and how many days ago it happened."""
    due = [(days, storage_class) for days, storage_class in transitions if days <= elapsed]
    if not due:
        return start, elapsed
    days, storage_class = max(due)
    return storage_class, elapsed - days


def _days(rule: Mapping[str, Any], block: str, field: str) -> list[tuple[int, str]]:
    found = []
    for item in rule.get(block) or []:
        if item.get(field) is None:
            raise Unmodelled(f"{block} without {field}: {item}")
        if item.get("newer_noncurrent_versions") is not None:
            raise Unmodelled(f"{block}.newer_noncurrent_versions")
        found.append((int(item[field]), str(item["storage_class"])))
    return found


def _tiered(storage_class: str, days_in_class: int, tiering: Sequence[Mapping[str, Any]], key: str) -> str:
    if storage_class != "INTELLIGENT_TIERING":
        return storage_class
    archived = [
        (int(tier["days"]), str(tier["access_tier"]))
        for config in tiering
        if config.get("status", "Enabled") != "Disabled" and key.startswith(str((_one(config.get("filter")) or {}).get("prefix") or ""))
        for tier in config.get("tiering") or []
        if int(tier["days"]) <= days_in_class
    ]
    return f"INTELLIGENT_TIERING/{max(archived)[1]}" if archived else storage_class


def storage_class(
    rules: Sequence[Mapping[str, Any]], *, key: str, age_days: int, noncurrent_days: int | None = None, tiering: Sequence[Mapping[str, Any]] = ()
) -> str | None:
    """The class of the version of ``key`` created ``age_days`` ago (replaced ``noncurrent_days`` ago, if given); None once expired."""
    applicable = _enabled(rules, key)
    current = [t for rule in applicable for t in _days(rule, "transition", "days")]
    if noncurrent_days is None:
        reached, since = _latest(current, age_days, "STANDARD")
        return _tiered(reached, since, tiering, key)
    if not 0 <= noncurrent_days <= age_days:
        raise ValueError("a version is replaced after it was created")
    expiry = [int(e["noncurrent_days"]) for rule in applicable for e in rule.get("noncurrent_version_expiration") or []]
    if expiry and min(expiry) <= noncurrent_days:
        return None
    reached, since = _latest(current, age_days - noncurrent_days, "STANDARD")
    noncurrent = [t for rule in applicable for t in _days(rule, "noncurrent_version_transition", "noncurrent_days")]
    later, since_later = _latest(noncurrent, noncurrent_days, reached)
    return _tiered(later, since + noncurrent_days if later == reached else since_later, tiering, key)


def readable(storage: str | None) -> bool:
    """Whether ``GetObject`` returns an object in ``storage`` without a restore (an expired version is not a read failure)."""
    if storage is None:
        return True
    if storage in READABLE:
        return True
    if storage in NEEDS_RESTORE:
        return False
    raise Unmodelled(f"storage class {storage!r}")


def versions(rules: Sequence[Mapping[str, Any]], tiering: Sequence[Mapping[str, Any]] = ()) -> list[tuple[int, int | None]]:
    """``(age_days, noncurrent_days)`` worth checking: current versions at 0, a day either side of every day count
    the rules name and ten years; noncurrent versions replaced at each of those ages, that many days later again."""
    marks = {0, 3650}
    for rule in rules:
        for block, field in (
            ("transition", "days"),
            ("noncurrent_version_transition", "noncurrent_days"),
            ("noncurrent_version_expiration", "noncurrent_days"),
            ("expiration", "days"),
        ):
            for item in rule.get(block) or []:
                if item.get(field) is not None:
                    marks |= {int(item[field]) + d for d in (-1, 0, 1)}
    for config in tiering:
        for tier in config.get("tiering") or []:
            marks |= {int(tier["days"]) + d for d in (-1, 0, 1)}
    marks = {m for m in marks if m >= 0}
    current: list[tuple[int, int | None]] = [(age, None) for age in sorted(marks)]
    return current + [(replaced + since, since) for replaced in sorted(marks) for since in sorted(marks)]
