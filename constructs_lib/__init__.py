"""Secure-by-default cdktf constructs for the healthcare platform.

Constructs are imported lazily (PEP 562), so ``import constructs_lib.errors`` or the
validation helpers do not pay for loading the AWS provider bindings.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import ConstructError, GuardrailViolation, MissingProviderError, SynthesisError, ValidationError, ValidationErrors

if TYPE_CHECKING:  # what type checkers see; at run time the names load lazily (__getattr__)
    from . import checkov_gate as checkov_gate
    from ._grants import (
        BucketGrant as BucketGrant,
        Grantee as Grantee,
    )
    from ._neon_sql import (
        SqlLogin as SqlLogin,
    )
    from .access_log_bucket import (
        AccessLogBucket as AccessLogBucket,
        AccessLogBucketProps as AccessLogBucketProps,
    )
    from .app_secret import (
        AppSecret as AppSecret,
        AppSecretProps as AppSecretProps,
    )
    from .audit_trail import (
        AuditTrail as AuditTrail,
        AuditTrailProps as AuditTrailProps,
    )
    from .baseline_vpc import (
        BaselineVpc as BaselineVpc,
        NatGateways as NatGateways,
        VpcProps as VpcProps,
    )
    from .cloudflare_edge import (
        CloudflareEdge as CloudflareEdge,
        EdgeProps as EdgeProps,
    )
    from .edge_policy import (
        CloudflarePlan as CloudflarePlan,
    )
    from .guardrails import (
        HipaaRulePack as HipaaRulePack,
        apply_guardrails as apply_guardrails,
    )
    from .neon_database import (
        NeonDatabase as NeonDatabase,
        NeonDatabaseProps as NeonDatabaseProps,
        ReaderRole as ReaderRole,
    )
    from .network_baseline import (
        NetworkBaseline as NetworkBaseline,
        NetworkBaselineProps as NetworkBaselineProps,
    )
    from .providers.neon import (
        NeonProvider as NeonProvider,
    )
    from .providers.railway import (
        RailwayProvider as RailwayProvider,
    )
    from .railway_project import (
        RailwayProject as RailwayProject,
        RailwayProjectProps as RailwayProjectProps,
    )
    from .railway_service import (
        CustomDomainRecords as CustomDomainRecords,
        RailwayService as RailwayService,
        RailwayServiceProps as RailwayServiceProps,
    )
    from .railway_source import (
        ImageSource as ImageSource,
        RegionReplicas as RegionReplicas,
        RepoSource as RepoSource,
        VolumeMount as VolumeMount,
    )
    from .secure_s3 import (
        SecureS3 as SecureS3,
        SecureS3Props as SecureS3Props,
        phi_buckets as phi_buckets,
    )
    from .service_identity import (
        AwsCredentials as AwsCredentials,
        ServiceIdentity as ServiceIdentity,
        ServiceIdentityProps as ServiceIdentityProps,
    )
    from .storage_types import (
        HIPAA_RETENTION_DAYS as HIPAA_RETENTION_DAYS,
        BucketAccess as BucketAccess,
        DataClassification as DataClassification,
        ObjectLockMode as ObjectLockMode,
    )
    from .subnets import (
        SubnetPlan as SubnetPlan,
        plan_subnets as plan_subnets,
    )

_LAZY: dict[str, str] = {
    "NeonProvider": ".providers.neon",
    "RailwayProvider": ".providers.railway",
    "NeonDatabase": ".neon_database",
    "NeonDatabaseProps": ".neon_database",
    "ReaderRole": ".neon_database",
    "SqlLogin": "._neon_sql",
    "AppSecret": ".app_secret",
    "AppSecretProps": ".app_secret",
    "NetworkBaseline": ".network_baseline",
    "NetworkBaselineProps": ".network_baseline",
    "CloudflareEdge": ".cloudflare_edge",
    "EdgeProps": ".cloudflare_edge",
    "BaselineVpc": ".baseline_vpc",
    "VpcProps": ".baseline_vpc",
    "NatGateways": ".baseline_vpc",
    "CloudflarePlan": ".edge_policy",
    "plan_subnets": ".subnets",
    "SubnetPlan": ".subnets",
    "AuditTrail": ".audit_trail",
    "AuditTrailProps": ".audit_trail",
    "AlertTopic": ".alert_topic",
    "AlertTopicProps": ".alert_topic",
    "UptimeMonitor": ".uptime_monitor",
    "UptimeMonitorProps": ".uptime_monitor",
    "CostBudget": ".cost_budget",
    "CostBudgetProps": ".cost_budget",
    "AccountBaseline": ".account_baseline",
    "AccountBaselineProps": ".account_baseline",
    "BucketErrorAlarm": ".bucket_error_alarm",
    "BucketErrorAlarmProps": ".bucket_error_alarm",
    "OperationsDashboard": ".ops_dashboard",
    "OperationsDashboardProps": ".ops_dashboard",
    "CustomDomainRecords": ".railway_service",
    "ImageSource": ".railway_source",
    "RailwayProject": ".railway_project",
    "RailwayProjectProps": ".railway_project",
    "RailwayService": ".railway_service",
    "RailwayServiceProps": ".railway_service",
    "RegionReplicas": ".railway_source",
    "RepoSource": ".railway_source",
    "VolumeMount": ".railway_source",
    "AccessLogBucket": ".access_log_bucket",
    "AccessLogBucketProps": ".access_log_bucket",
    "AwsCredentials": ".service_identity",
    "BucketAccess": ".storage_types",
    "BucketGrant": "._grants",
    "Grantee": "._grants",
    "DataClassification": ".storage_types",
    "HIPAA_RETENTION_DAYS": ".storage_types",
    "ObjectLockMode": ".storage_types",
    "SecureS3": ".secure_s3",
    "SecureS3Props": ".secure_s3",
    "phi_buckets": ".secure_s3",
    "ServiceIdentity": ".service_identity",
    "ServiceIdentityProps": ".service_identity",
    "HipaaRulePack": ".guardrails",
    "apply_guardrails": ".guardrails",
}
"""Public name -> module that defines it; filled in as constructs land."""

__all__ = [
    "ConstructError",
    "GuardrailViolation",
    "MissingProviderError",
    "SynthesisError",
    "ValidationError",
    "ValidationErrors",
    "__version__",
    "checkov_gate",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name == "checkov_gate":  # a module: ``from constructs_lib import checkov_gate``
        return importlib.import_module(".checkov_gate", __name__)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'constructs_lib' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
