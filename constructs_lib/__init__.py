"""Secure-by-default cdktf constructs for the healthcare platform.

Constructs are imported lazily (PEP 562), so ``import constructs_lib.errors`` or the
validation helpers do not pay for loading the AWS provider bindings.
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import ConstructError, GuardrailViolation, MissingProviderError, SynthesisError, ValidationError, ValidationErrors

if TYPE_CHECKING:  # what type checkers see; at run time the names load lazily (__getattr__)
    from . import checkov_gate as checkov_gate
    from .audit.audit_settings import (
        AuditSettings as AuditSettings,
        audit_settings_problems as audit_settings_problems,
    )
    from .audit.audit_trail import (
        AuditTrail as AuditTrail,
        AuditTrailProps as AuditTrailProps,
    )
    from .compute.railway_project import (
        RailwayProject as RailwayProject,
        RailwayProjectProps as RailwayProjectProps,
    )
    from .compute.railway_service import (
        CustomDomainRecords as CustomDomainRecords,
        RailwayService as RailwayService,
        RailwayServiceProps as RailwayServiceProps,
    )
    from .compute.railway_source import (
        ImageSource as ImageSource,
        RegionReplicas as RegionReplicas,
        RepoSource as RepoSource,
        VolumeMount as VolumeMount,
    )
    from .compute.tfc_agent import (
        TerraformCloudAgent as TerraformCloudAgent,
        TerraformCloudAgentProps as TerraformCloudAgentProps,
    )
    from .data._neon_connections import (
        ReaderConnection as ReaderConnection,
        ServiceConnection as ServiceConnection,
    )
    from .data._neon_sql import (
        SqlLogin as SqlLogin,
    )
    from .data.app_secret import (
        AppSecret as AppSecret,
        AppSecretProps as AppSecretProps,
    )
    from .data.field_encryption_key import (
        FieldEncryptionKey as FieldEncryptionKey,
        FieldEncryptionKeyProps as FieldEncryptionKeyProps,
        FieldKeyGrant as FieldKeyGrant,
    )
    from .data.neon_database import (
        NeonDatabase as NeonDatabase,
    )
    from .data.neon_props import (
        NeonDatabaseProps as NeonDatabaseProps,
        ReaderRole as ReaderRole,
    )
    from .data.neon_settings import (
        NeonSettings as NeonSettings,
        neon_settings_problems as neon_settings_problems,
    )
    from .detection.access_analysis import (
        AccessAnalysis as AccessAnalysis,
        AccessAnalysisProps as AccessAnalysisProps,
    )
    from .detection.config_compliance import (
        ConfigCompliance as ConfigCompliance,
        ConfigComplianceProps as ConfigComplianceProps,
    )
    from .detection.detection_types import (
        DisabledControl as DisabledControl,
        ExcludedRule as ExcludedRule,
        FindingSeverity as FindingSeverity,
        MacieSchedule as MacieSchedule,
        PublishingFrequency as PublishingFrequency,
        SecurityStandard as SecurityStandard,
        SnapshotFrequency as SnapshotFrequency,
    )
    from .detection.finding_patterns import (
        FindingSource as FindingSource,
    )
    from .detection.finding_routes import (
        FindingRoutes as FindingRoutes,
        FindingRoutesProps as FindingRoutesProps,
    )
    from .detection.security_posture import (
        SecurityPosture as SecurityPosture,
        SecurityPostureProps as SecurityPostureProps,
    )
    from .detection.sensitive_data_discovery import (
        SensitiveDataDiscovery as SensitiveDataDiscovery,
        SensitiveDataDiscoveryProps as SensitiveDataDiscoveryProps,
    )
    from .detection.threat_detection import (
        ThreatDetection as ThreatDetection,
        ThreatDetectionProps as ThreatDetectionProps,
    )
    from .guardrails import (
        HipaaRulePack as HipaaRulePack,
        apply_guardrails as apply_guardrails,
    )
    from .network.baseline_vpc import (
        BaselineVpc as BaselineVpc,
        BaselineVpcProps as BaselineVpcProps,
        NatGateways as NatGateways,
    )
    from .network.cloudflare_edge import (
        CloudflareEdge as CloudflareEdge,
    )
    from .network.cloudflare_edge_props import (
        CloudflareEdgeProps as CloudflareEdgeProps,
    )
    from .network.edge_policy import (
        CloudflarePlan as CloudflarePlan,
        MinTlsVersion as MinTlsVersion,
        ReferrerPolicy as ReferrerPolicy,
    )
    from .network.network_baseline import (
        NetworkBaseline as NetworkBaseline,
        NetworkBaselineProps as NetworkBaselineProps,
    )
    from .network.subnets import (
        SubnetPlan as SubnetPlan,
        plan_subnets as plan_subnets,
    )
    from .providers.neon import (
        NeonProvider as NeonProvider,
    )
    from .providers.railway import (
        RailwayProvider as RailwayProvider,
    )
    from .storage._grants import (
        BucketGrant as BucketGrant,
        Grantee as Grantee,
    )
    from .storage.access_log_bucket import (
        AccessLogBucket as AccessLogBucket,
        AccessLogBucketProps as AccessLogBucketProps,
    )
    from .storage.access_log_settings import (
        AccessLogBucketSettings as AccessLogBucketSettings,
        access_log_bucket_settings_problems as access_log_bucket_settings_problems,
    )
    from .storage.secure_s3 import (
        SecureS3 as SecureS3,
        phi_buckets as phi_buckets,
    )
    from .storage.secure_s3_props import (
        SecureS3Props as SecureS3Props,
    )
    from .storage.secure_s3_settings import (
        BucketProtection as BucketProtection,
        SecureS3Settings as SecureS3Settings,
        secure_s3_settings_problems as secure_s3_settings_problems,
    )
    from .storage.service_identity import (
        AwsCredentials as AwsCredentials,
        ServiceIdentity as ServiceIdentity,
        ServiceIdentityProps as ServiceIdentityProps,
    )
    from .storage.service_secret import (
        ServiceSecret as ServiceSecret,
        ServiceSecretProps as ServiceSecretProps,
    )
    from .storage.storage_settings import (
        BackupBucketSettings as BackupBucketSettings,
        StorageSettings as StorageSettings,
        backup_bucket_settings_problems as backup_bucket_settings_problems,
        storage_settings_problems as storage_settings_problems,
    )
    from .storage.storage_types import (
        HIPAA_RETENTION_DAYS as HIPAA_RETENTION_DAYS,
        BucketAccess as BucketAccess,
        DataClassification as DataClassification,
        GlacierStorageClass as GlacierStorageClass,
        ObjectLockMode as ObjectLockMode,
    )

_LAZY: dict[str, str] = {
    "NeonProvider": ".providers.neon",
    "RailwayProvider": ".providers.railway",
    "NeonDatabase": ".data.neon_database",
    "NeonDatabaseProps": ".data.neon_props",
    "ReaderRole": ".data.neon_props",
    "NeonSettings": ".data.neon_settings",
    "neon_settings_problems": ".data.neon_settings",
    "SqlLogin": ".data._neon_sql",
    "ServiceConnection": ".data._neon_connections",
    "ReaderConnection": ".data._neon_connections",
    "AppSecret": ".data.app_secret",
    "AppSecretProps": ".data.app_secret",
    "FieldEncryptionKey": ".data.field_encryption_key",
    "FieldEncryptionKeyProps": ".data.field_encryption_key",
    "FieldKeyGrant": ".data.field_encryption_key",
    "NetworkBaseline": ".network.network_baseline",
    "NetworkBaselineProps": ".network.network_baseline",
    "CloudflareEdge": ".network.cloudflare_edge",
    "CloudflareEdgeProps": ".network.cloudflare_edge_props",
    "BaselineVpc": ".network.baseline_vpc",
    "BaselineVpcProps": ".network.baseline_vpc",
    "NatGateways": ".network.baseline_vpc",
    "CloudflarePlan": ".network.edge_policy",
    "MinTlsVersion": ".network.edge_policy",
    "ReferrerPolicy": ".network.edge_policy",
    "plan_subnets": ".network.subnets",
    "SubnetPlan": ".network.subnets",
    "AuditTrail": ".audit.audit_trail",
    "AuditTrailProps": ".audit.audit_trail",
    "AuditSettings": ".audit.audit_settings",
    "audit_settings_problems": ".audit.audit_settings",
    "ThreatDetection": ".detection.threat_detection",
    "ThreatDetectionProps": ".detection.threat_detection",
    "SecurityPosture": ".detection.security_posture",
    "SecurityPostureProps": ".detection.security_posture",
    "ConfigCompliance": ".detection.config_compliance",
    "ConfigComplianceProps": ".detection.config_compliance",
    "AccessAnalysis": ".detection.access_analysis",
    "AccessAnalysisProps": ".detection.access_analysis",
    "SensitiveDataDiscovery": ".detection.sensitive_data_discovery",
    "SensitiveDataDiscoveryProps": ".detection.sensitive_data_discovery",
    "FindingRoutes": ".detection.finding_routes",
    "FindingRoutesProps": ".detection.finding_routes",
    "FindingSource": ".detection.finding_patterns",
    "FindingSeverity": ".detection.detection_types",
    "PublishingFrequency": ".detection.detection_types",
    "SecurityStandard": ".detection.detection_types",
    "MacieSchedule": ".detection.detection_types",
    "SnapshotFrequency": ".detection.detection_types",
    "DisabledControl": ".detection.detection_types",
    "ExcludedRule": ".detection.detection_types",
    "AlertTopic": ".operations.alert_topic",
    "AlertTopicProps": ".operations.alert_topic",
    "UptimeMonitor": ".operations.uptime_monitor",
    "UptimeMonitorProps": ".operations.uptime_monitor",
    "CostBudget": ".operations.cost_budget",
    "CostBudgetProps": ".operations.cost_budget",
    "AccountBaseline": ".operations.account_baseline",
    "AccountBaselineProps": ".operations.account_baseline",
    "BucketErrorAlarm": ".operations.bucket_error_alarm",
    "BucketErrorAlarmProps": ".operations.bucket_error_alarm",
    "OperationsDashboard": ".operations.ops_dashboard",
    "OperationsDashboardProps": ".operations.ops_dashboard",
    "ServiceTelemetry": ".operations.telemetry",
    "ServiceTelemetryProps": ".operations.telemetry",
    "ServiceAlarmSettings": ".operations.telemetry",
    "AlertRoutes": ".operations.settings",
    "UptimeSettings": ".operations.settings",
    "BudgetSettings": ".operations.settings",
    "AccountBaselineSettings": ".operations.settings",
    "ServiceLogSettings": ".operations.settings",
    "ServiceAlarmThresholds": ".operations.settings",
    "TelemetrySettings": ".operations.settings",
    "ApplicationLogReader": ".operations.log_reader",
    "ApplicationLogReaderProps": ".operations.log_reader",
    "CustomDomainRecords": ".compute.railway_service",
    "ImageSource": ".compute.railway_source",
    "RailwayProject": ".compute.railway_project",
    "RailwayProjectProps": ".compute.railway_project",
    "RailwayService": ".compute.railway_service",
    "RailwayServiceProps": ".compute.railway_service",
    "RegionReplicas": ".compute.railway_source",
    "RepoSource": ".compute.railway_source",
    "TerraformCloudAgent": ".compute.tfc_agent",
    "TerraformCloudAgentProps": ".compute.tfc_agent",
    "VolumeMount": ".compute.railway_source",
    "AccessLogBucket": ".storage.access_log_bucket",
    "AccessLogBucketProps": ".storage.access_log_bucket",
    "AccessLogBucketSettings": ".storage.access_log_settings",
    "access_log_bucket_settings_problems": ".storage.access_log_settings",
    "BackupBucketSettings": ".storage.storage_settings",
    "StorageSettings": ".storage.storage_settings",
    "backup_bucket_settings_problems": ".storage.storage_settings",
    "storage_settings_problems": ".storage.storage_settings",
    "BucketProtection": ".storage.secure_s3_settings",
    "SecureS3Settings": ".storage.secure_s3_settings",
    "secure_s3_settings_problems": ".storage.secure_s3_settings",
    "AwsCredentials": ".storage.service_identity",
    "BucketAccess": ".storage.storage_types",
    "BucketGrant": ".storage._grants",
    "Grantee": ".storage._grants",
    "DataClassification": ".storage.storage_types",
    "HIPAA_RETENTION_DAYS": ".storage.storage_types",
    "GlacierStorageClass": ".storage.storage_types",
    "ObjectLockMode": ".storage.storage_types",
    "SecureS3": ".storage.secure_s3",
    "SecureS3Props": ".storage.secure_s3_props",
    "phi_buckets": ".storage.secure_s3",
    "ServiceIdentity": ".storage.service_identity",
    "ServiceIdentityProps": ".storage.service_identity",
    "ServiceSecret": ".storage.service_secret",
    "ServiceSecretProps": ".storage.service_secret",
    "HipaaRulePack": ".guardrails",
    "apply_guardrails": ".guardrails",
}
"""Public name -> module that defines it; filled in as constructs land."""

_RENAMED: dict[str, str] = {"EdgeProps": "CloudflareEdgeProps", "VpcProps": "BaselineVpcProps"}
"""Old public name -> new one (0.1.0). The old names still resolve, with a DeprecationWarning, until 1.0."""

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
    if name in _RENAMED:
        new = _RENAMED[name]
        warnings.warn(f"constructs_lib.{name} is deprecated; use constructs_lib.{new} (renamed in 0.1.0)", DeprecationWarning, stacklevel=2)
        return __getattr__(new)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'constructs_lib' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
