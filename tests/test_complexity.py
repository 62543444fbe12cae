"""No function in src/opis above cyclomatic complexity 25 (radon; issue 15): rule tables and small
helpers instead of long branching functions."""

from pathlib import Path

from radon.complexity import cc_visit  # pinned in the test extra
from radon.visitors import Function

SRC = Path(__file__).resolve().parents[1] / "src" / "opis"
LIMIT = 25


def _blocks(node, prefix=""):
    """Every function and method of a radon block tree, with its qualified name."""
    name = f"{prefix}{node.name}"
    if isinstance(node, Function):  # a class's figure sums its methods; each method is checked itself
        yield name, node
    for child in getattr(node, "methods", []) + getattr(node, "closures", []):
        yield from _blocks(child, f"{name}.")


def test_no_function_above_the_complexity_limit():
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 50  # the package was found
    over = []
    for path in files:
        for block in cc_visit(path.read_text(encoding="utf-8")):
            for name, node in _blocks(block):
                if node.complexity > LIMIT:
                    over.append(f"{path.relative_to(SRC.parent)}:{node.lineno} {name} ({node.complexity})")
    assert not over, f"cyclomatic complexity above {LIMIT}:\n" + "\n".join(over)
