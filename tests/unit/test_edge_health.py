"""CloudflareEdge's optional health checks and their notification policy (off by default; paid plans)."""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.errors import ValidationError
from constructs_lib.network.edge_policy import CloudflarePlan
from tests.conftest import resources_of, synth_json

ACCOUNT_ID = "0123456789abcdef0123456789abcdef"


def _edge(stack: Any, **overrides: Any) -> Any:
    from constructs_lib.engine.cloudflare import CloudflareProvider
    from constructs_lib.network.cloudflare_edge import CloudflareEdge
    from constructs_lib.network.cloudflare_edge_props import CloudflareEdgeProps

    CloudflareProvider(stack, "cloudflare")
    return CloudflareEdge(stack, "Edge", CloudflareEdgeProps(**{"domain": "example-health.org", **overrides}))


def test_no_health_checks_by_default(fresh_stack: Any) -> None:
    edge = _edge(fresh_stack)
    edge.add_public_hostname("api", "gateway.up.railway.app")
    synthesized = synth_json(fresh_stack)
    assert resources_of(synthesized, "cloudflare_healthcheck") == {}
    assert resources_of(synthesized, "cloudflare_notification_policy") == {}
    assert edge.health is None


def test_every_public_hostname_gets_a_health_check_and_the_policy_covers_them(fresh_stack: Any) -> None:
    edge = _edge(
        fresh_stack,
        plan=CloudflarePlan.PRO,
        health_check_path="/health",
        platform_hostname_labels=("api", "app"),
        health_alert_account_id=ACCOUNT_ID,
        health_alert_emails=("oncall@example-health.org",),
    )
    edge.add_public_hostname("api", "gateway.up.railway.app")
    edge.add_public_hostname("app", "web.up.railway.app")
    synthesized = synth_json(fresh_stack)
    checks = {b["address"]: b for b in resources_of(synthesized, "cloudflare_healthcheck").values()}
    assert set(checks) == {"api.example-health.org", "app.example-health.org"}
    api = checks["api.example-health.org"]
    assert api["zone_id"] == "${data.cloudflare_zone.Edge_Zone_B7F2999D.id}"
    assert (api["type"], api["name"], api["interval"], api["consecutive_fails"]) == ("HTTPS", "api-example-health-org", 60, 2)
    assert api["http_config"] == {
        "method": "GET",
        "path": "/health",
        "port": 443,
        "expected_codes": ["200"],
        "follow_redirects": False,
        "allow_insecure": False,
    }
    [policy] = resources_of(synthesized, "cloudflare_notification_policy").values()
    assert policy["account_id"] == ACCOUNT_ID
    assert policy["alert_type"] == "health_check_status_notification"
    assert policy["mechanisms"] == {"email": [{"id": "oncall@example-health.org"}]}
    names = sorted(n for n in resources_of(synthesized, "cloudflare_healthcheck"))
    assert sorted(policy["filters"]["health_check_id"]) == [f"${{cloudflare_healthcheck.{n}.id}}" for n in names]


def test_health_checks_without_notifications(fresh_stack: Any) -> None:
    edge = _edge(fresh_stack, plan=CloudflarePlan.BUSINESS, health_check_path="/healthz")
    edge.add_public_hostname("api", "gateway.up.railway.app")
    synthesized = synth_json(fresh_stack)
    [check] = resources_of(synthesized, "cloudflare_healthcheck").values()
    assert check["http_config"]["path"] == "/healthz"
    assert resources_of(synthesized, "cloudflare_notification_policy") == {}


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"health_check_path": "/health"}, r"test/Edge: health_check_path must be unset on the free plan .*got '/health'"),
        ({"plan": CloudflarePlan.PRO, "health_check_path": "/he alth"}, r"health_check_path must be a URL path .*got '/he alth'"),
        ({"plan": CloudflarePlan.PRO, "health_alert_emails": ("a@example.org",)}, r"health_check_path must be set when .*got None"),
        (
            {"plan": CloudflarePlan.PRO, "health_check_path": "/health", "health_alert_account_id": "ACME"},
            r"health_alert_account_id must be a Cloudflare account id .*got 'ACME'",
        ),
        (
            {"plan": CloudflarePlan.PRO, "health_check_path": "/health", "health_alert_account_id": ACCOUNT_ID},
            r"health_alert_emails must be given together with health_alert_account_id, got \(\)",
        ),
        (
            {"plan": CloudflarePlan.PRO, "health_check_path": "/health", "health_alert_account_id": ACCOUNT_ID, "health_alert_emails": ("nope",)},
            r"health_alert_emails must be an email address .*got 'nope'",
        ),
    ],
    ids=["free-plan", "bad-path", "emails-without-checks", "bad-account", "account-without-emails", "bad-email"],
)
def test_fails_when_health_options_are_bad(fresh_stack: Any, overrides: dict[str, Any], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        _edge(fresh_stack, **overrides)
