"""``ServiceIdentity``: the AWS identity of one service that cannot assume a role (Railway)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from constructs import Construct

from .._aws.iam import AwsAccount, Condition, PolicyDocument, statement
from .._provider_requirements import AWS, require_provider
from ..checkov_gate import accept
from ..engine.aws import IamAccessKey, IamGroup, IamGroupPolicyAttachment, IamPolicy, IamUser, IamUserGroupMembership
from ..engine.core import TerraformResource
from ..errors import Problems
from ..value_rules import check_allowed_ip, check_name_part

_KEY_VERSION_RE = re.compile(r"^[a-z0-9]{1,8}$")
MAX_ACCESS_KEYS = 2
"""IAM allows two access keys per user, which is what makes a rotation without downtime possible."""


IAM_USER_REASON = (
    "the service runs where it cannot assume an IAM role or use SSO (Railway), so it gets its own IAM user "
    "with least-privilege grants; its access keys are per service and rotated through access_key_versions"
)
"""Published as the user's accepted checkov CKV_AWS_273 finding (see ``constructs_lib.checkov_gate``)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class AwsCredentials:
    """What a service outside AWS needs to call AWS as its identity; every field is a Terraform reference."""

    access_key_id: str
    """``AWS_ACCESS_KEY_ID``."""
    secret_access_key: str
    """``AWS_SECRET_ACCESS_KEY``: sensitive in the provider schema, so Terraform redacts it."""
    region: str
    """``AWS_REGION``: the region of the stack's default AWS provider."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ServiceIdentityProps:
    """Settings for ServiceIdentity; the IAM user and group are named ``<project>-<environment>-<service>``."""

    project: str
    environment: str
    service: str
    """The service's name, e.g. ``medical-records``."""
    path: str = "/services/"
    """IAM path of the user and group. Default: ``/services/``."""
    access_key_versions: tuple[str, ...] = ("1",)
    """One access key per entry (at most two); the service is given the key of the last entry.
    Rotate by appending a version (both keys work), deploying, then removing the old one.
    Default: one key, version ``1``."""
    allowed_source_ips: tuple[str, ...] = ()
    """Public addresses or CIDRs the identity's requests must come from (the service's static egress, such as
    Railway's Static Outbound IPs): a policy on its group denies every request from anywhere else
    (``aws:SourceIp``), except requests an AWS service makes on its behalf (``aws:ViaAWSService``, such as S3
    asking KMS to decrypt an object). Not for a service that reaches AWS through a VPC endpoint: the key is
    absent there, so every request would be denied. Default: the keys work from any address."""


