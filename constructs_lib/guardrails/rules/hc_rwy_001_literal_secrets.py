"""HC-RWY-001: no Railway variable carries a literal secret."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .._rule import Level, PackOptions, Rule, Violation
from .._view import StackView, as_list

SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL|DATABASE_URL|_DSN$|^DSN$", re.IGNORECASE)
_TERRAFORM_REF = re.compile(r"\$\{[^}]+\}")
_RAILWAY_REF = re.compile(r"\$\$\{\{[^}]+\}\}")  # ${{shared.X}} escaped for Terraform
_URL_PASSWORD = re.compile(r"^[a-z][a-z0-9+.-]*://[^:/@]*:([^@]*)@", re.IGNORECASE)


def _is_reference(text: str) -> bool:
    return bool(_TERRAFORM_REF.fullmatch(text) or _RAILWAY_REF.fullmatch(text))


def literal_secret(value: Any) -> bool:
    """Whether ``value`` holds secret text itself rather than a Terraform or Railway reference.

    A value passes when it contains a reference and, if it is a URL with credentials
    (``postgres://user:<password>@host``), its password part is a reference.
    """
    if value is None or value == "":
        return False
    if not isinstance(value, str):
        return True
    if not (_TERRAFORM_REF.search(value) or _RAILWAY_REF.search(value)):
        return True
    url = _URL_PASSWORD.match(value)
    return url is not None and not _is_reference(url.group(1))


def variables(view: StackView) -> Iterator[tuple[str, Any, Any]]:
    """``(address, name, value)`` of every Railway variable of the stack (single, shared and in collections)."""
    for rtype in ("railway_variable", "railway_shared_variable"):
        for block in view.resources(rtype):
            yield block.address, block.get("name"), block.get("value")
    for block in view.resources("railway_variable_collection"):
        for variable in as_list(block.get("variables")):
            if isinstance(variable, dict):
                yield block.address, variable.get("name"), variable.get("value")


def check(view: StackView, options: PackOptions) -> Iterator[Violation]:
    for address, name, value in variables(view):
        if isinstance(name, str) and SECRET_NAME.search(name) and literal_secret(value):
            yield Violation(address=address, detail=f"variable {name} holds a literal value, not a ${{...}} reference")


RULE = Rule(
    id="HC-RWY-001",
    level=Level.ERROR,
    rationale="secrets written into configuration leak through git, plans and logs; they move only as sensitive references",
    fix="set the variable from a sensitive reference (a Neon role password, a Terraform variable, ${{shared.NAME}})",
    hipaa=None,
    check=check,
)
