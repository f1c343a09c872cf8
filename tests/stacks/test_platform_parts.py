"""PlatformStack's parts on their own (issue 29): each takes what it needs and returns what it created.

The parts build on a bare stack, without a ``PlatformStack``; what one part needs from another is an argument,
so calling them out of order is impossible rather than a silent mistake.
"""

from __future__ import annotations

import json
from typing import Any

from environments import EnvironmentConfig
from platform_plan.phases import Component, plan_for
from tests.conftest import config_at, resources_of, synth_json


def test_identities_are_the_granted_services_then_the_monitored_ones_then_the_field_key_holders() -> None:
    from stacks._storage import identity_services

    # Every Railway service writes its own log group (application telemetry, issue 28), so every one has an identity.
    assert identity_services(plan_for(1)) == ("db-backup", "gateway", "auth", "patient")
    assert identity_services(plan_for(4)) == (
        "medical-records",
        "provider",
        "appointment",
        "ai",
        "db-backup",
        "gateway",
        "auth",
        "patient",
        "appointment-scheduler",
    )
    assert set(identity_services(plan_for(4))) >= {s.name for s in plan_for(4).monitored_services}


def test_storage_builds_on_a_bare_stack_from_the_identities_it_is_given(configs: dict[str, EnvironmentConfig], fresh_stack: Any) -> None:
    from stacks._aws_settings import aws_provider_settings
    from stacks._storage import add_service_identities, add_storage

    config, plan = config_at(configs, "prod", 2), plan_for(2)
    aws = aws_provider_settings(config)
    aws.provider(fresh_stack, "aws", region=config.aws_region)
    identities = add_service_identities(fresh_stack, config, plan)
    storage = add_storage(fresh_stack, config, plan, aws, identities)
    assert set(storage.buckets) == {b.purpose for b in plan.buckets}
    assert (storage.replica_access_log_bucket is not None) == (config.s3.replica_region is not None)
    stack = synth_json(fresh_stack)
    # The replica region's provider carries the same tags and account pin as the stack's own (no private reads).
    providers = stack["provider"]["aws"]
    assert len(providers) == (2 if config.s3.replica_region else 1)
    assert all(p["default_tags"] == providers[0]["default_tags"] and p["allowed_account_ids"] == config.aws_account_ids for p in providers)
    assert set(identities) == {"medical-records", "provider", "db-backup", "gateway", "auth", "patient"}  # grants, monitored, field-key holders
    assert len(resources_of(stack, "aws_iam_user")) == len(identities)


def test_services_receive_their_database_and_buckets_as_arguments(configs: dict[str, EnvironmentConfig], fresh_stack: Any) -> None:
    from stacks._aws_settings import aws_provider_settings
    from stacks._services import add_services
    from stacks._storage import add_service_identities, add_storage
    from stacks._telemetry import add_telemetry

    config, plan = config_at(configs, "dev", 1), plan_for(1)
    assert plan.has(Component.SERVICES)
    aws = aws_provider_settings(config)
    aws.provider(fresh_stack, "aws", region=config.aws_region)
    identities = add_service_identities(fresh_stack, config, plan)
    storage = add_storage(fresh_stack, config, plan, aws, identities)
    # No database given: no service gets a database URL, and nothing looks one up on a stack.
    telemetry = add_telemetry(fresh_stack, config, plan, identities)
    services = add_services(fresh_stack, config, plan, database=None, buckets=storage.buckets, identities=identities, telemetry=telemetry)
    assert set(services.services) == {s.name for s in plan.services if s.runs_on_railway}
    assert set(services.keys.field_keys) == {"patient"}
    text = json.dumps(synth_json(fresh_stack))
    assert "DATABASE_URL" not in text and "PGPASSWORD" not in text
    assert "S3_BUCKET_BACKUPS" in text  # the backup job's grant, from the buckets it was given
    assert "AUTH_URL" in text  # the gateway calls auth: the callee was created first and handed over
    # Each Railway service's telemetry variables come from the telemetry it was given.
    assert set(telemetry.services) == set(services.services)
    assert all(t.log_group_name in text for t in telemetry.services.values())
