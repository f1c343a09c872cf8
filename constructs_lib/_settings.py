"""What every construct's settings class shares: handing a settings object's values to its props (``from_settings``)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any


def settings_values(settings: object, of: type) -> dict[str, Any]:
    """The values of ``settings`` for every field of the settings class ``of`` (a props class's ``from_settings``)."""
    return {field.name: getattr(settings, field.name) for field in fields(of)}
