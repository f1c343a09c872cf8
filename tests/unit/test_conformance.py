"""The schema conformance checker catches each kind of mistake (hand-made bad blocks)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conformance import Problem, ProviderSchema, check_stack
from tests.conftest import REPO_ROOT

NEON = ProviderSchema.load(REPO_ROOT / "constructs_lib/providers/neon/schema.json")
RAILWAY = ProviderSchema.load(REPO_ROOT / "constructs_lib/providers/railway/schema.json")


def _neon_project(**body: Any) -> dict[str, Any]:
    return {"resource": {"neon_project": {"main": body}}}


def _railway_service(**body: Any) -> dict[str, Any]:
    return {"resource": {"railway_service": {"api": {"name": "api", "project_id": "${railway_project.p.id}", **body}}}}


def _messages(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


def test_schema_files_name_their_provider() -> None:
    assert NEON.local_name == "neon"
    assert RAILWAY.local_name == "railway"
    assert "neon_project" in NEON.resources and "neon_branches" in NEON.data_sources


def test_a_correct_block_has_no_problems() -> None:
    stack = _neon_project(
        name="healthcare-prod",
        region_id="aws-us-east-1",
        pg_version=17,
        hipaa="yes",
        default_branch_protected=True,
        allowed_ips=["10.0.0.0/16"],
        default_endpoint_settings=[{"autoscaling_limit_min_cu": 0.25, "autoscaling_limit_max_cu": 2}],
        lifecycle={"prevent_destroy": True},
        provider="neon",
        depends_on=["neon_project.other"],
    )
    stack["resource"]["neon_endpoint"] = {"ro": {"project_id": "${neon_project.main.id}", "branch_id": "x", "pg_settings": {"a": "b"}}}
    stack["data"] = {"neon_branches": {"all": {"project_id": "${neon_project.main.id}"}}}
    assert check_stack(stack, NEON) == []
    assert check_stack(_railway_service(volume={"name": "data", "mount_path": "/data"}, regions=[{"region": "r", "num_replicas": 2}]), RAILWAY) == []


def test_finds_an_unknown_attribute() -> None:
    assert _messages(check_stack(_neon_project(name="p", hipaa_enabled="yes"), NEON)) == ["neon_project.main: hipaa_enabled: unknown attribute"]


def test_finds_an_unknown_attribute_inside_a_block() -> None:
    stack = _neon_project(default_endpoint_settings=[{"min_cu": 1}])
    assert _messages(check_stack(stack, NEON)) == ["neon_project.main: default_endpoint_settings[0].min_cu: unknown attribute"]


def test_finds_a_missing_required_attribute() -> None:
    stack = {"resource": {"neon_role": {"svc": {"project_id": "p", "branch_id": "b"}}}}
    assert _messages(check_stack(stack, NEON)) == ["neon_role.svc: name: required attribute is missing"]


def test_finds_a_missing_required_attribute_inside_a_nested_attribute() -> None:
    stack = _railway_service(volume={"name": "data"})
    assert _messages(check_stack(stack, RAILWAY)) == ["railway_service.api: volume.mount_path: required attribute is missing"]


@pytest.mark.parametrize(
    ("attribute", "value", "expected"),
    [
        ("name", 12, "name: must be a string, got number 12"),
        ("pg_version", "17", "pg_version: must be a number, got string '17'"),
        ("default_branch_protected", "yes", "default_branch_protected: must be a bool, got string 'yes'"),
        ("history_retention_seconds", True, "history_retention_seconds: must be a number, got bool True"),
        ("allowed_ips", "10.0.0.0/16", "allowed_ips: must be a list, got string"),
        ("allowed_ips", ["10.0.0.0/16", 4], "allowed_ips[1]: must be a string, got number 4"),
    ],
)
def test_finds_a_wrong_type(attribute: str, value: Any, expected: str) -> None:
    assert _messages(check_stack(_neon_project(**{attribute: value}), NEON)) == [f"neon_project.main: {expected}"]


def test_finds_a_wrong_map_value_type() -> None:
    stack = {"resource": {"neon_endpoint": {"e": {"project_id": "p", "branch_id": "b", "pg_settings": {"work_mem": 4}}}}}
    assert _messages(check_stack(stack, NEON)) == ["neon_endpoint.e: pg_settings['work_mem']: must be a string, got number 4"]


def test_accepts_token_strings_for_any_type() -> None:
    stack = _neon_project(
        pg_version="${var.pg}",
        default_branch_protected="${var.protect}",
        allowed_ips="${var.ips}",
        quota="${var.quota}",
    )
    assert check_stack(stack, NEON) == []


def test_finds_a_block_given_as_an_object_instead_of_a_list() -> None:
    stack = _neon_project(default_endpoint_settings={"autoscaling_limit_min_cu": 1})
    assert _messages(check_stack(stack, NEON)) == ["neon_project.main: default_endpoint_settings: block (list) must be a list of objects, got object"]


def test_finds_too_many_block_items() -> None:
    stack = _neon_project(quota=[{"active_time_seconds": 1}, {"active_time_seconds": 2}])
    assert _messages(check_stack(stack, NEON)) == ["neon_project.main: quota: at most 1 item(s) allowed, got 2"]


def test_finds_a_block_item_that_is_not_an_object() -> None:
    stack = _neon_project(branch=["main"])
    assert _messages(check_stack(stack, NEON)) == ["neon_project.main: branch[0]: must be an object, got string"]


def test_finds_a_list_where_a_single_nested_attribute_belongs() -> None:
    stack = _railway_service(volume=[{"name": "data", "mount_path": "/data"}])
    assert _messages(check_stack(stack, RAILWAY)) == ["railway_service.api: volume: nested attribute (single) must be an object, got a list"]


def test_finds_an_object_where_a_list_nested_attribute_belongs() -> None:
    stack = _railway_service(regions={"region": "us-east4-eqdc4a"})
    assert _messages(check_stack(stack, RAILWAY)) == ["railway_service.api: regions: nested attribute (list) must be a list of objects, got object"]


def test_finds_a_wrong_type_inside_a_list_nested_attribute() -> None:
    stack = _railway_service(regions=[{"region": "us-east4-eqdc4a", "num_replicas": "2"}])
    assert _messages(check_stack(stack, RAILWAY)) == ["railway_service.api: regions[0].num_replicas: must be a number, got string '2'"]


def test_finds_a_computed_only_attribute_that_was_set() -> None:
    stack = {"resource": {"neon_role": {"svc": {"project_id": "p", "branch_id": "b", "name": "svc", "password": "hunter2"}}}}
    assert _messages(check_stack(stack, NEON)) == ["neon_role.svc: password: is computed by the provider and cannot be set"]


def test_finds_a_computed_only_attribute_set_inside_a_block() -> None:
    stack = _neon_project(branch=[{"id": "br-x", "name": "main"}])
    assert _messages(check_stack(stack, NEON)) == ["neon_project.main: branch[0].id: is computed by the provider and cannot be set"]


def test_finds_an_unknown_resource_type() -> None:
    stack = {"resource": {"neon_branch_backup_schedule": {"nightly": {"project_id": "p"}}}}
    assert _messages(check_stack(stack, NEON)) == ["neon_branch_backup_schedule.nightly: unknown resource type 'neon_branch_backup_schedule'"]


def test_finds_an_unknown_data_source_type() -> None:
    stack = {"data": {"railway_service": {"api": {"name": "x"}}}}
    assert _messages(check_stack(stack, RAILWAY)) == ["data.railway_service.api: unknown data source type 'railway_service'"]


def test_finds_a_missing_required_attribute_of_a_data_source() -> None:
    stack = {"data": {"neon_branch_role_password": {"pw": {"project_id": "p", "branch_id": "b"}}}}
    assert _messages(check_stack(stack, NEON)) == ["data.neon_branch_role_password.pw: role_name: required attribute is missing"]


def test_finds_an_unknown_provider_argument() -> None:
    stack = {"provider": {"neon": [{"api_token": "x"}]}}
    assert _messages(check_stack(stack, NEON)) == ["provider.neon[0]: api_token: unknown attribute"]


def test_ignores_other_providers_types() -> None:
    stack = {"resource": {"aws_s3_bucket": {"b": {"bogus": 1}}, "neonx_thing": {"t": {}}}}
    assert check_stack(stack, NEON) == []
