"""Shared by the Cloudflare rules: each zone the stack touches and its zone settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .._view import Block, StackView


def zones(view: StackView) -> dict[str, Block]:
    """``zone_id`` expression -> the first block naming that zone (a zone, setting or record)."""
    found: dict[str, Block] = {}
    for zone in view.resources("cloudflare_zone"):
        found.setdefault(f"${{cloudflare_zone.{zone.name}.id}}", zone)
    for block in view.all_resources():
        zone_id = block.get("zone_id")
        if block.type.startswith("cloudflare_") and isinstance(zone_id, str):
            found.setdefault(zone_id, block)
    return found


def setting_values(view: StackView, zone_id: str, setting_id: str) -> Iterator[tuple[Block, Any]]:
    """Each ``cloudflare_zone_setting`` ``setting_id`` of ``zone_id`` with its synthesized value."""
    for setting in view.resources("cloudflare_zone_setting"):
        if setting.get("zone_id") == zone_id and setting.get("setting_id") == setting_id:
            yield setting, setting.get("value")


def zone_violations(view: StackView, setting_id: str, acceptable: Any, wanted: str) -> Iterator[tuple[str, str]]:
    """``(address, detail)`` for each zone whose ``setting_id`` is missing or not ``acceptable(value)``."""
    for zone_id, first in zones(view).items():
        values = list(setting_values(view, zone_id, setting_id))
        if not values:
            yield first.address, f"zone {zone_id} has no cloudflare_zone_setting {setting_id!r} ({wanted})"
        for setting, value in values:
            if not acceptable(value):
                yield setting.address, f"zone setting {setting_id!r} is {value!r}, must be {wanted}"
