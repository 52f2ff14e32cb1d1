"""gunicorn's settings for every start of MentorHub: `make run` and the scaled-out start use
this file (`gunicorn -c mentorhub/gunicorn_conf.py ...`), so both serve the same way.

One gevent worker per process that speaks WebSocket: python-engineio uses gevent-websocket
whenever it is importable, and then needs its worker class (plain `gevent` fails the upgrade).
More processes, not more workers in one, are how MentorHub scales (docs/operations.md).

The garbage collector is tuned in each worker once the app is loaded. Every open socket is a
few hundred Python objects (greenlet, WebSocket, Engine.IO and Socket.IO sessions, queues), so
with thousands of connections a full collection walks millions of objects and pauses every
connection at once; measured here, a bare Flask-SocketIO worker tipped over near 4,000
connections with Python's default thresholds and near 7,500 with raised ones
(benchmarks/chat_load.py --knee). `gc.freeze()` moves what the app allocated at start-up
(modules, models, templates) out of every later collection; the raised thresholds make young
collections rarer and full ones rarer still. Reference cycles are still collected.
"""

from __future__ import annotations

import gc
import os

worker_class = "geventwebsocket.gunicorn.workers.GeventWebSocketWorker"
workers = int(os.environ.get("WEB_WORKERS", "1"))
# gunicorn's default is 1,000 connections per gevent worker: far below what one worker holds
# (a classroom's pupils each keep a socket open all lesson). Past this, new connections wait.
worker_connections = int(os.environ.get("WEB_WORKER_CONNECTIONS", "10000"))

# (young, middle, old) collection thresholds; Python's defaults are (700, 10, 10).
GC_THRESHOLDS = (50_000, 50, 100)


def post_worker_init(worker) -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    worker.log.info("gc frozen at %d objects, thresholds %s", gc.get_freeze_count(), GC_THRESHOLDS)


def child_exit(server, worker) -> None:
    # In the master: a dead worker's live gauges leave /metrics (mentorhub/metrics.py).
    from mentorhub import metrics

    metrics.worker_exited(worker.pid)
