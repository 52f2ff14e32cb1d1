"""The modules of mentorhub/ import each other without a cycle (tests/import_graph.py draws it).

A cycle means a concept sits in the wrong module: move it down to the ground floor both can use,
rather than hiding one side of the cycle in a function.
"""

from __future__ import annotations

from pathlib import Path

from tests import import_graph


def test_no_module_in_mentorhub_imports_itself_round_a_cycle() -> None:
    found = import_graph.cycles()
    assert not found, "import cycles in mentorhub/:\n\n" + "\n\n".join(found)


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / "mentorhub" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_a_cycle_through_an_import_inside_a_function_is_found_and_shown(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from mentorhub import b\n",
            "b.py": "def late():\n    from mentorhub.c import thing\n",
            "c.py": "import mentorhub.a\nthing = 1\n",
        },
    )
    (report,) = import_graph.cycles(root)
    assert "mentorhub.a → mentorhub.b → mentorhub.c → mentorhub.a" in report
    assert "mentorhub/b.py:2 imports mentorhub.c" in report


def test_a_package_re_exporting_its_own_modules_is_not_a_cycle(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "policy/__init__.py": "from mentorhub.policy.rooms import can_post\n",
            "policy/relations.py": "from mentorhub import models\n",
            "policy/rooms.py": "from mentorhub.policy import relations\n\ndef can_post(): ...\n",
            "models.py": "",
        },
    )
    assert import_graph.cycles(root) == []
    edges = {(e.source, e.target) for e in import_graph.imports(root)}
    assert ("mentorhub.policy.rooms", "mentorhub.policy.relations") in edges
    assert ("mentorhub.policy.relations", "mentorhub.models") in edges


def test_relative_imports_and_names_from_a_package_resolve_to_modules(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "x/__init__.py": "VALUE = 1\n",
            "x/y.py": "from . import z\nfrom .z import f\nfrom mentorhub.x import VALUE\n",
            "x/z.py": "import os\ndef f(): ...\n",
        },
    )
    edges = {(e.source, e.target) for e in import_graph.imports(root)}
    assert edges == {("mentorhub.x.y", "mentorhub.x.z"), ("mentorhub.x.y", "mentorhub.x")}
