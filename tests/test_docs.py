"""The documentation: README within its budget, one page per public construct, every generated block current, no dead links.

The blocks generated from the stacks are checked against the stacks this session already
synthesized (fixtures ``stacks``, ``bootstrap_stack``): no second synthesis.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.engine import ENGINES
from environments import EnvironmentConfig
from platform_plan.phases import COMPONENT_PHASES, MAX_PHASE
from tests.packaging.install_line import install_lines, installed_requirement, requirement
from tools import generate_docs, generated_blocks, stack_docs

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCS = REPO_ROOT / "docs"
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)


def _pages() -> list[Path]:
    return [REPO_ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


def test_readme_is_at_most_250_lines() -> None:
    lines = (REPO_ROOT / "README.md").read_text().splitlines()
    assert len(lines) <= 250, f"README.md has {len(lines)} lines; move reference material into docs/"


def test_readme_states_the_two_commands() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    assert "make synth   # set up, then synthesize every environment" in readme
    assert "make test    # set up, then run the whole test suite" in readme


def test_every_public_construct_has_a_page_with_its_props_table() -> None:
    public = generate_docs.public_constructs()
    assert public and sorted(generate_docs.CONSTRUCT_PAGES) == public, "CONSTRUCT_PAGES must list exactly the public constructs"
    for construct, props in generate_docs.CONSTRUCT_PAGES.items():
        page = DOCS / "constructs" / f"{construct}.md"
        assert page.is_file(), f"{construct} has no page {page.relative_to(REPO_ROOT)}"
        text = page.read_text()
        for name in props:
            assert f"<!-- props:{name} -->" in text, f"{page.relative_to(REPO_ROOT)} has no props table for {name}"
        assert f"constructs/{construct}.md" in (DOCS / "README.md").read_text(), f"docs/README.md does not link {construct}"


def _no_stacks() -> generated_blocks.Documents:
    raise AssertionError("this page needs no synthesized stack")


@pytest.fixture(scope="module")
def documents(
    stacks: dict[tuple[str, int], dict[str, Any]], bootstrap_stack: dict[str, Any], configs: dict[str, EnvironmentConfig]
) -> generated_blocks.Documents:
    """The session's stacks as the docs tool reads them: each environment at its own phase, and bootstrap."""
    previews = {f"{name}@{phase}": stack for (name, phase), stack in stacks.items()}
    return {**previews, **{name: stacks[(name, config.phase)] for name, config in configs.items()}, "bootstrap": bootstrap_stack}


def test_generated_blocks_are_current(documents: generated_blocks.Documents) -> None:
    stale = [str(p.relative_to(REPO_ROOT)) for p in generate_docs.stale_pages(lambda: documents)]
    assert stale == [], f"stale pages (run: python -m tools.generate_docs): {stale}"


def test_every_generated_block_is_used_and_known() -> None:
    text = "".join(page.read_text() for page in generate_docs.pages())
    used = set(re.findall(r"<!-- generated:([a-z0-9-]+) -->", text))
    assert used == set(generate_docs.GENERATED), "every renderer has a block, every block a renderer"
    assert generate_docs.STACK_BLOCKS <= set(generate_docs.GENERATED)


def test_pages_without_stack_blocks_render_without_a_synthesis() -> None:
    for page in generate_docs.pages():
        text = page.read_text()
        if not any(f"<!-- generated:{name} -->" in text for name in generate_docs.STACK_BLOCKS):
            generate_docs.render_page(text, _no_stacks)


def test_check_names_a_stale_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    text = (DOCS / "constructs" / "SecureS3.md").read_text()
    marker = "<!-- props:SecureS3Props -->"
    before, block = text.split(marker, 1)
    stale = before + marker + block.replace("| `force_destroy` |", "| `force_destroyed` |", 1)
    assert stale != text
    (tmp_path / "constructs").mkdir()
    page = tmp_path / "constructs" / "SecureS3.md"
    page.write_text(stale)
    monkeypatch.setattr(generate_docs, "DOCS_DIR", tmp_path)
    monkeypatch.setattr(generate_docs, "synthesized_documents", _no_stacks)
    assert generate_docs.main(["--check"]) == 1
    assert str(page) in capsys.readouterr().err
    assert page.read_text() == stale, "--check writes nothing"
    assert generate_docs.main([]) == 0
    assert page.read_text() == text, "the generator restores the block"
    edited = text.replace("# Storage", "# Storage (edited by hand)", 1)
    assert edited != text and generate_docs.render_page(edited) == edited, "prose outside the markers is never touched"


