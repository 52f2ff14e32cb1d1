"""Every repository path a document in docs/ names in `backticks` exists.

A code span names a repository path when, after dropping a `:function` suffix
(`mentorhub/audit.py:record` names `mentorhub/audit.py`), it is made of path characters only
and either contains a "/" and ends in a file extension, or starts with one of PREFIXES.
Spans in fenced code blocks, commands, URLs and routes (`/healthz`), placeholders
(`mentorhub/<domain>/views.py`) and paths outside the repository (`../shared/STYLE.md`) are
not paths in this sense. Git-ignored places that are made at run or build time (GENERATED) may
be named without existing.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "docs").glob("*.md"))
PREFIXES = ("mentorhub/", "static/", "templates/", "tests/", "migrations/", "docs/")
# In .gitignore: made by the app at run time, or copied from node_modules by `make vendor`.
GENERATED = ("instance/", "static/vendor/")

_FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.MULTILINE | re.DOTALL)
_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_PATH_CHARS = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]*")


def repo_path(span: str) -> str | None:
    """The repository path a code span names, or None when it names none."""
    path = span.strip().split(":", 1)[0]
    if not _PATH_CHARS.fullmatch(path) or ".." in path.split("/"):
        return None
    has_extension = "/" in path and PurePosixPath(path).suffix != ""
    return path if has_extension or path.startswith(PREFIXES) else None


def named_paths(doc: Path) -> list[tuple[int, str]]:
    """(line, path) for every repository path named in a code span of `doc`."""
    text = doc.read_text(encoding="utf-8")
    # Blank out fenced blocks, keeping their newlines so line numbers stay right.
    text = _FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    found = []
    for match in _SPAN.finditer(text):
        path = repo_path(match.group(2))
        if path is not None:
            found.append((text.count("\n", 0, match.start()) + 1, path))
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.name)
def test_every_path_a_document_names_exists(doc: Path) -> None:
    missing = [
        f"{doc.relative_to(ROOT)}:{line}: {path}"
        for line, path in named_paths(doc)
        if not path.startswith(GENERATED) and not (ROOT / path).exists()
    ]
    assert not missing, "named in docs but not in the repository:\n" + "\n".join(missing)


def test_the_realtime_document_is_checked() -> None:
    """Guard against a check that passes because it finds nothing."""
    paths = {path for _line, path in named_paths(ROOT / "docs" / "realtime.md")}
    assert {
        "mentorhub/chat/events.py",
        "mentorhub/chat/services.py",
        "static/js/chat.js",
        "migrations/versions/0003_rooms_chat.py",
    } <= paths


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        ("mentorhub/chat/events.py", "mentorhub/chat/events.py"),
        ("mentorhub/audit.py:record", "mentorhub/audit.py"),
        ("static/js/", "static/js/"),
        ("docs/operations.md", "docs/operations.md"),
        ("benchmarks/matching.py", "benchmarks/matching.py"),
        ("mentorhub/<domain>/views.py", None),
        ("../shared/ARCHITECTURE.md", None),
        ("/healthz", None),
        ("REDIS_URL=redis://…", None),
        ("make vendor", None),
        ("chat.send", None),
        ("package.json", None),
        ("room-<id>", None),
    ],
)
def test_what_counts_as_a_repository_path(span: str, expected: str | None) -> None:
    assert repo_path(span) == expected
