"""Notification kinds: every kind the code creates has a sentence, registered by its own domain
(that notifications itself imports no domain is checked in test_ground_floor.py).

The created kinds are read from the source (every call of `notify`, or of a domain's wrapper
around it, with a kind written out), so a new kind cannot be forgotten in a hand-kept list.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest
from flask_babel import force_locale

from mentorhub.notifications import kinds

PACKAGE = Path(__file__).resolve().parents[2] / "mentorhub"
NOTIFICATIONS = PACKAGE / "notifications"


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _kind_argument(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "kind":
            return keyword.value
    return call.args[1] if len(call.args) > 1 else None


def _calls_by_function(tree: ast.Module):
    """Each call with the innermost function around it (None at module level)."""
    stack: list[tuple[ast.AST, ast.FunctionDef | ast.AsyncFunctionDef | None]] = [(tree, None)]
    while stack:
        node, function = stack.pop()
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.Call):
                yield child, function
            stack.append((child, inner))


def _created_kinds() -> tuple[dict[str, list[str]], list[str]]:
    """The kinds written out in calls of `notify` and of functions named like it
    (`_notify(meetings, "meeting.changed", ...)`), each with where; and the `notify` calls whose
    kind this cannot read (neither written out nor a wrapper's own parameter)."""
    found: dict[str, list[str]] = defaultdict(list)
    unreadable: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if NOTIFICATIONS in path.parents:
            continue
        for call, function in _calls_by_function(ast.parse(path.read_text(), str(path))):
            if not _callee(call).endswith("notify"):
                continue
            where = f"{path.relative_to(PACKAGE.parent)}:{call.lineno}"
            kind = _kind_argument(call)
            if isinstance(kind, ast.Constant) and isinstance(kind.value, str):
                found[kind.value].append(where)
                continue
            # a wrapper passing its own `kind` on: its callers are read instead
            wrapper_param = (
                function is not None
                and function.name.endswith("notify")
                and isinstance(kind, ast.Name)
                and kind.id in {a.arg for a in (*function.args.args, *function.args.kwonlyargs)}
            )
            if _callee(call) == "notify" and not wrapper_param:
                unreadable.append(where)
    return found, unreadable


def test_every_kind_the_code_creates_has_a_registered_text(app):
    created, unreadable = _created_kinds()
    assert unreadable == [], "a notify call whose kind cannot be read from the source"
    # the scan finds what it should: kinds from several domains, through a wrapper too
    assert {"goal.created", "chat.mention", "meeting.changed", "concern.closed"} <= set(created)
    missing = {kind: where for kind, where in created.items() if kind not in kinds.registered()}
    assert missing == {}, "created without a registered text (add it to the domain's notices.py)"


class _AnyParams(dict):
    def __missing__(self, key: str) -> str:
        return f"<{key}>"


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_every_registered_kind_renders_in_both_languages(app, locale):
    with app.test_request_context(), force_locale(locale):
        for kind in sorted(kinds.registered()):
            sentence = kinds.text(kind, _AnyParams())
            assert sentence and "%(" not in sentence, kind


def test_an_unknown_kind_reads_as_a_generic_sentence(app):
    with app.test_request_context():
        with force_locale("sv"):
            assert kinds.text("no.such.kind", {"x": 1}) == "Nytt i MentorHub"
        with force_locale("en"):
            assert kinds.text("no.such.kind", {}) == "News in MentorHub"


def test_a_kind_whose_parameters_are_missing_reads_as_the_generic_sentence(app):
    # e.g. a row stored before a parameter was renamed: the list still shows
    with app.test_request_context(), force_locale("en"):
        assert kinds.text("goal.created", {"author": "Ada"}) == "News in MentorHub"


def test_a_kind_cannot_be_registered_twice_with_different_texts(app):
    with pytest.raises(ValueError, match="goal.created"):
        kinds.register({"goal.created": lambda p: "another"})