def test_every_relative_link_points_to_an_existing_file() -> None:
    broken = []
    for page in _pages():
        text = _FENCE.sub("", page.read_text())
        for target in _LINK.findall(text):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                continue
            path = target.split("#", 1)[0]
            if not (page.parent / path).exists():
                broken.append(f"{page.relative_to(REPO_ROOT)}: {target}")
    assert broken == [], "\n".join(broken)


def test_a_stale_stack_block_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, documents: generated_blocks.Documents) -> None:
    text = (DOCS / "environments.md").read_text()
    stale = re.sub(r"(dev: phase \d+, )\d+( resources)", r"\g<1>199\2", text)
    assert stale != text, "the synth summary shows dev's resource count"
    page = tmp_path / "environments.md"
    page.write_text(stale)
    monkeypatch.setattr(generate_docs, "DOCS_DIR", tmp_path)
    assert generate_docs.stale_pages(lambda: documents) == [page]
    assert generate_docs.render_page(stale, lambda: documents) == text


def test_every_install_line_is_the_one_the_packaging_test_runs() -> None:
    """``pip install healthcare-constructs`` without its engine extra installs a library that cannot synthesize."""
    pages = [*_pages(), REPO_ROOT / "constructs_lib" / "README.md", *sorted((REPO_ROOT / "examples").glob("*.py"))]
    allowed = {requirement(engine) for engine in ENGINES}
    found = {}
    for page in pages:
        for line in install_lines(page.read_text()):
            found[f"{page.relative_to(REPO_ROOT)}: {line}"] = installed_requirement(line) in allowed and "--index-url" in line
    assert found, "no page shows how to install the library"
    assert [line for line, ok in found.items() if not ok] == [], f"install lines must install one of {sorted(allowed)} from --index-url"


def test_adding_a_construct_names_the_domain_packages() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("## Adding a construct", 1)[1].split("\n## ", 1)[0]
    assert "constructs_lib/<name>.py" not in section, "the library is grouped in domain packages"
    domains = {module.lstrip(".").split(".")[0] for module in generate_docs._lazy_exports().values() if "." in module.lstrip(".")}
    domains = {d for d in domains if not d.startswith("_") and (REPO_ROOT / "constructs_lib" / d).is_dir() and d not in {"engine", "guardrails", "providers"}}
    missing = sorted(d for d in domains if f"`{d}`" not in section)
    assert missing == [], f"README 'Adding a construct' does not name the domain packages {missing}"


def test_hand_written_edge_and_rollout_prose_matches_the_environment_files(configs: Mapping[str, EnvironmentConfig]) -> None:
    """The sentences beside the generated tables that state facts about the environments."""
    edge = (DOCS / "constructs" / "CloudflareEdge.md").read_text()
    domains = [c.domain for c in configs.values()]
    if "Each environment has its own zone" in edge:
        assert len(set(domains)) == len(domains), "CloudflareEdge.md says each environment has its own zone"
    if "no environment orders an advanced certificate" in edge:
        assert not any(c.cloudflare.advanced_certificate for c in configs.values())
    if "With\n`dns_subdomain` empty" in edge:
        assert all(c.dns_subdomain == "" for c in configs.values())
    environments = (DOCS / "environments.md").read_text()
    if "Dev leads the rollout, so the default synthesis covers every phase" in environments:
        assert configs["dev"].phase == MAX_PHASE == max(c.phase for c in configs.values())


_COMPONENT_CLAIM = re.compile(r"`(?:Component\.)?([A-Z][A-Z_]+)`(?: \([^)]*\))?,? (?:in|from|arrives in) phase (\d)")


def test_phase_claims_about_components_match_the_phase_plan() -> None:
    """ "`LATENCY_ALARMS` in phase 3" and the like, anywhere in the docs, agree with ``COMPONENT_PHASES``."""
    phases = {component.name: phase for component, phase in COMPONENT_PHASES.items()}
    wrong = []
    for page in _pages():
        for name, phase in _COMPONENT_CLAIM.findall(page.read_text()):
            if name in phases and phases[name] != int(phase):
                wrong.append(f"{page.relative_to(REPO_ROOT)}: {name} in phase {phase}, the plan says {phases[name]}")
    assert wrong == [], "\n".join(wrong)


