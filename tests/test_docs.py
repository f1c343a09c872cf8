"""The documentation: README within its budget, one page per public construct, generated props tables current, no dead links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tools import generate_docs

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


def test_generated_props_tables_are_current() -> None:
    stale = [str(p.relative_to(REPO_ROOT)) for p in generate_docs.stale_pages()]
    assert stale == [], f"stale pages (run: python -m tools.generate_docs): {stale}"
    assert generate_docs.main(["--check"]) == 0


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
