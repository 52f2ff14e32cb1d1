"""Long work in a web worker (mentorhub/offload.py), under gevent as every real worker runs:
CP-SAT's search in a native thread leaves the worker's greenlets running, and a long job
queued by a request runs after the request has answered.

Each case runs in a Python process of its own, monkey-patched by gevent as gunicorn's worker
is (patching the test process itself would change every other test)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_SEARCH = """
from gevent import monkey
monkey.patch_all()
import json, random
import gevent
from ortools.sat.python import cp_model
from mentorhub import offload

def search(tell):
    # A search CP-SAT cannot finish in its one second: it runs for the whole second.
    rng = random.Random(1)
    model = cp_model.CpModel()
    n = 40
    x = [[model.NewBoolVar("") for _ in range(n)] for _ in range(n)]
    for i in range(n):
        model.AddExactlyOne(x[i])
        model.AddExactlyOne([x[k][i] for k in range(n)])
    pairs = []
    for i in range(n - 1):
        for j in range(0, n, 5):
            b = model.NewBoolVar("")
            model.AddBoolAnd([x[i][j], x[i + 1][(j + 1) % n]]).OnlyEnforceIf(b)
            pairs.append(b * rng.randint(0, 1000))
    model.Maximize(sum(pairs) + sum(rng.randint(0, 1000) * v for row in x for v in row))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 1.0
    solver.parameters.num_workers = 1
    tell("searching")
    before = len(ticks)
    solver.Solve(model)
    after = len(ticks)
    tell("done")
    return before, after

ticks = []

def ticker():
    while True:
        ticks.append(1)
        gevent.sleep(0.01)

gevent.spawn(ticker)
gevent.sleep(0.05)
told = []
offloaded = offload.in_native_thread(search, told.append)
direct = search(lambda stage: None)
print(json.dumps({"offloaded": offloaded, "direct": direct, "told": told}))
"""

_AFTER = """
from gevent import monkey
monkey.patch_all()
import json
import gevent
from mentorhub import offload

ran = []
offload.after_the_answer(ran.append, "the job")
at_once = list(ran)
gevent.sleep(0.05)
print(json.dumps({"at_once": at_once, "later": ran}))
"""


def _run(script: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_search_in_a_native_thread_leaves_the_workers_greenlets_running():
    # given a gevent worker whose other greenlets tick while CP-SAT searches for a second
    # when the search runs through offload.in_native_thread, and then once directly
    seen = _run(_SEARCH)
    # then the other greenlets ran during the offloaded search ...
    before, after = seen["offloaded"]
    assert after > before
    # ... where run directly in the worker's thread they were stopped for all of it
    before, after = seen["direct"]
    assert after == before
    # and what the search told as it went reached the caller, in order
    assert seen["told"] == ["searching", "done"]


def test_a_long_job_runs_after_the_request_that_queued_it_goes_on():
    # given a gevent worker
    # when a request hands a long job on
    seen = _run(_AFTER)
    # then the request goes on before the job has run, and the job runs right after
    assert seen["at_once"] == []
    assert seen["later"] == ["the job"]