def test_the_conformance_pack_numbers_in_the_docs_are_the_vendored_templates() -> None:
    from constructs_lib.detection.conformance_pack import HIPAA_SECURITY_TEMPLATE, hipaa_security_rule_names

    rules, size = len(hipaa_security_rule_names()), len(HIPAA_SECURITY_TEMPLATE.read_bytes())
    for page in (DOCS / "constructs" / "ConfigCompliance.md", DOCS / "operations" / "detection.md"):
        stated = {int(n) for n in re.findall(r"\b(\d+) (?:managed )?rules\b", page.read_text())}
        assert stated == {rules}, f"{page.relative_to(REPO_ROOT)} states {sorted(stated)} rules; the vendored pack has {rules}"
    assert f"{size:,} bytes" in (DOCS / "constructs" / "ConfigCompliance.md").read_text()


def test_the_diagrams_show_exactly_the_phase_plans_bucket_grants_and_public_hostnames(
    documents: generated_blocks.Documents, configs: Mapping[str, EnvironmentConfig]
) -> None:
    """Who may reach which bucket, as the diagram derives it from the IAM JSON, is what ``BUCKET_GRANTS`` decides."""
    from platform_plan.phases import plan_for

    for name, config in configs.items():
        plan = plan_for(config.phase)
        edges = stack_docs.graph_of(documents[name], zone=config.domain).labelled_edges()
        bucket_edges = {(s, t, label) for s, t, label in edges if t.startswith("bucket ") and not s.startswith("bucket ")}
        bucket_edges -= {(s, t, label) for s, t, label in edges if label == "delivers logs"}
        expected = set()
        for grant in plan.bucket_grants:
            spec = plan.service(grant.service)
            who = f"service {spec.name}" if spec.runs_on_railway else f"IAM user {config.name_prefix}-{spec.name}"
            expected.add((who, f"bucket {config.name_prefix}-{grant.bucket}", grant.access.value.replace("_", "/")))
        assert bucket_edges == expected, name
        public = {(f"{s.hostname_label}.{config.public_domain}", f"service {s.name}", "proxied CNAME") for s in plan.services if s.public}
        assert {e for e in edges if e[2] == "proxied CNAME"} == public, name


def _hand_written(text: str) -> str:
    """``text`` without its generated blocks."""
    return re.sub(r"<!-- (generated:[a-z0-9-]+|props:\w+|checkov-table) -->.*?<!-- /(generated|props|checkov-table) -->", "", text, flags=re.DOTALL)


def test_no_hand_written_phase_table() -> None:
    """What each phase brings is the generated table (from ``platform_plan/phases.py``); a second, hand-kept one drifts."""
    found = [
        f"{page.relative_to(REPO_ROOT)}: {line[:60]}"
        for page in _pages()
        for line in _hand_written(page.read_text()).splitlines()
        if re.match(r"^\|\s*phase\s*\|", line)
    ]
    assert found == [], "phase tables must be generated blocks (<!-- generated:phase-plan -->):\n" + "\n".join(found)


def test_every_host_name_in_the_docs_is_an_environments_zone_or_published_host(
    documents: generated_blocks.Documents, configs: Mapping[str, EnvironmentConfig]
) -> None:
    """A name under an environment's zone in a page is that zone or a host name its stack publishes (none invented)."""
    zones = {c.domain for c in configs.values()}
    known = zones | {h for name in configs for h in stack_docs.public_hostnames(documents[name])}
    pattern = re.compile(r"\b((?:[a-z0-9-]+\.)*(?:" + "|".join(re.escape(z) for z in sorted(zones, key=len, reverse=True)) + r"))\b")
    unknown = sorted(
        f"{page.relative_to(REPO_ROOT)}: {host}" for page in _pages() for host in set(pattern.findall(_hand_written(page.read_text()))) if host not in known
    )
    assert unknown == [], "host names no environment has:\n" + "\n".join(unknown)


def test_per_environment_claims_in_the_prose_match_the_environment_files(configs: Mapping[str, EnvironmentConfig]) -> None:
    """Sentences that name environments: replication (prod only, to us-west-2) and Macie (production only)."""
    replicated = sorted(name for name, c in configs.items() if c.s3.replica_region)
    texts = {page.name: page.read_text() for page in _pages()}
    if "replication is prod-only" in texts["testing.md"] or "replicated in prod" in texts["backups.md"]:
        assert replicated == ["prod"], f"the docs say only prod replicates; environments with [s3] replica_region: {replicated}"
    if "in prod also from the us-west-2 replica" in texts["backups.md"]:
        assert configs["prod"].s3.replica_region == "us-west-2"
    if "off in dev and staging (synthetic data)" in texts["detection.md"]:
        assert {n for n, c in configs.items() if c.detection.macie} == {n for n, c in configs.items() if c.guardrails.production} == {"prod"}
