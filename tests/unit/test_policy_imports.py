"""The policy package stays at the ground: it imports models, `relations` and the database
handle only, all at the top of its modules, so no service or view can be pulled in by asking
a rule (and no import runs back up into the package that asked)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

POLICY = Path(__file__).resolve().parents[2] / "mentorhub" / "policy"
# hmac and ipaddress (the operations rules): the standard library, which pulls in no service
ALLOWED = (
    "__future__",
    "datetime",
    "hmac",
    "ipaddress",
    "sqlalchemy",
    "flask",
    "mentorhub.extensions",
)


def _allowed(module: str) -> bool:
    if module.startswith("mentorhub.policy") or module.endswith(".models"):
        return True
    return any(module == a or module.startswith(a + ".") for a in ALLOWED)


@pytest.mark.parametrize("path", sorted(POLICY.glob("*.py")), ids=lambda p: p.name)
def test_policy_imports_only_models_and_relations_at_the_top(path):
    tree = ast.parse(path.read_text())
    top = set(tree.body)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            assert node in top, f"{path.name}:{node.lineno} imports inside a function"
            names = (
                [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            )
            for name in names:
                assert _allowed(name), f"{path.name}:{node.lineno} imports {name}"


def test_relations_imports_no_other_policy_module():
    tree = ast.parse((POLICY / "relations.py").read_text())
    modules = {n.module for n in tree.body if isinstance(n, ast.ImportFrom)}
    assert not {m for m in modules if m.startswith("mentorhub.policy")}


def test_policy_imports_on_its_own_in_a_fresh_interpreter():
    done = subprocess.run(
        [sys.executable, "-c", "import mentorhub.policy as p; print(len(p.__all__))"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
