"""ServiceIdentity: an IAM user without console access, its group, and sensitive credentials."""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib import ValidationError
from tests.conftest import resources_of, synth_json
from tests.unit._s3_helpers import REGION, block, ref


def _identity(stack: Any, **overrides: Any) -> Any:
    from constructs_lib import ServiceIdentity, ServiceIdentityProps
    from constructs_lib.engine.aws import AwsProvider

    AwsProvider(stack, "aws", region=REGION)
    props = {"project": "acme", "environment": "dev", "service": "medical-records", **overrides}
    return ServiceIdentity(stack, "Svc", ServiceIdentityProps(**props))


def test_defaults(fresh_stack: Any) -> None:
    identity = _identity(fresh_stack)
    out = synth_json(fresh_stack)
    user = block(out, identity.resource)
    assert user == {"name": "acme-dev-medical-records", "path": "/services/"}
    assert block(out, identity.group) == {"name": "acme-dev-medical-records", "path": "/services/"}
    membership = block(out, identity.membership)
    assert membership == {"user": ref(identity.resource, "name"), "groups": [ref(identity.group, "name")]}
    (key,) = identity.access_keys
    assert block(out, key) == {"user": ref(identity.resource, "name")}
    assert resources_of(out, "aws_iam_user_login_profile") == {}
    assert resources_of(out, "aws_iam_user_policy") == {}


def _outputs(stack: Any, identity: Any) -> dict[str, Any]:
    from constructs_lib.engine.core import TerraformOutput

    TerraformOutput(stack, "key_id", value=identity.access_key_id, sensitive=True)
    TerraformOutput(stack, "secret", value=identity.secret_access_key, sensitive=True)
    return synth_json(stack)["output"]


def test_credentials_are_references_to_the_current_key(fresh_stack: Any) -> None:
    from constructs_lib.engine.core import Token

    identity = _identity(fresh_stack)
    assert Token.is_unresolved(identity.secret_access_key)
    assert Token.is_unresolved(identity.access_key_id)
    outputs = _outputs(fresh_stack, identity)
    assert outputs["secret"]["value"] == ref(identity.access_keys[-1], "secret")
    assert outputs["key_id"]["value"] == ref(identity.access_keys[-1], "id")
    assert identity.grantee_name == "acme-dev-medical-records"


def test_credentials_bundle_for_the_service(fresh_stack: Any) -> None:
    from constructs_lib._aws.iam import AwsAccount
    from constructs_lib.engine.core import TerraformOutput

    identity = _identity(fresh_stack)
    credentials = identity.credentials
    for field in ("access_key_id", "secret_access_key", "region"):
        TerraformOutput(fresh_stack, field, value=getattr(credentials, field), sensitive=True)
    outputs = synth_json(fresh_stack)["output"]
    assert outputs["secret_access_key"]["value"] == ref(identity.access_keys[-1], "secret")
    assert outputs["access_key_id"]["value"] == ref(identity.access_keys[-1], "id")
    assert outputs["region"]["value"] == ref(AwsAccount.of(identity)._region, "region")


def test_two_keys_during_rotation_hand_out_the_newest(fresh_stack: Any) -> None:
    identity = _identity(fresh_stack, access_key_versions=("1", "2"))
    assert [k.node.id for k in identity.access_keys] == ["AccessKey1", "AccessKey2"]
    assert _outputs(fresh_stack, identity)["secret"]["value"] == ref(identity.access_keys[1], "secret")
    assert len(resources_of(synth_json(fresh_stack), "aws_iam_access_key")) == 2


def test_custom_path(fresh_stack: Any) -> None:
    identity = _identity(fresh_stack, path="/platform/services/")
    assert block(synth_json(fresh_stack), identity.resource)["path"] == "/platform/services/"
    assert identity.policy_path == "/platform/services/"


