"""The README's layout section names every module, and its environment-variable table every variable.

A newcomer finds any behaviour within two hops (README → module → function) only if the README keeps
up with the tree: a module added without a line there, or a line naming a module that has gone, fails.
"""

from __future__ import annotations

import re

import pytest
from helpers import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
PACKAGE = PROJECT_ROOT / "embedlab"


def section(title: str) -> str:
    """The text of the README section headed ``title`` (up to the next heading of the same level or above)."""
    match = re.search(rf"^#+ {re.escape(title)}\n(.*?)(?=^#{{2,3}} |\Z)", README, re.S | re.M)
    assert match, f"README has no section {title!r}"
    return match.group(1)


LAYOUT = section("Layout")
MODULES = sorted(
    path.relative_to(PACKAGE)
    for path in PACKAGE.rglob("*.py")
    if path.name not in {"__init__.py", "__main__.py"} and "data" not in path.parts and path.parent.name != "commands"
)


@pytest.mark.parametrize("module", MODULES, ids=str)
def test_the_layout_section_names_every_module(module):
    name = module.name
    package = module.parts[0] if len(module.parts) > 1 else None
    if package is None:
        assert f"`{name}`" in LAYOUT, f"README's Layout section does not name embedlab/{module}"
        return
    bullet = re.search(rf"^\s*\* `{package}/`.*?(?=^\s*\* )", LAYOUT, re.S | re.M)
    assert bullet, f"README's Layout section has no bullet for embedlab/{package}/"
    assert f"`{name}`" in bullet.group(0), f"README's `{package}/` bullet does not name {name}"


def test_every_module_the_layout_names_exists():
    named = set(re.findall(r"`([a-z_]+\.py)`", LAYOUT))
    existing = {path.name for path in PACKAGE.rglob("*.py")} | {path.name for path in PROJECT_ROOT.glob("*.py")}
    existing |= {path.name for path in (PROJECT_ROOT / "tests").glob("*.py")}
    assert named <= existing, f"README's Layout section names modules that do not exist: {sorted(named - existing)}"


def test_every_environment_variable_is_in_the_readme_table():
    from embedlab import config

    documented = set(re.findall(r"^(?:([A-Z][A-Z0-9_]+)(?: / ([A-Z][A-Z0-9_]+))?)\s", config.__doc__ or "", re.M))
    names = {name for pair in documented for name in pair if name}
    assert "EMBEDLAB_CACHE_DIR" in names  # the parse itself works
    table = section("Environment variables")
    missing = sorted(name for name in names if f"`{name}`" not in table)
    assert not missing, f"README's environment-variable table lacks {missing}"
