"""The import layering contract: dependencies point one way, pages → UI → backend.

* ``pages/`` and ``app.py`` import only ``embedlab.ui`` of ours (plus Streamlit and plotting libraries);
* only ``embedlab.ui`` imports Streamlit, and nothing in the backend or the CLI imports the UI;
* the base modules (``errors``, ``i18n``, ``config``) import nothing above them.

Every ``import`` statement counts, including those inside functions (the lazy heavy imports).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT

BACKEND = sorted(path for path in (PROJECT_ROOT / "embedlab").rglob("*.py") if path.name != "ui.py")
PAGES = sorted((PROJECT_ROOT / "pages").glob("*.py")) + [PROJECT_ROOT / "app.py"]
BASE = {"errors": {"i18n"}, "i18n": set(), "config": {"errors"}}  # module -> the embedlab modules it may import


def imported(path: Path) -> set[str]:
    """Every module an ``import`` or ``from ... import`` in ``path`` names (``from embedlab import ui`` → ``embedlab.ui``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "embedlab":
                names.update(f"embedlab.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_import_only_the_ui(path):
    ours = {name for name in imported(path) if name.split(".")[0] == "embedlab"}
    assert ours <= {"embedlab", "embedlab.ui"}, f"{path.name} reaches past the UI: {sorted(ours)}"


@pytest.mark.parametrize("path", BACKEND, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_backend_never_imports_streamlit_or_the_ui(path):
    names = imported(path)
    assert not {n for n in names if n.split(".")[0] == "streamlit"}, f"{path.name} imports Streamlit"
    assert "embedlab.ui" not in names, f"{path.name} imports the UI"


@pytest.mark.parametrize("module", sorted(BASE))
def test_base_modules_import_nothing_above_them(module):
    ours = {n.split(".")[1] for n in imported(PROJECT_ROOT / "embedlab" / f"{module}.py") if n.startswith("embedlab.")}
    assert ours <= BASE[module], f"embedlab.{module} imports {sorted(ours - BASE[module])}"


def test_the_contract_sees_a_violation(tmp_path):
    """The checker itself catches a lazy import inside a function."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    import streamlit as st\n    from embedlab import ui, static\n", encoding="utf-8")
    assert {"streamlit", "embedlab.ui", "embedlab.static"} <= imported(sample)
