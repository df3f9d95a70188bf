"""A payment mechanism is a plug-in: nothing in the code outside its own folder names it, except
the registry and the definition of the old contract format whose one rule it is (docs/
mechanisms.md); and every mechanism has the parts of one (parameters, engine, explanation,
expected value, report section, scenarios, README, page template)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sibyl.mechanisms import registry

SRC = Path(__file__).parents[1] / "src" / "sibyl"
ALLOWED = {
    SRC / "mechanisms" / "registry.py",
    SRC / "mechanisms" / "base.py",  # the protocol's example of a name, in a docstring
    SRC / "contract" / "upgrade.py",  # format 1's one rule is priced_deductions
}


@pytest.mark.parametrize("name", sorted(registry.MECHANISMS))
def test_mechanism__named_only_in_its_folder_and_the_registry(name: str):
    own = SRC / "mechanisms" / name
    naming = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*")
        if path.suffix in (".py", ".html", ".txt")
        and own not in path.parents
        and path not in ALLOWED
        and name in path.read_text(encoding="utf-8")
    )
    assert naming == []


@pytest.mark.parametrize("name", sorted(registry.MECHANISMS))
def test_mechanism__has_every_part_of_a_plug_in(name: str):
    mechanism = registry.get(name)
    folder = mechanism.folder
    assert folder == SRC / "mechanisms" / name
    for part in ("parameters.py", "engine.py", "explain.py", "expected.py", "report.py"):
        assert (folder / part).is_file(), part
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(f"# `{name}`"), "a README that states the rule"
    assert "\n1. " in readme, "the rule clause by clause (a numbered list)"
    assert list((folder / "scenarios").glob("*.yaml")), "hand-computed scenarios"
    assert (folder / "templates" / "mechanisms" / name / "explain.html").is_file()
    assert mechanism.parameters.model_fields["mechanism"].annotation.__args__ == (name,)
