"""Every construct reports all of its invalid props in one error, one line each, before creating a child."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from constructs_lib.engine.core import TerraformStack, Testing as CdktfTesting
from constructs_lib.errors import ValidationErrors


def _stack() -> TerraformStack:
    from constructs_lib import NeonProvider, RailwayProvider
    from constructs_lib.engine.aws import AwsProvider

    stack = TerraformStack(CdktfTesting.app(), "test")
    AwsProvider(stack, "aws", region="us-east-1")
    NeonProvider(stack, "neon")
    RailwayProvider(stack, "railway")
    return stack


def _neon(stack: TerraformStack) -> Any:
    from constructs_lib import NeonDatabase, NeonDatabaseProps

    return NeonDatabase(stack, "Bad", NeonDatabaseProps(project_name="", services=["Patient"], pg_version=12))


def _railway_project(stack: TerraformStack) -> Any:
    from constructs_lib import RailwayProject, RailwayProjectProps

    return RailwayProject(stack, "Bad", RailwayProjectProps(name="X", workspace_id="team-1"))


def _railway_service(stack: TerraformStack) -> Any:
    from constructs_lib import RailwayProject, RailwayProjectProps, RailwayService, RailwayServiceProps, RegionReplicas, RepoSource

    project = RailwayProject(stack, "Project", RailwayProjectProps(name="acme-dev"))
    source = RepoSource(repo="acme/platform", branch="main")
    props = RailwayServiceProps(name="Api", project=project, source=source, regions=[RegionReplicas(region="us-east4-eqdc4a", replicas=1)], port=0)
    return RailwayService(stack, "Bad", props)


def _vpc(stack: TerraformStack) -> Any:
    from constructs_lib import BaselineVpc, BaselineVpcProps

    return BaselineVpc(stack, "Bad", BaselineVpcProps(name_prefix="acme-dev", cidr="not-a-cidr", region="mars-1", availability_zones=("mars-1a", "mars-1a")))


def _identity(stack: TerraformStack) -> Any:
    from constructs_lib import ServiceIdentity, ServiceIdentityProps

    return ServiceIdentity(stack, "Bad", ServiceIdentityProps(project="acme", environment="dev", service="Worker", path="services"))


def _access_logs(stack: TerraformStack) -> Any:
    from constructs_lib import AccessLogBucket, AccessLogBucketProps

    return AccessLogBucket(stack, "Bad", AccessLogBucketProps(project="acme", environment="dev", purpose="Logs", force_destroy=True))


@pytest.mark.parametrize(
    ("build", "fields"),
    [
        (_neon, {"project_name", "pg_version", "services"}),
        (_railway_project, {"name", "workspace_id"}),
        (_railway_service, {"name", "port"}),
        (_vpc, {"region", "availability_zones", "cidr"}),
        (_identity, {"service", "path"}),
        (_access_logs, {"purpose", "force_destroy"}),
    ],
    ids=["NeonDatabase", "RailwayProject", "RailwayService", "BaselineVpc", "ServiceIdentity", "AccessLogBucket"],
)
def test_fails_with_every_problem_at_once(build: Callable[[TerraformStack], Any], fields: set[str]) -> None:
    stack = _stack()
    with pytest.raises(ValidationErrors) as caught:
        build(stack)
    lines = str(caught.value).splitlines()
    assert len(lines) == len(caught.value.errors) >= 2
    assert all(line.startswith("test/Bad: ") for line in lines)
    assert {error.field for error in caught.value.errors} >= fields
    bad = stack.node.try_find_child("Bad")
    assert bad is None or bad.node.children == []
