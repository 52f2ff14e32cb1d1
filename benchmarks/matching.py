"""Benchmark of the matching engine against the greedy baseline and a bare min-cost flow on
synthetic instances, with the bounds the engine proves and its exact mode.

    .venv/bin/python benchmarks/matching.py                      # every size (nation: ~1 min)
    .venv/bin/python benchmarks/matching.py municipality region
    MATCHING_EXACT_SECONDS=30 .venv/bin/python benchmarks/matching.py municipality

Instances are built with a fixed seed: pupils have 1-2 subject areas (level 1-5 each), 3-8 free
slots and prefer groups half the time; mentors take 1-2 areas over a span of levels, 5-15 pupils,
groups of up to 1-4, and have 4-10 free slots.

Each method runs in a child process forked once the instance is built, so its time and memory
are its own: memory is the growth of the child's peak resident set (``resource.getrusage(
RUSAGE_SELF).ru_maxrss``) across the call. It counts numpy and OR-Tools' C++ allocations alike
(tracemalloc would miss the latter).

The methods, on the same instance in the same run:

* greedy: ``greedy_baseline``, each pupil in turn to the best mentor with room and a session;
* bare flow: one OR-Tools min-cost flow pupil -> mentor -> sink over the feasible pairs (the
  pairs generated as the engine does, included in its time), capacity only, no slots or
  groups: the reference for speed; its result ignores time slots, so it is no valid matching;
* engine: ``solve``, the fast engine (stage 1, stage 2, typed-flow rounds) and its two bounds;
* exact: ``solve_exact``, the fast engine then CP-SAT over the whole model for at most
  MATCHING_EXACT_SECONDS (default 10), hinted with the engine's answer, up to the size given
  per instance (the app's limit is 1,000 pupils; larger sizes here show what it would do).

The gap of each is to the tightest bound proven in the run: in % of pupils while it places
fewer than the bound, else in % of the score.
"""

from __future__ import annotations

import os
import pickle
import resource
import sys
import time

import numpy as np
from ortools.graph.python import min_cost_flow

from mentorhub.matching import engine
from mentorhub.matching.engine import (
    EXACT_SECONDS,
    Mentor,
    Pupil,
    Weights,
    greedy_baseline,
    objective,
    solve,
    solve_exact,
)

SEED = 20260901
SIZES = {
    # name: (pupils, mentors, subject areas, time slots, schools)
    "municipality": (300, 40, 3, 20, 10),
    "exact_limit": (1_000, 85, 3, 20, 33),  # the app's exact-mode size limit
    "region": (3_000, 250, 3, 20, 100),
    "nation": (12_000, 1_000, 3, 20, 400),
}
EXACT_UP_TO = 3_000  # pupils: the exact mode runs at municipality and region size


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


def _in_child(work) -> dict:
    """Run ``work()`` in a forked child; return its dict with the child's time and peak growth."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        before = _maxrss_mib()
        t0 = time.perf_counter()
        out = work()
        out["seconds"] = time.perf_counter() - t0
        out["peak_mib"] = _maxrss_mib() - before
        with os.fdopen(write, "wb") as f:
            pickle.dump(out, f)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        out = pickle.load(f)
    os.waitpid(pid, 0)
    return out


def bare_flow(pupils: list[Pupil], mentors: list[Mentor], weights: Weights) -> dict:
    """Pupil -> mentor -> sink, capacity only, the engine's lexicographic costs: no slots."""
    ix = engine._Index(pupils, mentors)
    locks = engine._Locks(ix, ())
    pairs = engine._feasible_pairs(ix, locks, np.zeros(0, dtype=np.int64), weights)
    n = int(np.unique(pairs.p).size)
    score = pairs.stage1_score(weights).astype(np.int64)
    big = n * int(score.max() - score.min()) + abs(int(score.min())) + 1
    P, M = ix.P, ix.M
    sink = P + M
    flow = min_cost_flow.SimpleMinCostFlow()
    supplied = np.unique(pairs.p).astype(np.int32)
    tails = np.concatenate([pairs.p, P + np.arange(M), supplied]).astype(np.int32)
    heads = np.concatenate([P + pairs.m, np.full(M, sink), np.full(supplied.size, sink)]).astype(
        np.int32
    )
    caps = np.concatenate([np.ones(pairs.p.size), ix.m_cap, np.ones(supplied.size)])
    costs = np.concatenate([-(big + score), np.zeros(M + supplied.size)])
    flow.add_arcs_with_capacity_and_unit_cost(
        tails, heads, caps.astype(np.int64), costs.astype(np.int64)
    )
    flow.set_nodes_supplies(
        np.append(supplied, sink).astype(np.int32), np.append(np.ones(n, np.int64), -n)
    )
    assert flow.solve() == flow.OPTIMAL
    used = flow.flows(np.arange(pairs.p.size, dtype=np.int32)) > 0
    return {"value": (int(used.sum()), int(score[used].sum())), "pairs": int(pairs.p.size)}


