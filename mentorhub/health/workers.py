"""Each web worker's heartbeat on the message queue, and who is subscribed to it.

python-socketio's Redis manager subscribes each worker to one channel (SOCKETIO_CHANNEL); a
worker whose subscription is lost without its listener noticing (a half-open connection after
a network cut or a Redis failover) goes on serving its sockets and delivers them nothing from
the other workers. Redis knows how many connections are subscribed (`PUBSUB NUMSUB`), but not
how many workers there should be: so every worker keeps a key of its own alive while it runs,
and `/health` compares the two counts.

The count says that some worker is deaf, not which. So with each heartbeat a worker also
publishes a ping on the channel, and its listener notes when it last heard anything there
(its own pings included); a worker that has heard nothing for `3 × every` seconds says so in
its heartbeat (`hears: false`), which every worker's `/health` reads.

Keys, per channel: `mentorhub:<channel>:worker:<host_id>` (the manager's random id; the value
is the process id, the host name and `hears`, never anything about a person) with a TTL of
`3 × every` seconds, refreshed every `every` seconds (HEARTBEAT_SECONDS, 10); and the set
`mentorhub:<channel>:workers` of host ids, so the check reads the heartbeats without scanning
the keyspace (members whose key has expired are removed as they are found).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections.abc import Callable
from typing import Any

import redis

log = logging.getLogger("mentorhub.health")

PING = "mentorhub_ping"  # a method python-socketio's listener ignores (it knows none such)
_TIMEOUT = 1.0  # seconds for any one Redis call made here


def worker_key(channel: str, host_id: str) -> str:
    return f"mentorhub:{channel}:worker:{host_id}"


def index_key(channel: str) -> str:
    return f"mentorhub:{channel}:workers"


_clients: dict[str, redis.Redis] = {}


def client(url: str) -> redis.Redis:
    """One client per URL and process, with short timeouts (a health answer must be fast)."""
    found = _clients.get(url)
    if found is None:
        found = _clients[url] = redis.Redis.from_url(
            url, socket_timeout=_TIMEOUT, socket_connect_timeout=_TIMEOUT
        )
    return found


class Heartbeat:
    """One worker's heartbeat and what its listener last heard (see the module docstring)."""

    def __init__(self, url: str, channel: str, host_id: str, every: float = 10) -> None:
        self.url, self.channel, self.host_id = url, channel, host_id
        self.every, self.ttl = every, max(1, round(3 * every))
        self.started = time.monotonic()
        self.last_heard: float | None = None

    def heard(self) -> None:
        """The listener got a message from the channel (called for every one: keep it cheap)."""
        self.last_heard = time.monotonic()

    def hears(self) -> bool:
        """Heard something in the last `ttl` seconds, or started less than that ago."""
        return time.monotonic() - (self.last_heard or self.started) < self.ttl

    def beat(self) -> None:
        """Say once more that this worker is alive, and whether it hears the channel."""
        hears = self.hears()
        value = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "hears": hears})
        pipe = client(self.url).pipeline(transaction=False)
        pipe.set(worker_key(self.channel, self.host_id), value, ex=self.ttl)
        pipe.sadd(index_key(self.channel), self.host_id)
        pipe.expire(index_key(self.channel), self.ttl * 2)  # gone soon after the last worker
        pipe.execute()

    def start(self, server, publish: Callable[[dict], Any]) -> None:
        """Ping and beat now and then every `every` seconds, in a background task of the
        Socket.IO server (a greenlet under gevent). Once per process, when its manager starts."""

        def tick() -> None:
            try:
                publish({"method": PING, "host_id": self.host_id})
                self.beat()
            except Exception:  # keep beating: Redis may come back
                log.warning("heartbeat to the message queue failed", exc_info=True)

        def loop() -> None:
            while True:
                server.sleep(self.every)
                tick()

        tick()
        server.start_background_task(loop)


def live(url: str, channel: str) -> dict[str, dict]:
    """host id -> heartbeat, of the workers whose heartbeat has not expired."""
    r = client(url)
    members = sorted(m.decode() for m in r.smembers(index_key(channel)))
    if not members:
        return {}
    values = r.mget([worker_key(channel, m) for m in members])
    gone = [m for m, v in zip(members, values, strict=True) if v is None]
    if gone:
        r.srem(index_key(channel), *gone)
    return {m: json.loads(v) for m, v in zip(members, values, strict=True) if v is not None}


def subscribed(url: str, channel: str) -> int:
    """How many connections Redis has subscribed to the channel."""
    ((_name, count),) = client(url).pubsub_numsub(channel)
    return int(count)


def listener_alive(manager: Any) -> bool:
    """Whether this worker's listener (python-socketio's `PubSubManager._thread`, started by
    `initialize`) still runs: a gevent Greenlet under gevent, a Thread under threading."""
    thread = getattr(manager, "thread", None)
    if thread is None:
        return False
    if hasattr(thread, "is_alive"):
        return bool(thread.is_alive())
    return not getattr(thread, "dead", True)
