"""The base of every environment-file section model: frozen, unknown keys refused, rules between fields reported at once."""

from __future__ import annotations

import enum
import typing
from collections.abc import Iterable, Iterator
from typing import Any, Self, cast

from pydantic import AfterValidator, BaseModel, ConfigDict, GetCoreSchemaHandler, ValidationInfo, field_validator, model_validator
from pydantic_core import CoreSchema

from constructs_lib.errors import Problem

IAM_PRINCIPAL_ARN_PATTERN = r"^arn:aws[a-z-]*:iam::\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$"
"""An IAM role ARN (``arn:aws...:iam::<12 digits>:role/<path/name>``)."""


def _range(lo: int | float, hi: int | float, unit: str = "") -> AfterValidator:
    """A field validator refusing values outside ``lo..hi``; the message is the range (with ``unit``, e.g. ``" minutes"``)."""

    def check(value: int | float) -> int | float:
        if not lo <= value <= hi:
            raise ValueError(f"{lo}..{hi}{unit}")
        return value

    return AfterValidator(check)


class _Section(BaseModel):
    """A section of an environment file: frozen, strict, unknown keys refused; ``_problems`` lists the rules between
    its fields, all reported at once."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    def _problems(self) -> Iterator[str]:
        """Rules between this section's fields, one message per broken rule (all of them, not the first)."""
        return iter(())

    @model_validator(mode="after")
    def _check_rules(self) -> Self:
        problems = list(self._problems())
        if problems:
            # One ValueError whose lines the loader reports one by one.
            raise ValueError("\n".join(problems))
        return self


SECTION_CONFIG = ConfigDict(extra="forbid", strict=True)
"""The config of a section that is a library settings dataclass (``SettingsSection``): unknown keys refused, strict types."""


_ENUM_TYPES: dict[tuple[type, str | None], tuple[type[enum.Enum], ...]] = {}


def _enum_types(section: type, field: str | None) -> tuple[type[enum.Enum], ...]:
    """The enum types of ``field`` of a settings ``section`` (``ObjectLockMode | None``: ObjectLockMode), computed once."""
    key = (section, field)
    if key not in _ENUM_TYPES:
        hint = typing.get_type_hints(section).get(field or "")
        _ENUM_TYPES[key] = tuple(kind for kind in typing.get_args(hint) or (hint,) if isinstance(kind, type) and issubclass(kind, enum.Enum))
    return _ENUM_TYPES[key]


def file_problems(section: str, problems: Iterable[Problem]) -> Iterator[str]:
    """A library rule's ``problems`` worded for the file's ``[section]``: ``<section>.<field> must be ..., got ...``."""
    for problem in problems:
        yield f"{section}.{problem.field} must be {problem.allowed}, got {problem.value!r}"


class SettingsSection:
    """Mixin of a section that *is* a library settings dataclass (a pydantic dataclass subclassing it, with
    ``SECTION_CONFIG``): a table of the file is accepted for it, a library enum is spelled by its value, and
    ``_problems`` (the library's rule and the environment's policy) are reported at once, like ``_Section``'s."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        # A strict parent would accept only an instance; the fields stay strict (SECTION_CONFIG).
        schema = dict(handler(source))
        schema["strict"] = False
        return cast(CoreSchema, schema)

    @field_validator("*", mode="before")
    @classmethod
    def _enum_from_value(cls, value: object, info: ValidationInfo) -> object:
        # A file spells a library enum (ObjectLockMode) by its value; strict fields accept only members.
        kinds = _enum_types(cls, info.field_name)
        if not kinds or not isinstance(value, str):
            return value
        for kind in kinds:
            if value in {member.value for member in kind}:
                return kind(value)
        raise ValueError(" or ".join(repr(member.value) for kind in kinds for member in kind))

    def _problems(self) -> Iterator[str]:
        """Rules of this section, one message per broken rule (all of them, not the first)."""
        return iter(())

    def __post_init__(self) -> None:
        problems = list(self._problems())
        if problems:
            raise ValueError("\n".join(problems))
