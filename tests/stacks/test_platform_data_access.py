"""What each Railway service receives from the database and the generated secrets, in every environment x phase."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from environments import EnvironmentConfig
from platform_plan.phases import plan_for
from tests.conftest import ALL_COMBOS, Combo, config_at, resources_of, synth_json
from tests.stacks.test_railway_stack import _by_service, _variables_of

IDS = [f"{e}-phase{p}" for e, p in ALL_COMBOS]
_URI = re.compile(
    r'^\$\{format\("postgres://%s/%s\?sslmode=verify-full&sslrootcert=system&channel_binding=require", '
    r'format\("%s:%s@%s", (\S+)\.name, urlencode\((\S+)\.result\), (\S+)\), (\S+)\.name\)\}$'
)


def _role_of(stack: dict[str, Any], address: str) -> str:
    kind, name = address.split(".")
    return resources_of(stack, kind)[name]["name"]


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_each_data_owning_service_connects_as_its_own_login_role_through_the_pooler(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    stack = stacks[env, phase]
    for spec in plan_for(phase).services:
        if not spec.owns_database:
            continue
        variables = _variables_of(stack, spec.name)
        match = _URI.match(variables["DATABASE_URL"])
        assert match, variables["DATABASE_URL"]
        role, password, host, database = match.groups()
        db = spec.name.replace("-", "_")
        assert role.startswith("postgresql_role.") and _role_of(stack, role) == f"{db}_app"
        assert password.startswith("random_password.")
        assert host.startswith("neon_project.") and host.endswith(".database_host_pooler")
        assert _role_of(stack, database) == db


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_read_heavy_services_read_through_the_pooled_replica(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    stack = stacks[env, phase]
    readers = {name for name, body in _by_service(stack).items() if "DATABASE_READ_URL" in _variables_of(stack, name)}
    assert readers == ({"appointment"} if phase >= 3 else set())  # platform_plan/phases.py: appointment reads_replica
    if readers:
        match = _URI.match(_variables_of(stack, "appointment")["DATABASE_READ_URL"])
        assert match, "DATABASE_READ_URL"
        role, _, host, _ = match.groups()
        assert _role_of(stack, role) == "appointment_app"  # its own role: the replica shares the branch's roles
        (replica,) = [f"neon_endpoint.{n}" for n, e in resources_of(stack, "neon_endpoint").items() if e.get("pooler_enabled")]
        assert host == f"{replica}.host"


def test_an_environment_file_can_name_other_replica_readers(configs: dict[str, EnvironmentConfig]) -> None:
    from constructs_lib.engine.core import Testing as CdktfTesting
    from stacks.platform import PlatformStack

    config = config_at(configs, "staging", 3)
    config = config.model_copy(update={"neon": dataclasses.replace(config.neon, replica_readers=["patient", "provider"])})
    stack = synth_json(PlatformStack(CdktfTesting.app(), config, plan_for(3)))
    readers = {name for name in _by_service(stack) if "DATABASE_READ_URL" in _variables_of(stack, name)}
    assert readers == {"patient", "provider"}


def _raw_key_references(variables: dict[str, str]) -> dict[str, str]:
    """Variable -> ``random_bytes`` address of every variable whose value references a generated raw key."""
    found = {}
    for name, value in variables.items():
        match = re.search(r"\brandom_bytes\.([\w-]+)\.", value)
        if match:
            found[name] = match[1]
    return found


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_phi_services_get_their_own_kms_key_and_no_raw_key(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    stack = stacks[env, phase]
    keys = resources_of(stack, "aws_kms_key")
    for spec in plan_for(phase).services:
        if not spec.encrypts_fields:
            continue
        variables = _variables_of(stack, spec.name)
        match = re.fullmatch(r"\$\{aws_kms_key\.([\w-]+)\.arn\}", variables["FIELD_ENCRYPTION_KEY_ARN"])
        assert match and keys[match[1]]["//"]["metadata"]["path"] == f"{env}/FieldKey-{spec.name}/Resource"
        assert variables["FIELD_ENCRYPTION_CONTEXT"] == f"service={spec.name}"
        assert variables["AWS_REGION"] == "us-east-1"
        assert re.fullmatch(rf"\$\{{aws_iam_access_key\.Identity-{spec.name}_\w+\.secret\}}", variables["AWS_SECRET_ACCESS_KEY"])
        assert "FIELD_ENCRYPTION_KEY" not in variables
        assert _raw_key_references(variables) == {}  # no key material of a PHI service in state or in Railway


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_only_auth_gets_a_raw_key_its_jwt_signing_key(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    stack = stacks[env, phase]
    raw = {name: refs for name in _by_service(stack) if (refs := _raw_key_references(_variables_of(stack, name)))}
    assert set(raw) == {"auth"} and set(raw["auth"]) == {"JWT_SIGNING_KEY"}
    assert _variables_of(stack, "auth")["JWT_SIGNING_VERSION"] == "1"
    (only,) = resources_of(stack, "random_bytes").values()
    assert only["keepers"] == {"name": "auth-jwt-signing-key", "version": "1"} and only["length"] == 32
    assert ("lifecycle" in only) is (env != "dev")  # [app_secrets] protect_from_destroy: off only in disposable dev


def _platform(configs: dict[str, EnvironmentConfig], env: str, phase: int, **sections: dict[str, Any]) -> dict[str, Any]:
    from constructs_lib.engine.core import Testing as CdktfTesting
    from stacks.platform import PlatformStack

    config = config_at(configs, env, phase)
    config = config.model_copy(update={name: getattr(config, name).model_copy(update=values) for name, values in sections.items()})
    return synth_json(PlatformStack(CdktfTesting.app(), config, plan_for(phase)))


def test_a_phi_service_may_opt_in_to_a_raw_key_beside_its_kms_key(configs: dict[str, EnvironmentConfig]) -> None:
    stack = _platform(configs, "prod", 3, field_encryption={"raw_key_services": ["patient"]})
    patient = _variables_of(stack, "patient")
    assert set(_raw_key_references(patient)) == {"FIELD_ENCRYPTION_KEY"}
    assert patient["FIELD_ENCRYPTION_VERSION"] == "1"
    assert patient["FIELD_ENCRYPTION_KEY_ARN"].startswith("${aws_kms_key.FieldKey-patient_")  # re-encrypt into KMS, then opt out
    # The address the raw key had before KMS: an environment that used it keeps the same value by opting in.
    assert "Secret-patient-field-encryption-key_v1" in "".join(_raw_key_references(patient).values())
    for other in ("medical-records", "appointment"):
        assert _raw_key_references(_variables_of(stack, other)) == {}


def test_raising_a_key_version_adds_a_value_and_keeps_every_older_one(configs: dict[str, EnvironmentConfig]) -> None:
    def auth(version: int, oldest: int = 1) -> tuple[dict[str, str], dict[str, Any]]:
        stack = _platform(configs, "prod", 1, app_secrets={"jwt_signing_key_version": version, "jwt_signing_key_oldest_version": oldest})
        return _variables_of(stack, "auth"), resources_of(stack, "random_bytes")

    one, one_bytes = auth(1)
    three, three_bytes = auth(3)
    assert "JWT_SIGNING_KEY_V1" not in one
    assert three["JWT_SIGNING_VERSION"] == "3"
    assert three["JWT_SIGNING_KEY_V1"] == one["JWT_SIGNING_KEY"]  # the same resource: the same value
    assert len({three["JWT_SIGNING_KEY"], three["JWT_SIGNING_KEY_V1"], three["JWT_SIGNING_KEY_V2"]}) == 3
    assert all(three_bytes[address] == block for address, block in one_bytes.items())  # nothing replaced or destroyed
    retired, retired_bytes = auth(3, oldest=2)
    assert "JWT_SIGNING_KEY_V1" not in retired and retired["JWT_SIGNING_KEY_V2"] == three["JWT_SIGNING_KEY_V2"]
    assert set(retired_bytes) == set(three_bytes) - set(one_bytes)


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_backup_job_dumps_every_database_as_the_backup_reader(
    stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], env: str, phase: int
) -> None:
    stack = stacks[env, phase]
    job = _by_service(stack)["db-backup"]
    assert job["cron_schedule"] == configs[env].backups.schedule
    assert job["regions"] == [{"region": "us-east4-eqdc4a", "num_replicas": 1}]
    assert (job["root_directory"], job["config_path"]) == ("/services/db-backup", "/services/db-backup/railway.toml")
    variables = _variables_of(stack, "db-backup")
    assert "PORT" not in variables and "DATABASE_URL" not in variables
    assert variables["BACKUP_DATABASES"].split() == [s.name.replace("-", "_") for s in plan_for(phase).services if s.owns_database]
    assert _role_of(stack, variables["PGUSER"].removeprefix("${").removesuffix(".name}")) == "backup_reader"
    assert re.fullmatch(r"\$\{random_password\.\S+\.result\}", variables["PGPASSWORD"])
    assert re.fullmatch(r"\$\{neon_project\.\S+\.database_host\}", variables["PGHOST"])  # direct host: pg_dump needs a session
    assert (variables["PGSSLMODE"], variables["PGSSLROOTCERT"], variables["PGCHANNELBINDING"]) == ("verify-full", "system", "require")
    assert variables["S3_PREFIX_BACKUPS"] == "neon/"
    assert re.fullmatch(r"\$\{aws_s3_bucket\.Bucket-backups_\S+\.bucket\}", variables["S3_BUCKET_BACKUPS"])
    assert re.fullmatch(r"\$\{aws_iam_access_key\.Identity-db-backup_\S+\.secret\}", variables["AWS_SECRET_ACCESS_KEY"])


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_backups_bucket_keeps_dumps_30_then_5_days_and_prod_copies_them_across_regions(
    stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], env: str, phase: int
) -> None:
    stack = stacks[env, phase]
    backups = configs[env].backups
    lifecycles = [b for b in resources_of(stack, "aws_s3_bucket_lifecycle_configuration").values() if "/Bucket-backups/" in b["//"]["metadata"]["path"]]
    assert len(lifecycles) == (2 if configs[env].s3.replica_region else 1)  # the replica keeps the same lifecycle
    for lifecycle in lifecycles:
        (rule,) = lifecycle["rule"]
        assert rule["expiration"] == [{"days": backups.retention_days}]
        assert rule["noncurrent_version_expiration"] == [{"noncurrent_days": backups.noncurrent_version_expiration_days}]
        assert "transition" not in rule
    (bucket,) = [b for b in resources_of(stack, "aws_s3_bucket").values() if b["//"]["metadata"]["path"] == f"{env}/Bucket-backups/Resource"]
    assert bucket["tags"]["DataClassification"] == "phi"


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_each_data_owning_service_migrates_as_its_database_owner_on_the_direct_host(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    stack = stacks[env, phase]
    for service in _by_service(stack):
        spec = plan_for(phase).service(service)
        variables = _variables_of(stack, service)
        assert ("MIGRATION_DATABASE_URL" in variables) is spec.owns_database, service
        if not spec.owns_database:
            continue
        match = _URI.match(variables["MIGRATION_DATABASE_URL"])
        assert match, variables["MIGRATION_DATABASE_URL"]
        role, password, host, database = match.groups()
        db = service.replace("-", "_")
        assert role.startswith("postgresql_role.") and _role_of(stack, role) == f"{db}_owner"
        assert password.startswith("random_password.")
        assert host.startswith("neon_project.") and host.endswith(".database_host")  # migrations need a session
        assert _role_of(stack, database) == db


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_the_ai_service_reads_its_analytics_urls_from_its_own_secret(
    stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], env: str, phase: int
) -> None:
    stack = stacks[env, phase]
    secrets = resources_of(stack, "aws_secretsmanager_secret")
    if phase < 4:
        assert secrets == {}
        return
    (secret,) = secrets.values()
    assert secret["name"] == f"{configs[env].name_prefix}/ai/analytics-database"
    (version,) = resources_of(stack, "aws_secretsmanager_secret_version").values()
    assert "secret_string_wo" not in version  # a rotated password must reach the secret at the next apply
    value = version["secret_string"]
    urls = dict(re.findall(r'"([A-Z_]+_DATABASE_URL)" = (format\(.*?\.name\))', value))
    assert set(urls) == {"MEDICAL_RECORDS_DATABASE_URL", "APPOINTMENT_DATABASE_URL"}
    (analytics,) = [f"neon_endpoint.{n}" for n, e in resources_of(stack, "neon_endpoint").items() if not e.get("pooler_enabled")]
    for url in urls.values():
        match = _URI.match("${" + url + "}")
        assert match, url
        role, _, host, _ = match.groups()
        assert _role_of(stack, role) == "analytics_reader"
        assert host == f"{analytics}.host"  # its own compute, never the services' replica


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_the_only_output_is_the_phase(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    """Database URLs, passwords and keys live with their consumers (Railway variables, the AI service's secret),
    never in outputs, which every reader of the workspace's outputs could fetch (docs/deploying.md, "Where secrets live")."""
    outputs = stacks[env, phase]["output"]
    assert set(outputs) == {"platform_phase"}
    assert outputs["platform_phase"]["value"] == phase and "sensitive" not in outputs["platform_phase"]


_URL_TEMPLATE = re.compile(r'format\("(postgres(?:ql)?://[^"]*)"')


def _database_urls(stack: dict[str, Any]) -> dict[str, str]:
    """``{where: URL template}`` of every Postgres connection string a Railway service or an output gets.

    The value is a Terraform ``format(...)`` over references; its first argument is the URL with ``%s``
    where user, password, host and database go, which ``urllib`` parses like the client will.
    """
    found: dict[str, str] = {}
    values = [(f"{name}.{v['name']}", v["value"]) for name, c in resources_of(stack, "railway_variable_collection").items() for v in c["variables"]]
    values += [(f"output.{name}", o["value"]) for name, o in stack.get("output", {}).items() if isinstance(o["value"], str)]
    values += [(f"secret.{name}", s["secret_string"]) for name, s in resources_of(stack, "aws_secretsmanager_secret_version").items()]
    for where, value in values:
        templates = _URL_TEMPLATE.findall(value)
        assert len(templates) <= 1 or where.startswith("secret."), where  # a secret holds one URL per database
        for index, template in enumerate(templates):
            found[f"{where}.{index}" if where.startswith("secret.") else where] = template
        if not templates:
            assert "postgres" not in value.lower() or "://" not in value, f"{where}: a connection string the check cannot read"
    return found


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_every_database_url_verifies_the_server_against_the_system_ca_store(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    """``sslmode=verify-full`` with ``sslrootcert=system``: libpq 16+ clients (psycopg, pg_dump) verify Neon's certificate
    against the system store instead of failing for want of ``~/.postgresql/root.crt``; every libpq environment does the same."""
    from urllib.parse import parse_qs, urlsplit

    stack = stacks[env, phase]
    urls = _database_urls(stack)
    owners = [s.name for s in plan_for(phase).services if s.owns_database]
    assert {w.rsplit(".", 1)[1] for w in urls if not w.startswith("secret.")} >= {"DATABASE_URL"}  # the check sees the services' URLs
    assert sum(w.endswith(".MIGRATION_DATABASE_URL") for w in urls) == len(owners)  # and the migration URLs
    assert any(w.startswith("secret.") for w in urls) is (phase == 4)  # and the AI service's analytics URLs
    for where, url in urls.items():
        query = parse_qs(urlsplit(url).query, strict_parsing=True)
        assert query.get("sslmode") == ["verify-full"], where
        assert query.get("sslrootcert") == ["system"], where
    named = {
        f"{n}.{v['name']}"
        for n, c in resources_of(stack, "railway_variable_collection").items()
        for v in c["variables"]
        if re.search(r"DATABASE\w*_URL$", v["name"])
    }
    assert named <= set(urls)  # a *DATABASE*_URL variable is always a URL the check read
    for collection in resources_of(stack, "railway_variable_collection").values():
        variables = {v["name"]: v["value"] for v in collection["variables"]}
        if "PGHOST" in variables:
            assert (variables.get("PGSSLMODE"), variables.get("PGSSLROOTCERT")) == ("verify-full", "system")
