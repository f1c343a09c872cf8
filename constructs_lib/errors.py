"""Errors raised by the construct library.

Every message names where the problem is (a construct path or a file), the field, the
bad value and what is allowed, on one line, in lowercase with no final period:
``prod/Documents: noncurrent_version_expiration_days must be 1..3650, got 0``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple


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


class ValidationErrors(ValidationError):
    """Several props of one construct are invalid: every problem, one line each (``errors``).

    Its ``construct_path``, ``field``, ``value`` and ``allowed`` are the first problem's, so code
    that handles one ``ValidationError`` keeps working.
    """

    def __init__(self, errors: list[ValidationError]) -> None:
        first = errors[0]
        super().__init__(first.construct_path, first.field, first.value, first.allowed)
        self.errors = tuple(errors)
        self.args = ("\n".join(str(e) for e in errors),)

    def __str__(self) -> str:
        return str(self.args[0])


class Problem(NamedTuple):
    """One broken rule, as the pure check modules report it: the field, the value given, what is allowed.

    The check functions (``constructs_lib.value_rules``, ``network.edge_props_rules``, ``audit.audit_settings``, ``data.settings_rules``)
    return every ``Problem`` they find; a construct turns them into ``ValidationError``s naming its path
    (``Problems.extend``) and the environment loader into lines naming the file's key.
    """

    field: str
    value: Any
    allowed: str


def nothing_unresolved(_value: object) -> bool:
    """The ``is_unresolved`` of values read from a file: none of them is a construct's token."""
    return False


class ProblemCollector:
    """Collects every ``Problem`` of one settings object, all at once: the rule functions of the settings classes
    (``data.neon_settings``, ``audit.audit_settings``, ``operations.settings``) use it. Values for which
    ``is_unresolved`` is true (a construct's tokens) are skipped."""

    def __init__(self, is_unresolved: Callable[[object], bool] = nothing_unresolved) -> None:
        self.problems: list[Problem] = []
        self.is_unresolved = is_unresolved

    def check(self, field: str, value: Any, rule: Callable[[Any], object]) -> None:
        """``rule`` raises ``ValueError(allowed)`` for a value outside what is allowed."""
        if self.is_unresolved(value):
            return
        try:
            rule(value)
        except ValueError as exc:
            self.problems.append(Problem(field, value, str(exc)))

    def whole(self, field: str, value: Any, low: int, high: int, allowed: str = "") -> None:
        """A whole number ``low..high``; the message is ``allowed`` or the range."""

        def rule(number: Any) -> None:
            if isinstance(number, bool) or not isinstance(number, int) or not low <= number <= high:
                raise ValueError(allowed or f"{low}..{high}")

        self.check(field, value, rule)

    def each(
        self, field: str, values: Sequence[str], rule: Callable[[Any], object], *, what: str = "values", duplicates: str = "", indexed: bool = True
    ) -> None:
        """A sequence (not one string) of distinct ``what``, each passing ``rule``.

        An entry's problem is reported as ``<field>.<index>`` (``indexed``) or ``<field>``; repeated resolved entries
        as ``duplicates`` (default ``distinct <what>``).
        """
        if isinstance(values, str) or not isinstance(values, Sequence):
            self.problems.append(Problem(field, values, f"a sequence of {what}, not one string"))
            return
        for index, value in enumerate(values):
            self.check(f"{field}.{index}" if indexed else field, value, rule)
        literal = [value for value in values if not self.is_unresolved(value)]
        if len(set(literal)) != len(literal):
            self.problems.append(Problem(field, list(values), duplicates or f"distinct {what}"))


class Problems:
    """Collects a construct's validation problems so that all of them are reported at once.

    ``add`` records one; ``raise_if_any`` raises the single ``ValidationError`` for one problem
    and ``ValidationErrors`` for several, before the construct creates any child.
    """

    def __init__(self, construct_path: str) -> None:
        self.construct_path = construct_path
        self.errors: list[ValidationError] = []

    def add(self, field: str, value: Any, allowed: str) -> None:
        self.errors.append(ValidationError(self.construct_path, field, value, allowed))

    def extend(self, problems: Iterable[Problem]) -> None:
        """Record every problem a pure check function returned."""
        for problem in problems:
            self.add(problem.field, problem.value, problem.allowed)

    def attempt(self, check: Callable[[], object]) -> None:
        """Run one independent check; a ``ValidationError`` it raises is recorded and the next check still runs."""
        try:
            check()
        except ValidationErrors as errors:
            self.errors.extend(errors.errors)
        except ValidationError as error:
            self.errors.append(error)

    def raise_if_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ValidationErrors(self.errors)


class MissingProviderError(ConstructError):
    """A construct was added to a stack that has no provider of the class it needs.

    ``construct_path`` is where the construct was added, ``provider`` the class name to add
    (``NeonProvider``) and ``stack`` the stack's id. Without this, cdktf only reports "Found
    resources without a matching provider construct" at synthesis, naming no provider.
    """

    def __init__(self, construct_path: str, construct: str, provider: str, stack: str, hint: str) -> None:
        self.construct_path = construct_path
        self.provider = provider
        self.stack = stack
        article = "an" if provider[:1] in "AEIOU" else "a"
        super().__init__(f"{construct_path}: {construct} needs {article} {provider} in stack {stack!r}: add {hint} first")
