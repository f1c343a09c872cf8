"""HC-S3-006: a bucket that lets a principal ``s3:GetObject`` never moves objects to a class that needs a restore.

``GetObject`` on an object in S3 Glacier Flexible Retrieval (``GLACIER``), Glacier Deep Archive
(``DEEP_ARCHIVE``) or an Intelligent-Tiering archive tier (``ARCHIVE_ACCESS``, ``DEEP_ARCHIVE_ACCESS``)
fails with ``InvalidObjectState`` until someone calls ``s3:RestoreObject`` and waits minutes to hours.

Readers are every Allow of ``s3:GetObject`` on the bucket's objects: identity policies of the stack
(managed, inline, ``inline_policy``) and the bucket's policy, per principal. A reader that may also
``s3:RestoreObject`` the same keys (a human restore role) is allowed to read an archive. Current-version
transitions matter to every reader; ``noncurrent_version_transition`` only to readers that may
``s3:GetObjectVersion`` (earlier versions). An Intelligent-Tiering configuration with an archive tier counts
whether objects arrive by a lifecycle transition or by an upload naming the class. Rules, grants and tiering
configurations scoped to key prefixes conflict only where their prefixes overlap.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .._policy import Statement, statements_of
from .._rule import Level, PackOptions, Rule, Violation
from .._view import Block, StackView, as_list, is_reference, referenced_names
from ._iam import identity_policies
from ._s3 import companions

RESTORE_CLASSES = frozenset({"GLACIER", "DEEP_ARCHIVE"})
"""Lifecycle storage classes whose objects ``GetObject`` refuses until they are restored."""
ARCHIVE_TIERS = frozenset({"ARCHIVE_ACCESS", "DEEP_ARCHIVE_ACCESS"})
"""Intelligent-Tiering access tiers whose objects must be restored before they are read."""
_ARN = re.compile(r"^arn:[a-z-]+:s3:::([^/]+)/(.*)$")


@dataclass(frozen=True, slots=True)
class Reader:
    """A principal (or an identity policy's holders) allowed ``s3:GetObject`` on keys starting with ``prefix``."""

    who: str
    prefix: str
    versions: bool
    """Also ``s3:GetObjectVersion``: earlier (noncurrent) versions are read too."""
    restores: bool
    """Also ``s3:RestoreObject`` on the same keys: it can bring an archived object back itself."""


@dataclass(frozen=True, slots=True)
class Archive:
    """Objects (under ``prefix``) that a configuration moves where ``GetObject`` needs a restore."""

    where: str
    storage_class: str
    prefix: str
    when: str
    noncurrent: bool
    """Only noncurrent versions move (``noncurrent_version_transition``)."""


def _allows(statement: Statement, action: str) -> bool:
    return statement.allows and any(fnmatch.fnmatchcase(action.lower(), pattern.lower()) for pattern in statement.actions)


def object_prefix(view: StackView, resource: str, bucket: Block) -> str | None:
    """The key prefix of ``bucket`` that a policy ``resource`` covers (``""``: every key), or None when it names none of its objects."""
    if resource == "*":
        return ""
    if is_reference(resource):
        if bucket.name not in referenced_names(resource, "aws_s3_bucket"):
            return None
        rest = resource.rsplit("}", 1)[1]
        if not rest.startswith("/"):
            return None  # the bucket itself (ListBucket), not its objects
        key = rest[1:]
    else:
        match = _ARN.match(resource)
        if match is None:
            return None
        name = bucket.get("bucket")
        literal = isinstance(name, str) and not is_reference(name)
        if not (match[1] == "*" or (literal and fnmatch.fnmatchcase(str(name), match[1]))):
            return None
        key = match[2]
    return re.split(r"[*?]", key, maxsplit=1)[0]


def _prefixes(view: StackView, statements: Sequence[Statement], bucket: Block, action: str) -> list[str]:
    return [p for s in statements if _allows(s, action) for r in s.resources if (p := object_prefix(view, r, bucket)) is not None]


def _covered(prefix: str, by: list[str]) -> bool:
    return any(prefix.startswith(p) for p in by)


def _readers_of(who: str, statements: Sequence[Statement], view: StackView, bucket: Block) -> Iterator[Reader]:
    """The readers one set of statements (one identity policy, or one principal's part of a bucket policy) makes."""
    versions = _prefixes(view, statements, bucket, "s3:GetObjectVersion")
    restores = _prefixes(view, statements, bucket, "s3:RestoreObject")
    for prefix in dict.fromkeys(_prefixes(view, statements, bucket, "s3:GetObject")):
        yield Reader(who=who, prefix=prefix, versions=_covered(prefix, versions), restores=_covered(prefix, restores))


def readers(view: StackView, bucket: Block) -> Iterator[Reader]:
    """Every reader of ``bucket``'s objects that the stack's identity policies and the bucket's policy allow."""
    for block, statements in identity_policies(view):
        if statements:  # None: unreadable at synth, which HC-IAM-001 reports
            yield from _readers_of(block.address, statements, view, bucket)
    for policy in companions(view, bucket, "aws_s3_bucket_policy"):
        statements = statements_of(view, policy.get("policy")) or []
        principals = dict.fromkeys(p for s in statements if s.allows for p in s.principals)
        for principal in principals:
            mine = [s for s in statements if principal in s.principals or "*" in s.principals]
            yield from _readers_of(f"{principal} (in {policy.address})", mine, view, bucket)


def _rule_prefix(rule: Any) -> str:
    """The key prefix a lifecycle rule applies to (``filter.prefix``, ``filter.and.prefix`` or the old ``prefix``)."""
    for found in as_list(rule.get("filter")):
        if found.get("prefix"):
            return str(found["prefix"])
        for both in as_list(found.get("and")):
            if both.get("prefix"):
                return str(both["prefix"])
    return str(rule.get("prefix") or "")


def _transitions(where: str, rule: Any, prefix: str) -> Iterator[Archive]:
    for transition in as_list(rule.get("transition")):
        storage_class = str(transition.get("storage_class"))
        if storage_class in RESTORE_CLASSES:
            when = f"at {transition['days']} days" if transition.get("days") is not None else f"on {transition.get('date')}"
            yield Archive(where=where, storage_class=storage_class, prefix=prefix, when=when, noncurrent=False)
    for transition in as_list(rule.get("noncurrent_version_transition")):
        storage_class = str(transition.get("storage_class"))
        if storage_class in RESTORE_CLASSES:
            days = transition.get("noncurrent_days", transition.get("days"))
            yield Archive(where=where, storage_class=storage_class, prefix=prefix, when=f"{days} days after a newer version replaces it", noncurrent=True)


def archives(view: StackView, bucket: Block) -> Iterator[Archive]:
    """Every enabled lifecycle transition or Intelligent-Tiering archive tier of ``bucket`` that needs a restore."""
    for config in companions(view, bucket, "aws_s3_bucket_lifecycle_configuration"):
        for rule in as_list(config.get("rule")):
            if str(rule.get("status", "Enabled")) == "Enabled":
                yield from _transitions(config.address, rule, _rule_prefix(rule))
    for rule in as_list(bucket.get("lifecycle_rule")):  # the aws_s3_bucket argument the provider deprecates
        if rule.get("enabled", True) is not False:
            yield from _transitions(f"{bucket.address}.lifecycle_rule", rule, str(rule.get("prefix") or ""))
    for config in companions(view, bucket, "aws_s3_bucket_intelligent_tiering_configuration"):
        if str(config.get("status", "Enabled")) == "Disabled":
            continue
        prefix = next((str(f["prefix"]) for f in as_list(config.get("filter")) if f.get("prefix")), "")
        for tier in as_list(config.get("tiering")):
            if str(tier.get("access_tier")) in ARCHIVE_TIERS:
                when = f"after {tier.get('days')} days without access"
                yield Archive(where=config.address, storage_class=f"INTELLIGENT_TIERING {tier['access_tier']}", prefix=prefix, when=when, noncurrent=False)


def _overlap(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def check(view: StackView, options: PackOptions) -> Iterator[Violation]:
    for bucket in view.resources("aws_s3_bucket"):
        stuck = [r for r in readers(view, bucket) if not r.restores]
        if not stuck:
            continue
        for archive in archives(view, bucket):
            blocked = [r for r in stuck if _overlap(r.prefix, archive.prefix) and (r.versions or not archive.noncurrent)]
            if blocked:
                scope = f" under '{archive.prefix}'" if archive.prefix else ""
                versions = "noncurrent versions" if archive.noncurrent else "objects"
                others = f" (and {len(blocked) - 1} more)" if len(blocked) > 1 else ""
                yield Violation(
                    address=bucket.address,
                    detail=(
                        f"{archive.where} moves {versions}{scope} to {archive.storage_class} {archive.when}, but {blocked[0].who}{others} "
                        "may s3:GetObject them without s3:RestoreObject: reads fail with InvalidObjectState until restored"
                    ),
                )


RULE = Rule(
    id="HC-S3-006",
    level=Level.ERROR,
    rationale="data a service reads stays available: GetObject on GLACIER, DEEP_ARCHIVE or Intelligent-Tiering archive tiers fails until restored",
    fix=(
        "transition readable buckets to GLACIER_IR, STANDARD_IA or INTELLIGENT_TIERING without archive tiers (SecureS3's default), "
        "or give every reader that can wait hours s3:RestoreObject"
    ),
    hipaa=None,
    check=check,
)
