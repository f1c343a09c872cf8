"""The variable rules of ``RailwayService``: plain values stay plain, secrets are only references.

Kept apart from the construct so the rules read in one place. Nothing here creates
resources; ``service_variables`` returns the sorted ``(name, value)`` pairs to write.
"""

from __future__ import annotations

from collections.abc import Mapping, Set

from ..engine import core as cdk
from ..errors import ValidationError
from ..value_rules import WITHHELD, WITHHELD_REFERENCE, check_env_name, has_url_credentials, is_secret_like_name

_SECRET_REFERENCE = "a reference to a sensitive terraform value (an unresolved token, e.g. a database's connection string)"


def service_variables(
    path: str,
    *,
    port: int | None,
    variables: Mapping[str, str],
    secrets: Mapping[str, str],
    non_secret_names: Set[str],
) -> list[tuple[str, str]]:
    """Every variable of the service sorted by name: ``PORT`` (when ``port``), ``variables`` and ``secrets``.

    Raises ``ValidationError`` for a bad name, a name given twice, a secret-like name among
    the plain variables, a plain value embedding URL credentials, or a secret that is a literal.
    A message about a secret never repeats its value.
    """
    for name in non_secret_names:
        if name not in variables:
            raise ValidationError(path, "non_secret_names", name, f"a name of variables ({', '.join(sorted(variables)) or 'none'})")
    for field, mapping in (("variables", variables), ("secrets", secrets)):
        for name in mapping:
            try:
                check_env_name(name)
            except ValueError as exc:
                raise ValidationError(path, field, name, str(exc)) from None
            if port is not None and name == "PORT":
                raise ValidationError(path, f"{field}.PORT", WITHHELD if field == "secrets" else mapping[name], "left out: PORT is set from port")
    for name in sorted(set(variables) & set(secrets)):
        raise ValidationError(path, f"variables.{name}", variables[name], "left out: the name is also in secrets")
    for name, value in variables.items():
        if not isinstance(value, str):
            raise ValidationError(path, f"variables.{name}", value, "a string")
        if is_secret_like_name(name) and name not in non_secret_names:
            shown = WITHHELD_REFERENCE if cdk.Token.is_unresolved(value) else WITHHELD
            raise ValidationError(
                path, f"variables.{name}", shown, f"given in secrets as {_SECRET_REFERENCE}; a name that only looks secret goes in non_secret_names"
            )
        if not cdk.Token.is_unresolved(value) and has_url_credentials(value):
            raise ValidationError(path, f"variables.{name}", WITHHELD, f"free of URL credentials; pass the URL in secrets as {_SECRET_REFERENCE}")
    for name, value in secrets.items():
        if not isinstance(value, str) or not cdk.Token.is_unresolved(value):
            raise ValidationError(path, f"secrets.{name}", WITHHELD, _SECRET_REFERENCE)
    pairs = dict(variables) | dict(secrets)
    if port is not None:
        pairs["PORT"] = str(port)
    return sorted(pairs.items())
