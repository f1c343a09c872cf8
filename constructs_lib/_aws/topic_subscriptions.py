"""The email and HTTPS subscriptions of an alert topic (AlertTopic's and AuditTrail's security topic)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from constructs import Construct

from ..engine.aws import SnsTopicSubscription
from ..engine.core import TerraformProvider

HTTPS_CONFIRMATION_TIMEOUT_MINUTES = 5
"""How long ``terraform apply`` waits for an HTTPS endpoint to confirm its subscription."""


def topic_subscriptions(
    scope: Construct,
    topic_arn: str,
    emails: Sequence[str],
    https_endpoints: Sequence[str],
    *,
    provider: TerraformProvider | None = None,
) -> tuple[SnsTopicSubscription, ...]:
    """One subscription per email address (``Email-<address>``) and per HTTPS URL (``Https-<sha256[:12]>``).

    Keyed by address / URL, so reordering the lists replaces nothing. An HTTPS endpoint must confirm by itself
    (``endpoint_auto_confirms``: PagerDuty's CloudWatch integration does) within ``HTTPS_CONFIRMATION_TIMEOUT_MINUTES``.
    """
    emails_ = tuple(
        SnsTopicSubscription(scope, f"Email-{address}", topic_arn=topic_arn, protocol="email", endpoint=address, provider=provider) for address in emails
    )
    return emails_ + tuple(
        SnsTopicSubscription(
            scope,
            f"Https-{hashlib.sha256(url.encode()).hexdigest()[:12]}",
            topic_arn=topic_arn,
            protocol="https",
            endpoint=url,
            endpoint_auto_confirms=True,
            confirmation_timeout_in_minutes=HTTPS_CONFIRMATION_TIMEOUT_MINUTES,
            provider=provider,
        )
        for url in https_endpoints
    )
