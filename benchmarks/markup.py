"""Time markup.render on typical chat messages: the full pipeline (markdown-it + bleach) against
render, which takes the plain-text fast path where it can, and the cost of render's test for it
(paid by every message that then goes the full way). Run:

    .venv/bin/python benchmarks/markup.py
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's mentorhub, not whatever the venv has installed

from mentorhub.markup import _PLAIN, _render_full, render  # noqa: E402

MESSAGES = {
    "short sentence": "Hej! Jag har löst uppgift tre nu, kan du titta på den?",
    "two lines": "Tack för hjälpen!\nVi ses på torsdag kl. 15.30.",
    "formula": "Om $x^2 + 3x - 4 = 0$ så är $x = 1$",
    "short list": "Min plan:\n- läsa\n- skriva",
}
PEOPLE = [(1, "Alva Lindgren"), (2, "Noah Berg")]


def per_call_us(function, text: str) -> float:
    function(text, PEOPLE)  # warm up: the per-thread bleach Cleaner is built on first use
    number = 2000
    best = min(timeit.repeat(lambda: function(text, PEOPLE), number=number, repeat=5))
    return best / number * 1e6


def main() -> None:
    print(f"{'message':16} {'full µs':>9} {'render µs':>10} {'ratio':>7} {'check µs':>9}  fast")
    for name, text in MESSAGES.items():
        assert render(text, PEOPLE) == _render_full(text, PEOPLE)
        full = per_call_us(_render_full, text)
        fast = per_call_us(render, text)
        check = per_call_us(lambda text, people: _PLAIN.fullmatch(text), text)  # render's test
        taken = "yes" if _PLAIN.fullmatch(text) else "no"
        print(f"{name:16} {full:9.1f} {fast:10.1f} {full / fast:6.1f}x {check:9.2f}  {taken}")


if __name__ == "__main__":
    main()
