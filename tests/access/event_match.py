"""A small, exact EventBridge event-pattern matcher, for tests: the subset the finding routes use.

Semantics ("Amazon EventBridge event patterns", "Content filtering"):

* A pattern is a JSON object; every key in it must match (AND). A key whose value is an object descends into the
  event's object at that key; a key whose value is an array lists the values the event's field may have (OR).
* Arrays in the event are flattened: a field matches when any of its values matches (through arrays of objects too,
  so ``detail.findings.Severity.Label`` sees the labels of every finding).
* A field that is absent (or null at a path that is not matched with a null) never matches a value list.
* Values: exact strings and numbers (``7`` equals ``7.0``), ``{"numeric": [op, n, ...]}`` with ``<``, ``<=``, ``=``,
  ``>=``, ``>`` (numbers only: a string never matches), ``{"prefix": "..."}`` (strings only) and
  ``{"anything-but": [...]}`` with strings or numbers (matches a present value not in the list).

Anything else (``exists``, ``suffix``, ``wildcard``, ``cidr``, ``$or``, ``equals-ignore-case``, nested
``anything-but`` forms) raises ``UnsupportedPattern`` instead of guessing.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

_NUMERIC: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    "=": operator.eq,
    ">=": operator.ge,
    ">": operator.gt,
}


class UnsupportedPattern(Exception):
    """The pattern uses a form this matcher does not implement."""


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _values(event: Any, path: Sequence[str]) -> Iterator[Any]:
    """Every leaf value at ``path``, arrays flattened at every level."""
    if isinstance(event, list):
        for item in event:
            yield from _values(item, path)
        return
    if not path:
        yield event
        return
    if isinstance(event, Mapping) and path[0] in event:
        yield from _values(event[path[0]], path[1:])


def _numeric(rule: Sequence[Any], value: Any) -> bool:
    if len(rule) not in (2, 4) or any(not isinstance(rule[i], str) or not _is_number(rule[i + 1]) for i in range(0, len(rule), 2)):
        raise UnsupportedPattern(f"numeric filter {rule!r}")
    if not _is_number(value):
        return False
    return all(_NUMERIC[rule[i]](float(value), float(rule[i + 1])) for i in range(0, len(rule), 2))


def _value_matches(expected: Any, value: Any) -> bool:
    if isinstance(expected, Mapping):
        if len(expected) != 1:
            raise UnsupportedPattern(f"filter with several operators: {expected!r}")
        (kind, arg), *_ = expected.items()
        if kind == "numeric":
            return _numeric(arg, value)
        if kind == "prefix":
            if not isinstance(arg, str):
                raise UnsupportedPattern(f"prefix {arg!r}")
            return isinstance(value, str) and value.startswith(arg)
        if kind == "anything-but":
            excluded = arg if isinstance(arg, list) else [arg]
            if not all(isinstance(e, str) or _is_number(e) for e in excluded):
                raise UnsupportedPattern(f"anything-but {arg!r}")
            return value is not None and not any(_value_matches(e, value) for e in excluded)
        raise UnsupportedPattern(f"filter {kind!r}")
    if expected is None or isinstance(expected, bool):
        raise UnsupportedPattern(f"value {expected!r}")
    if _is_number(expected):
        return _is_number(value) and float(value) == float(expected)
    if isinstance(expected, str):
        return isinstance(value, str) and value == expected
    raise UnsupportedPattern(f"value {expected!r}")


def matches(pattern: Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    """Whether EventBridge would deliver ``event`` to a rule with ``pattern``."""
    return _object_matches(pattern, event, ())


def _object_matches(pattern: Mapping[str, Any], event: Mapping[str, Any], path: tuple[str, ...]) -> bool:
    if not isinstance(pattern, Mapping) or not pattern:
        raise UnsupportedPattern(f"pattern at {'.'.join(path) or 'top'} must be a non-empty object")
    for key, expected in pattern.items():
        if key.startswith("$"):
            raise UnsupportedPattern(f"{key} at {'.'.join(path) or 'top'}")
        here = (*path, key)
        if isinstance(expected, Mapping):
            if not _object_matches(expected, event, here):
                return False
        elif isinstance(expected, list):
            if not expected:
                raise UnsupportedPattern(f"empty value list at {'.'.join(here)}")
            values = list(_values(event, here))
            if not any(_value_matches(e, v) for e in expected for v in values):
                return False
        else:
            raise UnsupportedPattern(f"{'.'.join(here)} must be an object or a list, got {expected!r}")
    return True
