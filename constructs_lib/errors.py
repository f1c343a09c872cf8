"""Errors raised by the construct library.

Every message names where the problem is (a construct path or a file), the field, the
bad value and what is allowed, on one line, in lowercase with no final period:
``prod/Documents: retention_days must be 1..3650, got 0``.
"""

from __future__ import annotations

from typing import Any


class ConstructError(Exception):
    """Base class for every error the construct library raises on purpose."""


class ValidationError(ConstructError, ValueError):
    """A prop or configuration value is outside what is allowed.

    ``construct_path`` is the construct path (or file) the value was given to, ``field``
    the prop name and ``value`` the rejected value.
    """

    def __init__(self, construct_path: str, field: str, value: Any, allowed: str) -> None:
        self.construct_path = construct_path
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{construct_path}: {field} must be {allowed}, got {value!r}")


class SynthesisError(ConstructError):
    """cdktf refused to synthesize (its own construct validations); one line per problem in ``problems``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


class GuardrailViolation(ConstructError):
    """Synthesis stopped on error findings (guardrail rules or other cdktf error annotations).

    ``findings`` holds one line per finding: ``<construct path>: <rule id> (error): <what>; fix: <how>``.
    """

    def __init__(self, findings: list[str]) -> None:
        self.findings = tuple(findings)
        super().__init__("\n".join(self.findings))