def test_attach_policy_attaches_a_managed_policy_to_the_group(fresh_stack: Any) -> None:
    from constructs import Construct

    identity = _identity(fresh_stack)
    arn = "arn:aws:iam::111122223333:policy/services/example"
    attachment = identity.attach_policy(Construct(fresh_stack, "Grant"), "Attachment", policy_arn=arn)
    out = synth_json(fresh_stack)
    assert block(out, attachment) == {"group": ref(identity.group, "name"), "policy_arn": arn}
    assert attachment.terraform_resource_type == "aws_iam_group_policy_attachment"
    for inline in ("aws_iam_group_policy", "aws_iam_user_policy", "aws_iam_user_policy_attachment"):
        assert resources_of(out, inline) == {}, inline


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"service": "Medical Records"}, r"service must be lowercase letters .*got 'Medical Records'$"),
        ({"path": "services"}, r"path must be an IAM path .*got 'services'$"),
        ({"access_key_versions": ()}, r"access_key_versions must be 1\.\.2 distinct versions, got \(\)$"),
        ({"access_key_versions": ("1", "2", "3")}, r"access_key_versions must be 1\.\.2 distinct versions, got \('1', '2', '3'\)$"),
        ({"access_key_versions": ("1", "1")}, r"access_key_versions must be 1\.\.2 distinct versions"),
        ({"access_key_versions": ("Key-1",)}, r"access_key_versions must be 1\.\.8 lowercase letters or digits, got 'Key-1'$"),
        ({"service": "s" * 60}, r"name must be at most 64 characters"),
        ({"allowed_source_ips": ("0.0.0.0/0",)}, r"allowed_source_ips must be an IPv4 or IPv6 address or CIDR .*got '0\.0\.0\.0/0'$"),
        ({"allowed_source_ips": ("198.51.100.7/24",)}, r"allowed_source_ips must be .*no host bits set.*got '198\.51\.100\.7/24'$"),
        ({"allowed_source_ips": ("198.51.100.7", "198.51.100.7")}, r"allowed_source_ips must be distinct addresses"),
    ],
    ids=["service-name", "path", "no-key", "three-keys", "duplicate-keys", "key-version", "too-long", "everyone", "host-bits", "duplicate-ip"],
)
def test_fails_when_identity_props_are_bad(fresh_stack: Any, overrides: dict[str, Any], match: str) -> None:
    with pytest.raises(ValidationError, match=rf"^test/Svc: {match}"):
        _identity(fresh_stack, **overrides)


def test_no_source_restriction_by_default(fresh_stack: Any) -> None:
    identity = _identity(fresh_stack)
    assert identity.source_ip_policy is None
    assert resources_of(synth_json(fresh_stack), "aws_iam_policy") == {}


def _decision(stack: Any, source: str | None, *, via_service: bool, action: str = "s3:GetObject") -> Any:
    """What AWS decides for the identity (its group's policies plus a grant) making ``action`` from ``source``."""
    from tests.access.iam_eval import Request, decide_same_account
    from tests.access.world import StackWorld

    world = StackWorld(synth_json(stack))
    user, policies = world.user("Svc")
    grant = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "kms:Decrypt"], "Resource": "*"}]}
    context: dict[str, Any] = {"aws:ViaAWSService": via_service}
    if source is not None:
        context["aws:SourceIp"] = source
    request = Request(
        user, action, "arn:aws:s3:::acme-dev-documents/a.pdf" if action.startswith("s3:") else "arn:aws:kms:us-east-1:111122223333:key/k", context
    )
    return decide_same_account(request, resource_policy=None, identity_policies=[*policies, grant], resource_account=user.account)


def test_allowed_source_ips_deny_requests_from_elsewhere(fresh_stack: Any) -> None:
    """AWS's "Denies access to AWS based on the source IP", on the group: the configured egress works, any other address
    (or none: a VPC endpoint) is refused, and a request an AWS service makes on the identity's behalf is not."""
    from tests.access.iam_eval import Decision

    identity = _identity(fresh_stack, allowed_source_ips=("198.51.100.0/28", "2001:db8:4::/48"))
    out = synth_json(fresh_stack)
    policy = block(out, identity.source_ip_policy)
    assert (policy["name"], policy["path"]) == ("acme-dev-medical-records-source-ip", "/services/")
    (attachment,) = resources_of(out, "aws_iam_group_policy_attachment").values()
    assert (attachment["group"], attachment["policy_arn"]) == (ref(identity.group, "name"), ref(identity.source_ip_policy, "arn"))
    assert _decision(fresh_stack, "198.51.100.9", via_service=False) is Decision.ALLOW
    assert _decision(fresh_stack, "2001:db8:4::10", via_service=False) is Decision.ALLOW
    assert _decision(fresh_stack, "198.51.100.16", via_service=False) is Decision.EXPLICIT_DENY
    assert _decision(fresh_stack, None, via_service=False) is Decision.EXPLICIT_DENY
    assert _decision(fresh_stack, "52.216.8.1", via_service=True, action="kms:Decrypt") is Decision.ALLOW
    assert _decision(fresh_stack, "203.0.113.5", via_service=False, action="kms:Decrypt") is Decision.EXPLICIT_DENY
