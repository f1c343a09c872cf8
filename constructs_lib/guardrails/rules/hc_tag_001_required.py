"""HC-TAG-001: every taggable AWS resource carries Environment and DataClassification.

The rollout phase is deliberately not a tag: a tag that changes on every promotion would show
an update on every AWS resource, and a promotion must only add resources.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .._rule import Level, PackOptions, Rule, Violation
from .._view import StackView, as_list

REQUIRED_TAGS = ("Environment", "DataClassification")


def default_tags(view: StackView) -> dict[str, Mapping[str, Any]]:
    """Provider reference (``aws`` or ``aws.<alias>``) -> its ``default_tags`` tags."""
    found: dict[str, Mapping[str, Any]] = {}
    for config in view.providers("aws"):
        key = f"aws.{config['alias']}" if config.get("alias") else "aws"
        merged: dict[str, Any] = {}
        for block in as_list(config.get("default_tags")):
            tags = block.get("tags")
            if isinstance(tags, dict):
                merged.update(tags)
        found[key] = merged
    return found


def check(view: StackView, options: PackOptions) -> Iterator[Violation]:
    defaults = default_tags(view)
    for block in view.all_resources():
        if block.type not in view.taggable_types:
            continue
        own = block.get("tags") or {}
        if not isinstance(own, dict):
            continue  # a Terraform expression (merge(...)): only known at plan time
        tags = {**defaults.get(block.get("provider") or "aws", {}), **own}
        missing = [t for t in REQUIRED_TAGS if tags.get(t) in (None, "")]
        if missing:
            yield Violation(address=block.address, detail=f"resource lacks tag(s) {', '.join(missing)} (own tags or provider default_tags)")


RULE = Rule(
    id="HC-TAG-001",
    level=Level.ERROR,
    rationale="cost, ownership and PHI inventories rely on every AWS resource saying its environment and data class",
    fix="set the tags on the resource or in the AWS provider's default_tags (AwsProvider(default_tags=...) covers every resource of the stack)",
    hipaa=None,
    check=check,
)
