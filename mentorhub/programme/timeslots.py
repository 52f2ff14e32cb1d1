"""The weekly meeting grid everyone states availability in: five weekdays × four blocks.

Slot ids are stable strings like "mon-1" so they can be stored, compared and matched.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

WEEKDAYS = [
    ("mon", _l("Monday")),
    ("tue", _l("Tuesday")),
    ("wed", _l("Wednesday")),
    ("thu", _l("Thursday")),
    ("fri", _l("Friday")),
]
BLOCKS = [(1, "08:30–10:00"), (2, "10:15–11:45"), (3, "13:00–14:30"), (4, "14:45–16:15")]


@dataclass(frozen=True)
class Slot:
    id: str
    weekday: str
    block: int
    weekday_label: object
    time_label: str

    def label(self) -> str:
        return f"{self.weekday_label} {self.time_label}"


SLOTS: list[Slot] = [
    Slot(f"{day}-{block}", day, block, day_label, times)
    for day, day_label in WEEKDAYS
    for block, times in BLOCKS
]
SLOT_IDS = frozenset(s.id for s in SLOTS)
BY_ID = {s.id: s for s in SLOTS}


def slot_choices() -> list[tuple[str, str]]:
    return [(s.id, s.label()) for s in SLOTS]


def label(slot_id: str) -> str:
    return BY_ID[slot_id].label() if slot_id in BY_ID else slot_id
