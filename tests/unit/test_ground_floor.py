"""The packages at the ground floor import no domain: every domain may use them, so one import
back up would make a cycle.

Read from the source, leaving out imports made only for annotations (`if TYPE_CHECKING:`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "mentorhub"
# Packages below every domain. `policy` is "the one place access is decided", asked by every
# view, the notifications page's too.
GROUND = ("notifications", "uploads", "jobs")
NOT_DOMAINS = {*GROUND, "policy", "translations"}


def _runtime_imports(tree: ast.Module) -> set[str]:
    """Modules imported, leaving out those only for annotations (`if TYPE_CHECKING:`)."""
    skipped = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for stmt in block.body
        for node in ast.walk(stmt)
    }
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("ground", GROUND)
def test_a_ground_floor_package_imports_no_domain(ground):
    domains = {
        path.parent.name
        for path in PACKAGE.glob("*/__init__.py")
        if path.parent.name not in NOT_DOMAINS
    }
    assert {"goals", "chat", "accounts", "rooms"} <= domains
    for path in sorted((PACKAGE / ground).glob("*.py")):
        imported = _runtime_imports(ast.parse(path.read_text()))
        wrong = {
            name
            for name in imported
            if name.startswith("mentorhub.") and name.split(".")[1] in domains
        }
        assert wrong == set(), f"{ground}/{path.name} imports a domain"
