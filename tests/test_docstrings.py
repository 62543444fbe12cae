"""Every public function, class and method of opis has a docstring (issue 15): the Python API page
is built from them, and the REST endpoints' docstrings are their OpenAPI descriptions."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "opis"


def undocumented() -> list[str]:
    """``path:line name`` of each public definition (and public method) without a docstring."""
    out = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            items = [node]
            if isinstance(node, ast.ClassDef):
                items += [n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
            for item in items:
                if (isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                        and not item.name.startswith("_") and not ast.get_docstring(item)):
                    out.append(f"{path.relative_to(SRC.parent)}:{item.lineno} {item.name}")
    return out


def test_every_public_definition_has_a_docstring():
    assert undocumented() == []


def test_the_check_finds_a_missing_docstring(tmp_path, monkeypatch):
    pkg = tmp_path / "opis"
    pkg.mkdir()
    (pkg / "m.py").write_text('def shown():\n    """Documented."""\n\n\ndef bare():\n    return 1\n\n\ndef _private():\n    pass\n')
    monkeypatch.setattr(sys.modules[__name__], "SRC", pkg)
    assert undocumented() == ["opis/m.py:5 bare"]
