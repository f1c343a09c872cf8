"""The platform's Railway wiring: one project per environment, one service per phase-plan service, no literal secrets."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from constructs_lib.value_rules import is_secret_like_name
from platform_plan.phases import SERVICES, plan_for
from tests.conftest import ALL_COMBOS, Combo, resources_of

_REFERENCE = re.compile(r"^\$\{[^{}]+\}$")
_VALUE_TYPES = {"railway_variable": "value", "railway_shared_variable": "value"}


def literal_secrets(stack: dict[str, Any]) -> list[str]:
    """``<address>.<NAME>`` of every secret-like Railway variable whose value is not one ``${...}`` reference."""
    found = []
    for name, block in resources_of(stack, "railway_variable_collection").items():
        for variable in block["variables"]:
            if is_secret_like_name(variable["name"]) and not _REFERENCE.match(variable["value"]):
                found.append(f"railway_variable_collection.{name}.{variable['name']}")
    for resource_type, key in _VALUE_TYPES.items():
        for name, block in resources_of(stack, resource_type).items():
            if is_secret_like_name(block["name"]) and not _REFERENCE.match(block[key]):
                found.append(f"{resource_type}.{name}.{block['name']}")
    return found


def _by_service(stack: dict[str, Any]) -> dict[str, dict[str, Any]]:
    services = resources_of(stack, "railway_service")
    return {body["name"]: {"address": address, **body} for address, body in services.items()}


def _variables_of(stack: dict[str, Any], service: str) -> dict[str, str]:
    address = _by_service(stack)[service]["address"]
    (collection,) = [c for c in resources_of(stack, "railway_variable_collection").values() if c["service_id"] == f"${{railway_service.{address}.id}}"]
    return {v["name"]: v["value"] for v in collection["variables"]}


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS)
def test_no_secret_like_variable_is_a_literal(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    stack = stacks[env, phase]
    assert resources_of(stack, "railway_variable_collection"), "the check must see the stack's variables"
    assert literal_secrets(stack) == []


def test_literal_secret_check_finds_a_literal() -> None:
    stack = {
        "resource": {
            "railway_variable_collection": {
                "auth": {"variables": [{"name": "DATABASE_URL", "value": "postgres://u:p@h/db"}, {"name": "PORT", "value": "8080"}]},
                "patient": {"variables": [{"name": "DATABASE_URL", "value": "${neon_role.patient.password}"}]},
                "mixed": {"variables": [{"name": "API_KEY", "value": "key-${var.suffix}"}]},
            },
            "railway_variable": {"one": {"name": "JWT_SECRET", "value": "s3cret"}},
        }
    }
    assert literal_secrets(stack) == [
        "railway_variable_collection.auth.DATABASE_URL",
        "railway_variable_collection.mixed.API_KEY",
        "railway_variable.one.JWT_SECRET",
    ]


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS)
def test_one_private_project_per_environment_holds_the_phase_services(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    stack = stacks[env, phase]
    ((project_address, project),) = resources_of(stack, "railway_project").items()
    assert project["name"] == f"healthcare-{env}"
    assert project["default_environment"] == {"name": env}
    assert (project["private"], project["has_pr_deploys"]) == (True, False)
    services = _by_service(stack)
    assert sorted(services) == sorted(s.name for s in plan_for(phase).services if s.runs_on_railway)
    assert "ai" not in services
    for name, body in services.items():
        assert body["project_id"] == f"${{railway_project.{project_address}.id}}"
        # The backup job is built from this repository's services/db-backup ([backups] job_repo), the services from theirs.
        repo = "meridian-health/healthcare-platform-infra" if name == "db-backup" else "meridian-health/healthcare-platform"
        assert body["source_repo"] == repo
        assert body["source_repo_branch"] == {"dev": "main", "staging": "staging", "prod": "production"}[env]
        assert body["root_directory"] == f"/services/{name}"
        assert body["config_path"] == f"/services/{name}/railway.toml"
    collections = resources_of(stack, "railway_variable_collection")
    assert len(collections) == len(services)
    for collection in collections.values():
        assert collection["environment_id"] == f"${{railway_project.{project_address}.default_environment.id}}"
        assert {"name": "PLATFORM_ENV", "value": env} in collection["variables"]


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS)
def test_a_changed_replica_count_fails_the_plan_instead_of_being_ignored(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    """Provider 0.6.2 ignores regions after creation: every service's plan passes only while Railway runs its configured count."""
    from tests.unit.test_railway_service import plan_passes

    services = _by_service(stacks[env, phase])
    assert services
    for name, body in services.items():
        assert body["lifecycle"]["ignore_changes"] == ["regions"], name
        assert plan_passes(body, body["regions"]), name  # creation, or Railway already runs the file's count
        (first, *rest) = body["regions"]
        assert not plan_passes(body, [{**first, "num_replicas": first["num_replicas"] + 1}, *rest]), name  # the file and Railway differ


@pytest.mark.parametrize(("env", "replicas"), [("dev", 1), ("staging", 1), ("prod", 2)])
def test_services_run_the_environment_floor_of_replicas(stacks: dict[Combo, dict[str, Any]], env: str, replicas: int) -> None:
    jobs = {s.name for s in SERVICES if s.is_job}
    for name, body in _by_service(stacks[env, 4]).items():
        expected = 1 if name in jobs else replicas
        assert body["regions"] == [{"region": "us-east4-eqdc4a", "num_replicas": expected}], name