class ServiceIdentity(Construct):
    """An IAM user without console access, its group (which holds every grant) and its access keys.

    Creates ``Resource`` (aws_iam_user, no login profile, so no console password), Group
    (aws_iam_group), Membership and ``AccessKey<version>`` per entry of
    ``access_key_versions``; with ``allowed_source_ips``, ``SourceIpPolicy`` (a Deny of requests from
    other addresses) attached to the group. Permissions are customer-managed policies attached to the group
    (checkov CKV_AWS_40; no inline policies, HC-IAM-003), created by grants such as
    ``SecureS3.grant_read``. The secret access key is only available as the
    ``secret_access_key`` token, which Terraform treats as sensitive; it is stored in state,
    so state must be encrypted (Terraform Cloud, or an encrypted S3 backend).
    """

    def __init__(self, scope: Construct, id_: str, props: ServiceIdentityProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        path = self.node.path
        problems = Problems(path)
        for field in ("project", "environment", "service"):
            try:
                check_name_part(getattr(props, field))
            except ValueError as error:
                problems.add(field, getattr(props, field), str(error))
        if not re.match(r"^/(?:[A-Za-z0-9+=,.@_-]+/)*$", props.path):
            problems.add("path", props.path, "an IAM path such as '/services/' (starting and ending with '/')")
        versions = props.access_key_versions
        if not 1 <= len(versions) <= MAX_ACCESS_KEYS or len(set(versions)) != len(versions):
            problems.add("access_key_versions", versions, f"1..{MAX_ACCESS_KEYS} distinct versions")
        for version in versions:
            if not _KEY_VERSION_RE.match(version):
                problems.add("access_key_versions", version, "1..8 lowercase letters or digits")
        for address in props.allowed_source_ips:
            try:
                check_allowed_ip(address)
            except ValueError as error:
                problems.add("allowed_source_ips", address, str(error))
        if len(set(props.allowed_source_ips)) != len(props.allowed_source_ips):
            problems.add("allowed_source_ips", props.allowed_source_ips, "distinct addresses")
        name = f"{props.project}-{props.environment}-{props.service}"
        if len(name) > 64:
            problems.add("name", name, "at most 64 characters (IAM user names)")
        problems.raise_if_any()

        self._props = props
        self._name = name
        self.resource = IamUser(self, "Resource", name=name, path=props.path)
        accept(self.resource, "CKV_AWS_273", IAM_USER_REASON)
        self.group = IamGroup(self, "Group", name=name, path=props.path)
        self.membership = IamUserGroupMembership(self, "Membership", user=self.resource.name, groups=[self.group.name])
        self.access_keys = tuple(IamAccessKey(self, f"AccessKey{v}", user=self.resource.name) for v in versions)
        """Every access key, oldest first; the last one is the one handed to the service."""
        self.source_ip_policy: IamPolicy | None = None
        """The group's ``<name>-source-ip`` policy (``allowed_source_ips``), else None."""
        if props.allowed_source_ips:
            self.source_ip_policy = self._deny_other_sources(name, props)

    def _deny_other_sources(self, name: str, props: ServiceIdentityProps) -> IamPolicy:
        # AWS's "Denies access to AWS based on the source IP" example with its aws:ViaAWSService exemption: a request
        # S3 or KMS make for the identity (forward access sessions) is judged by the service's own checks, not denied here.
        document = PolicyDocument(
            self,
            "SourceIpDocument",
            [
                statement(
                    sid="DenyOutsideStaticEgress",
                    effect="Deny",
                    actions=["*"],
                    resources=["*"],
                    conditions=[
                        Condition("NotIpAddress", "aws:SourceIp", tuple(props.allowed_source_ips)),
                        Condition("Bool", "aws:ViaAWSService", ("false",)),
                    ],
                )
            ],
        )
        policy = IamPolicy(
            self,
            "SourceIpPolicy",
            name=f"{name}-source-ip",
            path=props.path,
            description=f"{name}: every request from outside the service's static egress addresses is denied",
            policy=document.json,
        )
        IamGroupPolicyAttachment(self, "SourceIpAttachment", group=self.group.name, policy_arn=policy.arn)
        return policy

    # Typed attributes -------------------------------------------------------------------

    @property
    def service(self) -> str:
        """The service this identity belongs to (``props.service``)."""
        return self._props.service

    @property
    def user_name(self) -> str:
        return self.resource.name

    @property
    def user_arn(self) -> str:
        return self.resource.arn

    @property
    def group_name(self) -> str:
        return self.group.name

    @property
    def access_key_id(self) -> str:
        """``AWS_ACCESS_KEY_ID`` of the current key (a token)."""
        return self.access_keys[-1].id

    @property
    def secret_access_key(self) -> str:
        """``AWS_SECRET_ACCESS_KEY`` of the current key: a sensitive token, never a plain value."""
        return self.access_keys[-1].secret

    @property
    def credentials(self) -> AwsCredentials:
        """The current key and the region, for the service's environment variables (e.g. a RailwayService)."""
        return AwsCredentials(
            access_key_id=self.access_key_id,
            secret_access_key=self.secret_access_key,
            region=AwsAccount.of(self).region,
        )

    # Grantee protocol -------------------------------------------------------------------

    @property
    def grant_principal_arn(self) -> str:
        return self.resource.arn

    @property
    def grantee_name(self) -> str:
        return self._name

    @property
    def policy_path(self) -> str:
        """IAM path of the managed policies granted to this identity: the identity's own ``path``."""
        return self._props.path

    def attach_policy(self, scope: Construct, id_: str, *, policy_arn: str) -> TerraformResource:
        """Attach the managed policy ``policy_arn`` to the identity's group (never to the user)."""
        return IamGroupPolicyAttachment(scope, id_, group=self.group.name, policy_arn=policy_arn)
