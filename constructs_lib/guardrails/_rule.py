"""The shape of a guardrail rule: an id, a level, a one-line rationale and a check."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..value_rules import MIN_PRODUCTION_HISTORY_RETENTION_DAYS
from ._view import StackView


class Level(enum.Enum):
    """How a finding is reported: an error fails synthesis, a warning is only recorded."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, kw_only=True, slots=True)
class PackOptions:
    """What the rule pack knows about the stack beyond its resources."""

    production: bool = False
    """The stack holds production data: production-only rules (Neon retention, prevent_destroy) apply."""
    min_history_retention_days: int = MIN_PRODUCTION_HISTORY_RETENTION_DAYS
    """Smallest Neon history retention a production project may have."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Violation:
    """One resource (``type.name``, or ``None`` for the stack) breaking one rule, and how."""

    address: str | None
    detail: str


Check = Callable[[StackView, PackOptions], Iterable[Violation]]


@dataclass(frozen=True, kw_only=True, slots=True)
class Rule:
    """A compliance rule evaluated over one synthesized stack."""

    id: str
    """Stable identifier (``HC-S3-001``), used in messages and suppressions."""
    level: Level
    rationale: str
    """One line: why the platform needs this."""
    fix: str
    """One line: what to change so the rule passes."""
    hipaa: str | None
    """The cdk-nag HIPAA Security rule it mirrors, when there is one."""
    check: Check
    production_only: bool = False
    """Evaluated only when the pack is configured with ``production=True``."""

    def applies(self, options: PackOptions) -> bool:
        """Whether the rule runs for a pack configured with ``options``."""
        return options.production or not self.production_only