@pytest.mark.parametrize(
    ("env", "hostname"), [("dev", "api.meridian-health-dev.org"), ("staging", "api.meridian-health-staging.org"), ("prod", "api.meridian-health.org")]
)
def test_only_the_gateway_is_public(stacks: dict[Combo, dict[str, Any]], env: str, hostname: str) -> None:
    stack = stacks[env, 4]
    (domain,) = resources_of(stack, "railway_custom_domain").values()
    assert domain["domain"] == hostname
    assert domain["target_port"] == 8080
    assert domain["service_id"] == f"${{railway_service.{_by_service(stack)['gateway']['address']}.id}}"
    assert "railway_service_domain" not in stack["resource"]
    assert "railway_tcp_proxy" not in stack["resource"]


@pytest.mark.parametrize(
    ("phase", "upstreams"),
    [(1, ["AUTH", "PATIENT"]), (2, ["AUTH", "MEDICAL_RECORDS", "PATIENT", "PROVIDER"]), (3, ["APPOINTMENT", "AUTH", "MEDICAL_RECORDS", "PATIENT", "PROVIDER"])],
)
def test_gateway_reaches_the_services_behind_it_privately(stacks: dict[Combo, dict[str, Any]], phase: int, upstreams: list[str]) -> None:
    variables = _variables_of(stacks["dev", phase], "gateway")
    urls = {k.removesuffix("_URL"): v for k, v in variables.items() if k.endswith("_URL")}
    assert sorted(urls) == upstreams
    for upstream, url in urls.items():
        assert url == f"http://{upstream.lower().replace('_', '-')}.railway.internal:8080"
    assert variables["PORT"] == "8080"


def test_scheduler_is_a_one_replica_cron_job_calling_appointment(stacks: dict[Combo, dict[str, Any]]) -> None:
    assert "appointment-scheduler" not in _by_service(stacks["prod", 2])
    scheduler = _by_service(stacks["prod", 3])["appointment-scheduler"]
    assert scheduler["cron_schedule"] == "*/5 * * * *"
    assert scheduler["regions"] == [{"region": "us-east4-eqdc4a", "num_replicas": 1}]
    variables = _variables_of(stacks["prod", 3], "appointment-scheduler")
    assert variables["AWS_ACCESS_KEY_ID"].startswith("${aws_iam_access_key.Identity-appointment-scheduler_")  # its telemetry identity
    assert variables["AWS_SECRET_ACCESS_KEY"].startswith("${aws_iam_access_key.Identity-appointment-scheduler_")
    assert {k: v for k, v in variables.items() if not k.startswith("AWS_")} == {
        "APPOINTMENT_URL": "http://appointment.railway.internal:8080",
        "PLATFORM_ENV": "prod",
        "TELEMETRY_LOG_GROUP": "/aws/railway/healthcare-prod/appointment-scheduler",
        "TELEMETRY_NAMESPACE": "healthcare-prod/appointment-scheduler",
        "TELEMETRY_SERVICE": "appointment-scheduler",
    }
    assert variables["AWS_REGION"] == "us-east-1"


def test_phase_plan_service_data_is_consistent() -> None:
    names = {s.name for s in SERVICES}
    serving = {s.name for s in SERVICES if s.runs_on_railway and s.cron_schedule is None}
    by_name = {s.name: s for s in SERVICES}
    assert by_name["appointment-scheduler"].phase == 3 and by_name["appointment-scheduler"].cron_schedule
    assert [s.name for s in SERVICES if s.public] == ["gateway"] and by_name["gateway"].hostname_label == "api"
    for spec in SERVICES:
        assert set(spec.calls) <= serving - {spec.name}, spec.name
        assert len(spec.name) <= 63 and spec.name in names


def test_platform_stack_exposes_typed_services(configs: dict[str, Any]) -> None:
    from constructs_lib import RailwayService
    from constructs_lib.engine.core import Testing as CdktfTesting
    from stacks.platform import PlatformStack
    from tests.conftest import config_at

    stack = PlatformStack(CdktfTesting.app(), config_at(configs, "prod", 3), plan_for(3))
    assert sorted(stack.services) == ["appointment", "appointment-scheduler", "auth", "db-backup", "gateway", "medical-records", "patient", "provider"]
    assert all(isinstance(s, RailwayService) for s in stack.services.values())
    gateway = stack.services["gateway"]
    records = gateway.custom_domain_records
    assert records is not None and records.domain == "api.meridian-health.org"
    assert records.dns_record_value.startswith("${TfToken[") and records.host_label.startswith("${TfToken[")
    assert gateway.service_domain is None
    assert stack.services["auth"].custom_domain_records is None
    assert stack.services["medical-records"].private_url == "http://medical-records.railway.internal:8080"
    assert stack.services["appointment-scheduler"].port is None


def test_the_backup_job_is_built_from_the_services_repository_without_a_job_repo(configs: dict[str, Any]) -> None:
    """``[backups] job_repo`` absent: the job's folder of ``[railway] repo`` (the pre-issue-26 layout); present with
    ``job_branch``: that branch of this repository's ``services/db-backup``."""
    from constructs_lib.engine.core import Testing as CdktfTesting
    from stacks.platform import PlatformStack
    from tests.conftest import config_at, synth_json

    config = config_at(configs, "staging", 1)
    fallback = config.model_copy(update={"backups": dataclasses.replace(config.backups, job_repo=None)})
    job = _by_service(synth_json(PlatformStack(CdktfTesting.app(), fallback, plan_for(1))))["db-backup"]
    assert (job["source_repo"], job["source_repo_branch"], job["root_directory"]) == ("meridian-health/healthcare-platform", "staging", "/services/db-backup")
    pinned = config.model_copy(update={"backups": dataclasses.replace(config.backups, job_branch="release")})
    job = _by_service(synth_json(PlatformStack(CdktfTesting.app(), pinned, plan_for(1))))["db-backup"]
    assert (job["source_repo"], job["source_repo_branch"]) == ("meridian-health/healthcare-platform-infra", "release")
    assert job["config_path"] == "/services/db-backup/railway.toml"
