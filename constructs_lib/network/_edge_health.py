"""Optional Cloudflare standalone health checks of the public hostnames, and a notification policy on them."""

from __future__ import annotations

from constructs import Construct

from ..engine.cloudflare import (
    Healthcheck,
    HealthcheckHttpConfig,
    NotificationPolicy,
    NotificationPolicyFilters,
    NotificationPolicyMechanisms,
    NotificationPolicyMechanismsEmail,
)

HEALTH_CHECK_INTERVAL_SECONDS = 60
HEALTH_CHECK_FAILS_BEFORE_UNHEALTHY = 2


class EdgeHealth(Construct):
    """One ``cloudflare_healthcheck`` per public hostname (HTTPS GET of ``path`` on 443, expects 200,
    no redirects followed, certificate verified) and, with ``account_id`` and ``emails``, one
    ``cloudflare_notification_policy`` (``health_check_status_notification``) limited to these checks.

    Standalone health checks need plan pro or higher; the notification policy is account-level.
    """

    def __init__(self, scope: Construct, id_: str, *, zone_id: str, path: str, account_id: str | None, emails: tuple[str, ...]) -> None:
        super().__init__(scope, id_)
        self._zone_id = zone_id
        self._path = path
        self._account_id = account_id
        self._emails = emails
        self.checks: dict[str, Healthcheck] = {}
        self.notification_policy: NotificationPolicy | None = None

    def add(self, label: str, hostname: str) -> Healthcheck:
        """Check ``hostname``; the notification policy (created with the first check) covers it."""
        check = Healthcheck(
            self,
            f"Check-{label}",
            zone_id=self._zone_id,
            name=hostname.replace(".", "-"),
            description=f"HTTPS GET https://{hostname}{self._path}",
            address=hostname,
            type="HTTPS",
            http_config=HealthcheckHttpConfig(method="GET", path=self._path, port=443, expected_codes=["200"], follow_redirects=False, allow_insecure=False),
            interval=HEALTH_CHECK_INTERVAL_SECONDS,
            consecutive_fails=HEALTH_CHECK_FAILS_BEFORE_UNHEALTHY,
            consecutive_successes=2,
            retries=2,
            timeout=5,
        )
        self.checks[hostname] = check
        if self._account_id and self._emails:
            check_ids = [c.id for c in self.checks.values()]
            if self.notification_policy is None:
                self.notification_policy = NotificationPolicy(
                    self,
                    "Notifications",
                    account_id=self._account_id,
                    name=f"Health checks of {self.node.path}",
                    alert_type="health_check_status_notification",
                    enabled=True,
                    mechanisms=NotificationPolicyMechanisms(email=[NotificationPolicyMechanismsEmail(id=e) for e in self._emails]),
                    filters=NotificationPolicyFilters(health_check_id=check_ids),
                )
            else:
                self.notification_policy.put_filters(health_check_id=check_ids)
        return check
