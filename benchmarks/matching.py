"""Benchmark of the matching engine against the greedy baseline on synthetic instances.

    .venv/bin/python benchmarks/matching.py            # municipality and nation
    .venv/bin/python benchmarks/matching.py municipality

Instances are built with a fixed seed: pupils have 1-2 subject areas (level 1-5 each), 3-8 free
slots and prefer groups half the time; mentors take 1-2 areas over a span of levels, 5-15 pupils,
groups of up to 1-4, and have 4-10 free slots.

Memory is the growth of the process's peak resident set (``resource.getrusage(RUSAGE_SELF)
.ru_maxrss``) across the engine call, instance already built. It counts numpy and OR-Tools' C++
allocations alike (tracemalloc would miss the latter). The engine runs before the greedy baseline
so the baseline's allocations cannot hide in an earlier peak.
"""

from __future__ import annotations

import os
import resource
import sys
import time

import numpy as np

from mentorhub.matching.engine import (
    Mentor,
    Pupil,
    Weights,
    greedy_baseline,
    objective,
    solve,
)

SEED = 20260901
SIZES = {
    # name: (pupils, mentors, subject areas, time slots, schools)
    "municipality": (300, 40, 3, 20, 10),
    "nation": (12_000, 1_000, 3, 20, 400),
}


def instance(
    n_pupils: int, n_mentors: int, n_areas: int, n_slots: int, n_schools: int, seed: int = SEED
) -> tuple[list[Pupil], list[Mentor]]:
    rng = np.random.default_rng(seed)
    slots = [f"slot{k:02d}" for k in range(n_slots)]
    areas = list(range(1, n_areas + 1))
    pupils = []
    for i in range(n_pupils):
        chosen = rng.choice(areas, size=1 + int(rng.random() < 0.3), replace=False)
        pupils.append(
            Pupil(
                id=i,
                school_id=int(rng.integers(n_schools)),
                levels={int(a): int(rng.integers(1, 6)) for a in chosen},
                slots=frozenset(rng.choice(slots, size=int(rng.integers(3, 9)), replace=False)),
                prefers_group=bool(rng.random() < 0.5),
            )
        )
    mentors = []
    for j in range(n_mentors):
        lo = int(rng.integers(1, 4))
        mentors.append(
            Mentor(
                id=f"m{j}",
                subject_area_ids=frozenset(
                    int(a)
                    for a in rng.choice(areas, size=1 + int(rng.random() < 0.4), replace=False)
                ),
                level_min=lo,
                level_max=int(rng.integers(lo + 1, 6)),
                capacity=int(rng.integers(5, 16)),
                max_group_size=int(rng.integers(1, 5)),
                slots=frozenset(rng.choice(slots, size=int(rng.integers(4, 11)), replace=False)),
            )
        )
    return pupils, mentors


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def run(name: str) -> None:
    n_pupils, n_mentors, n_areas, n_slots, n_schools = SIZES[name]
    pupils, mentors = instance(n_pupils, n_mentors, n_areas, n_slots, n_schools)
    weights = Weights()

    before = _maxrss_mib()
    t0 = time.perf_counter()
    result = solve(pupils, mentors, weights)
    engine_s = time.perf_counter() - t0
    peak_delta = _maxrss_mib() - before

    t0 = time.perf_counter()
    greedy = greedy_baseline(pupils, mentors, weights)
    greedy_s = time.perf_counter() - t0

    assigned, score = objective(result)
    g_assigned, g_score = objective(greedy)
    reasons: dict[str, int] = {}
    for u in result.unassigned:
        reasons[u.reason] = reasons.get(u.reason, 0) + 1
    groups = {m.group_key for m in result.matches if m.group_key}
    grouped = sum(1 for m in result.matches if m.group_key)
    capacity = sum(m.capacity for m in mentors)

    print(
        f"== {name}: {n_pupils} pupils x {n_mentors} mentors (total capacity {capacity}), "
        f"{n_areas} areas, {n_slots} slots, {n_schools} schools, seed {SEED}"
    )
    print(f"  feasible pairs        {result.feasible_pairs:,}")
    print(
        f"  engine time           {engine_s:.2f} s  ({result.rounds} round(s), "
        f"stage 2 optimal: {result.stage2_optimal})"
    )
    print(
        f"  engine peak memory    +{peak_delta:.0f} MiB maxrss over the call "
        f"(process peak {_maxrss_mib():.0f} MiB)"
    )
    print(
        f"  engine                assigned {assigned:,}, unassigned {len(result.unassigned):,}, "
        f"total score {score:,}"
    )
    print(
        f"  stage-1 bound         assigned {result.stage1_bound[0]:,}, "
        f"score {result.stage1_bound[1]:,} (exact relaxation; no valid assignment does better)"
    )
    print(f"  groups                {len(groups):,} groups holding {grouped:,} pupils")
    print(f"  unassigned reasons    {dict(sorted(reasons.items()))}")
    print(
        f"  greedy baseline       assigned {g_assigned:,}, unassigned "
        f"{len(greedy.unassigned):,}, total score {g_score:,}, time {greedy_s:.2f} s"
    )
    print(
        f"  gain over greedy      +{assigned - g_assigned:,} pupils assigned "
        f"({(assigned - g_assigned) / max(1, g_assigned):+.1%}), "
        f"score {score - g_score:+,}"
    )


if __name__ == "__main__":
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{os.cpu_count()} CPUs, load average {load} (other work on the machine slows the timings)"
    )
    for name in sys.argv[1:] or list(SIZES):
        run(name)
