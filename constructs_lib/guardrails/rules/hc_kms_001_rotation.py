"""HC-KMS-001: every symmetric customer-managed key rotates its material yearly."""

from __future__ import annotations

from collections.abc import Iterator

from .._rule import Level, PackOptions, Rule, Violation
from .._view import StackView


def check(view: StackView, options: PackOptions) -> Iterator[Violation]:
    for key in view.resources("aws_kms_key"):
        if key.get("customer_master_key_spec", "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT":
            continue  # AWS rotates only symmetric keys
        if key.get("enable_key_rotation") is not True:
            yield Violation(address=key.address, detail="key has enable_key_rotation off")


RULE = Rule(
    id="HC-KMS-001",
    level=Level.ERROR,
    rationale="rotating key material limits how much PHI one compromised key version exposes",
    fix="set enable_key_rotation = true on the aws_kms_key",
    hipaa="HIPAA.Security-KMSBackingKeyRotationEnabled",
    check=check,
)
