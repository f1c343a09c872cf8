"""Secure-by-default cdktf constructs for the healthcare platform.

Constructs are imported lazily (PEP 562), so ``import constructs_lib.errors`` or the
validation helpers do not pay for loading the AWS provider bindings.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._version import __version__
from .errors import ConstructError, GuardrailViolation, MissingProviderError, SynthesisError, ValidationError, ValidationErrors

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
