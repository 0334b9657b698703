"""The import layering contract: dependencies point one way, pages → UI → backend.

The layers, lowest first (each may import the ones below it, and its own):

* **base**: the top-level modules ``errors``, ``i18n``, ``config``, ``files``, ``vectormath``, ``share``,
  ``result_cache`` and ``progress``; among them ``i18n`` and ``progress`` import nothing of ours, ``errors`` only
  ``i18n``, ``config`` only ``errors``;
* **domain**: ``embedlab.io``, ``embedlab.static``, ``embedlab.contextual``, ``embedlab.projection`` and
  ``embedlab.training`` (they may use each other);
* **serving**: ``embedlab.serving`` (registry, pool, manager, Milvus store);
* **edges**: ``embedlab.ui`` (the only package that imports Streamlit) and the CLI (``embedlab.cli`` and
  ``embedlab.commands``), which never import each other;
* **pages** (``pages/`` and ``app.py``) import the UI and, for their data, backend modules; never the CLI.

Every ``import`` statement counts, including those inside functions (the lazy heavy imports).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from helpers import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "embedlab"
BASE = {
    "errors": {"i18n"},
    "i18n": set(),
    "config": {"errors"},
    "files": None,
    "vectormath": None,
    "share": None,
    "result_cache": None,
    "progress": set(),
}
DOMAIN = {"io", "static", "contextual", "projection", "training"}
LAYER = {**{name: 0 for name in BASE}, **{name: 1 for name in DOMAIN}, "serving": 2, "ui": 3, "cli": 3}
SAME = {"commands": "cli"}  # the CLI is cli.py plus its commands/ package


def imported(path: Path) -> set[str]:
    """Every module an ``import`` or ``from ... import`` in ``path`` names (``from embedlab import ui`` → ``embedlab.ui``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module.split(".")[0] == "embedlab":
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def part(module: str) -> str | None:
    """The top-level part of ``embedlab`` a dotted module name belongs to (``embedlab.static.ann`` → ``static``)."""
    pieces = module.split(".")
    if pieces[0] != "embedlab" or len(pieces) < 2:
        return None
    name = SAME.get(pieces[1], pieces[1])
    return name if name in LAYER else None


def owner(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    name = relative.parts[0] if len(relative.parts) > 1 else relative.stem
    return SAME.get(name, name)


MODULES = sorted(
    path for path in PACKAGE.rglob("*.py") if path.name not in {"__init__.py", "__main__.py"} or path.parent != PACKAGE
)
PAGES = sorted((PROJECT_ROOT / "pages").glob("*.py")) + [PROJECT_ROOT / "app.py"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_modules_import_only_their_own_layer_and_below(path):
    me = owner(path)
    if me not in LAYER:
        pytest.fail(f"{path.relative_to(PROJECT_ROOT)} belongs to no layer; add its package to LAYER in this test")
    names = imported(path)
    if me != "ui":
        assert not {n for n in names if n.split(".")[0] == "streamlit"}, f"{path.name} imports Streamlit outside embedlab.ui"
    reached = {p for p in map(part, names) if p and p != me}
    above = {p for p in reached if LAYER[p] > LAYER[me] or (LAYER[p] == 3 and LAYER[me] == 3)}
    assert not above, f"{path.relative_to(PROJECT_ROOT)} (layer {LAYER[me]}) imports {sorted(above)} above or beside it"
    if me in BASE and BASE[me] is not None:
        assert reached <= BASE[me], f"embedlab.{me} imports {sorted(reached - BASE[me])}"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_never_reach_the_cli(path):
    ours = {p for p in map(part, imported(path)) if p}
    assert "cli" not in ours, f"{path.name} imports the CLI"


def test_the_contract_sees_a_violation(tmp_path):
    """The checker itself catches a lazy import inside a function, and names the layer it reaches."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    import streamlit as st\n    from embedlab import ui, static\n", encoding="utf-8")
    names = imported(sample)
    assert {"streamlit", "embedlab.ui", "embedlab.static"} <= names
    assert {part(n) for n in names} >= {"ui", "static"}
    assert LAYER["ui"] > LAYER["serving"] > LAYER["static"] > LAYER["errors"]
