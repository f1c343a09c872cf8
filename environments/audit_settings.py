"""``[audit]``: the audit trail, validated as the library's ``AuditSettings`` (no cdktf import).

The section *is* a ``constructs_lib.audit.audit_settings.AuditSettings``: its fields, docstrings and defaults are the
library's, and its values are judged by the library's one rule (``audit_settings_problems``). This module adds what
only an environment file has: ``no_paging_reason`` and the environment's policy (1..20 alert addresses, at most 10
paging URLs, the log reader an IAM role). The production rules that need ``[guardrails]`` are in ``config.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated

from pydantic import Field
from pydantic.dataclasses import dataclass

from constructs_lib.audit import audit_settings

from ._section import IAM_PRINCIPAL_ARN_PATTERN, SECTION_CONFIG, SettingsSection, file_problems

MAX_ALERT_EMAILS = 20
"""Addresses an environment subscribes to its security alert topic."""
MAX_ALERT_HTTPS_ENDPOINTS = 10
"""Paging URLs an environment subscribes to its security alert topic."""


@dataclass(frozen=True, kw_only=True, config=SECTION_CONFIG)
class AuditSettings(SettingsSection, audit_settings.AuditSettings):
    """``[audit]``: the environment's audit trail (``AuditSettings`` of the library, plus ``no_paging_reason``)."""

    no_paging_reason: Annotated[str, Field(min_length=20, max_length=500)] | None = None
    """Why a production environment's security alerts page nobody (no ``alert_https_endpoints``); refused alongside them."""

    def _problems(self) -> Iterator[str]:
        emails, endpoints, reader = self.alert_emails, self.alert_https_endpoints, self.log_reader_arn
        if not emails:  # someone receives the security alarms: the file names them
            yield f"audit.alert_emails is required: at least 1 item (the addresses that receive the security alarms), got {list(emails)!r}"
        elif len(emails) > MAX_ALERT_EMAILS:
            yield f"audit.alert_emails must be at most {MAX_ALERT_EMAILS} addresses, got {len(emails)}"
        if len(endpoints) > MAX_ALERT_HTTPS_ENDPOINTS:
            yield f"audit.alert_https_endpoints must be at most {MAX_ALERT_HTTPS_ENDPOINTS} URLs, got {len(endpoints)}"
        if reader is not None and not re.fullmatch(IAM_PRINCIPAL_ARN_PATTERN, reader):
            yield f"audit.log_reader_arn must match pattern {IAM_PRINCIPAL_ARN_PATTERN!r} (an IAM role ARN), got {reader!r}"
        yield from file_problems("audit", audit_settings.audit_settings_problems(self))
        if endpoints and self.no_paging_reason is not None:
            yield "audit.no_paging_reason must be unset when audit.alert_https_endpoints are given (they page someone)"