def _gap(value: tuple[int, int], bound: tuple[int, int]) -> str:
    if value[0] < bound[0]:
        return f"{100 * (bound[0] - value[0]) / bound[0]:.2f} % of pupils"
    return f"{100 * (bound[1] - value[1]) / bound[1]:.2f} % of score"


def run(name: str) -> None:
    n_pupils, n_mentors, n_areas, n_slots, n_schools = SIZES[name]
    pupils, mentors = instance(n_pupils, n_mentors, n_areas, n_slots, n_schools)
    weights = Weights()
    seconds = float(os.environ.get("MATCHING_EXACT_SECONDS", EXACT_SECONDS))

    def fast() -> dict:
        r = solve(pupils, mentors, weights)
        reasons: dict[str, int] = {}
        for u in r.unassigned:
            reasons[u.reason] = reasons.get(u.reason, 0) + 1
        return {
            "value": objective(r),
            "pairs": r.feasible_pairs,
            "stage1": r.stage1_bound,
            "slot": r.slot_bound,
            "rounds": r.rounds,
            "stage2_optimal": r.stage2_optimal,
            "groups": len({m.group_key for m in r.matches if m.group_key}),
            "grouped": sum(1 for m in r.matches if m.group_key),
            "reasons": dict(sorted(reasons.items())),
        }

    def exact() -> dict:
        r = solve_exact(pupils, mentors, weights, seconds=seconds, max_pupils=EXACT_UP_TO)
        return {
            "value": objective(r),
            "bound": r.exact_bound,
            "status": r.exact_status,
            "optimal": r.optimal,
            "exact_seconds": r.exact_seconds,
        }

    def greedy() -> dict:
        return {"value": objective(greedy_baseline(pupils, mentors, weights))}

    results = {"engine": _in_child(fast)}
    results["bare flow"] = _in_child(lambda: bare_flow(pupils, mentors, weights))
    results["greedy"] = _in_child(greedy)
    if n_pupils <= EXACT_UP_TO:
        results["exact"] = _in_child(exact)
    e = results["engine"]
    bounds = {"stage-1": e["stage1"], "slot": e["slot"]}
    if "exact" in results and results["exact"]["bound"] is not None:
        bounds["exact"] = results["exact"]["bound"]
    best = min(bounds.values())
    capacity = sum(m.capacity for m in mentors)

    print(
        f"== {name}: {n_pupils:,} pupils x {n_mentors:,} mentors (total capacity {capacity:,}), "
        f"{n_areas} areas, {n_slots} slots, {n_schools} schools, seed {SEED}; "
        f"{e['pairs']:,} feasible pairs"
    )
    for kind, b in bounds.items():
        print(
            f"  {kind + ' bound':<14} assigned {b[0]:>7,}  score {b[1]:>9,}"
            f"{'  <- tightest' if b == best else ''}"
        )
    print(
        f"  {'method':<10} {'time s':>8} {'peak MiB':>9} {'assigned':>9} {'score':>10}"
        f"  {'gap to the tightest bound':<26} notes"
    )
    notes = {
        "engine": f"{e['rounds']} round(s), stage 2 optimal: {e['stage2_optimal']}; "
        f"{e['groups']:,} groups holding {e['grouped']:,} pupils",
        "bare flow": "no slots or groups: not a valid matching, a speed reference",
        "greedy": "",
    }
    if "exact" in results:
        x = results["exact"]
        notes["exact"] = (
            f"status {x['status']}, optimal: {x['optimal']}, limit {seconds:g} s of CP-SAT"
        )
    for method in ("greedy", "bare flow", "engine", "exact"):
        if method not in results:
            continue
        r = results[method]
        v = r["value"]
        gap = "above the bounds (no slots)" if v > best else _gap(v, best)
        print(
            f"  {method:<10} {r['seconds']:>8.2f} {r['peak_mib']:>+9.0f} {v[0]:>9,} {v[1]:>10,}"
            f"  {gap:<26} {notes[method]}"
        )
    g, v = results["greedy"]["value"], e["value"]
    print(
        f"  engine over greedy: +{v[0] - g[0]:,} pupils ({(v[0] - g[0]) / max(1, g[0]):+.1%}), "
        f"score {v[1] - g[1]:+,}; engine time / bare flow time: "
        f"{e['seconds'] / results['bare flow']['seconds']:.1f}x"
    )
    if "exact" in results:
        x = results["exact"]["value"]
        print(
            f"  exact over engine: +{x[0] - v[0]:,} pupils, score {x[1] - v[1]:+,} "
            f"({(x[1] - v[1]) / max(1, v[1]):+.2%})"
        )
    print(f"  engine's unassigned reasons {e['reasons']}")


if __name__ == "__main__":
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{os.cpu_count()} CPUs, load average {load} (other work on the machine slows the timings)"
    )
    for name in sys.argv[1:] or list(SIZES):
        run(name)
