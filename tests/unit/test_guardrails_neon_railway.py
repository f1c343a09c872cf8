"""Neon (HC-NEON-001/002, production only; HC-NEON-003) and Railway (HC-RWY-001) guardrails.

The Neon and Railway bindings are hand-written; here a tiny ``TerraformResource``
subclass stands in for them, so the rules are tested on the synthesized types only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from constructs_lib.engine.core import TerraformResourceLifecycle, TerraformStack
from constructs_lib.guardrails.rules.hc_rwy_001_literal_secrets import literal_secret
from tests.unit._guardrails import RawResource, run_pack

WEEK = 7 * 86_400


def _project(stack: TerraformStack, id_: str, retention: object | None, *, protected: bool) -> RawResource:
    attributes = {"name": id_.lower(), "region_id": "aws-us-east-1"}
    if retention is not None:
        attributes["history_retention_seconds"] = retention
    return RawResource(stack, id_, "neon_project", attributes, lifecycle=TerraformResourceLifecycle(prevent_destroy=True) if protected else None)


def test_a_protected_project_with_a_month_of_history_passes_in_production(tmp_path: Path) -> None:
    outcome = run_pack(tmp_path, lambda s: _project(s, "Project", 30 * 86_400, protected=True), production=True)
    assert outcome.errors == []
    assert outcome.stack is not None
    assert outcome.stack["resource"]["neon_project"]["Project"]["lifecycle"] == {"prevent_destroy": True}


def test_fails_when_production_history_is_short_or_left_to_the_provider_default(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        _project(stack, "Short", 3 * 86_400, protected=True)
        _project(stack, "Unset", None, protected=True)
        _project(stack, "Week", WEEK, protected=True)

    outcome = run_pack(tmp_path, build, production=True)
    assert outcome.rules_at() == {("test/Short", "HC-NEON-001"), ("test/Unset", "HC-NEON-001")}
    assert any("history_retention_seconds is 259200, production needs >= 604800 (7 days)" in e for e in outcome.errors)


def test_fails_when_production_project_can_be_destroyed(tmp_path: Path) -> None:
    outcome = run_pack(tmp_path, lambda s: _project(s, "Project", WEEK, protected=False), production=True)
    assert outcome.rules_at() == {("test/Project", "HC-NEON-002")}
    assert "lifecycle prevent_destroy = true" in outcome.errors[0]


def test_production_only_rules_do_not_run_outside_production(tmp_path: Path) -> None:
    outcome = run_pack(tmp_path, lambda s: _project(s, "Project", 86_400, protected=False))
    assert outcome.errors == []


def _variable(stack: TerraformStack, id_: str, name: str, value: str) -> RawResource:
    return RawResource(stack, id_, "railway_variable", {"name": name, "value": value, "environment_id": "env", "service_id": "svc"})


def test_fails_when_a_railway_variable_holds_a_literal_secret(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        role = RawResource(stack, "Role", "neon_role", {"name": "app", "branch_id": "br", "project_id": "p"})
        _variable(stack, "Password", "DB_PASSWORD", "hunter2-correct-horse")
        _variable(stack, "Url", "DATABASE_URL", "postgres://app:s3cret@db.example.org/app")
        _variable(stack, "Port", "PORT", "8080")
        _variable(stack, "FromRole", "PGPASSWORD", f"${{neon_role.{role.friendly_unique_id}.password}}")
        _variable(stack, "Shared", "JWT_SECRET", "$${{shared.JWT_SECRET}}")
        RawResource(
            stack,
            "Collection",
            "railway_variable_collection",
            {
                "environment_id": "env",
                "service_id": "svc",
                "variables": [{"name": "API_TOKEN", "value": "tok_live_abcdef"}, {"name": "LOG_LEVEL", "value": "info"}],
            },
        )
        RawResource(stack, "SharedKey", "railway_shared_variable", {"name": "STRIPE_KEY", "value": "sk_live_x", "environment_id": "env", "project_id": "p"})

    outcome = run_pack(tmp_path, build)
    assert outcome.rules_at() == {
        ("test/Password", "HC-RWY-001"),
        ("test/Url", "HC-RWY-001"),
        ("test/Collection", "HC-RWY-001"),
        ("test/SharedKey", "HC-RWY-001"),
        ("test/FromRole", "HC-NEON-003"),  # a reference, but to a neon_superuser role's password
    }
    assert any("variable API_TOKEN holds a literal value" in e for e in outcome.errors)


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("${neon_role.app.password}", False),
        ("postgres://app:${neon_role.app.password}@${neon_endpoint.e.host}/app", False),
        ("$${{shared.TOKEN}}", False),
        ("postgres://app:plain@${neon_endpoint.e.host}/app", True),
        ("plain-text", True),
        ("", False),
    ],
)
def test_literal_secret_recognizes_references(value: str, literal: bool) -> None:
    assert literal_secret(value) is literal


def test_fails_when_a_service_logs_in_as_an_api_created_role(tmp_path: Path) -> None:
    uri = 'format("postgres://%s/%s?sslmode=verify-full", format("%s:%s@%s", {user}, urlencode({password}), h), d)'

    def build(stack: TerraformStack) -> None:
        owner = RawResource(stack, "Owner", "neon_role", {"name": "auth_owner", "branch_id": "br", "project_id": "p"})
        login = RawResource(stack, "Login", "postgresql_role", {"name": "auth_app", "login": True})
        password = f"random_password.{login.friendly_unique_id}.result"
        own = f"neon_role.{owner.friendly_unique_id}"
        _variable(stack, "AsOwner", "DATABASE_URL", "${" + uri.format(user=f"{own}.name", password=f"{own}.password") + "}")
        _variable(stack, "AsLogin", "DATABASE_URL", "${" + uri.format(user=f"postgresql_role.{login.friendly_unique_id}.name", password=password) + "}")
        _variable(stack, "ProjectUri", "DATABASE_URL", "${neon_project.p.connection_uri_pooler}")

    outcome = run_pack(tmp_path, build)
    assert outcome.rules_at() == {("test/AsOwner", "HC-NEON-003"), ("test/ProjectUri", "HC-NEON-003")}
    assert any("variable DATABASE_URL logs in with neon_role." in e and "a neon_superuser member" in e for e in outcome.errors)
