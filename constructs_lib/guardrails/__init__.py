"""Compliance guardrails: cdktf Aspects that fail synthesis when a stack breaks a platform rule.

    from ..engine.core import Aspects
    from constructs_lib.guardrails import HipaaRulePack, suppress

    Aspects.of(stack).add(HipaaRulePack(production=True))      # or apply_guardrails(stack, production=True)
    suppress(bucket, "HC-S3-005", "log bucket of the org trail; its own access is logged by CloudTrail")

Rules read Terraform resource types and synthesized attributes, so they cover any
construct, binding or override. The rule table is in docs/guardrails.md.
"""

from __future__ import annotations

from ._evaluator import (
    ERROR_METADATA_TYPE,
    SUPPRESSED_KEY,
    WARNING_METADATA_TYPE,
    HipaaRulePack,
    apply_guardrails,
    error_findings,
    finding_message,
    synthesized_findings,
    warning_findings,
)
from ._rule import Level, PackOptions, Rule, Violation
from ._suppress import MIN_REASON_LENGTH, check_reason, suppress
from ._view import Block, StackView
from .rules import ALL_RULES, RULES_BY_ID

__all__ = [
    "ALL_RULES",
    "ERROR_METADATA_TYPE",
    "WARNING_METADATA_TYPE",
    "MIN_REASON_LENGTH",
    "RULES_BY_ID",
    "SUPPRESSED_KEY",
    "Block",
    "HipaaRulePack",
    "Level",
    "PackOptions",
    "Rule",
    "StackView",
    "Violation",
    "apply_guardrails",
    "check_reason",
    "error_findings",
    "finding_message",
    "suppress",
    "synthesized_findings",
    "warning_findings",
]
