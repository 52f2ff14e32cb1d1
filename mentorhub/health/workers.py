"""Each web worker's heartbeat on the message queue, and who is subscribed to it.

python-socketio's Redis manager subscribes each worker to one channel (SOCKETIO_CHANNEL); a
worker whose subscription is lost without its listener noticing (a half-open connection after
a network cut or a Redis failover) goes on serving its sockets and delivers them nothing from
the other workers. Redis knows how many connections are subscribed (`PUBSUB NUMSUB`), but not
how many workers there should be: so every worker keeps a key of its own alive while it runs,
and `/health` compares the two counts.

Keys, per channel: `mentorhub:<channel>:worker:<host_id>` (the manager's random id; the value
is the process id and host name, never anything about a person) with a TTL of `TTL` seconds,
refreshed every `EVERY` seconds; and the set `mentorhub:<channel>:workers` of host ids, so the
check reads the heartbeats without scanning the keyspace (members whose key has expired are
removed as they are found).
"""

from __future__ import annotations

import json
import logging
import os
import socket
from typing import Any

import redis

log = logging.getLogger("mentorhub.health")

EVERY = 10  # seconds between heartbeats
TTL = 30  # a worker that missed about three heartbeats is gone
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


def beat(url: str, channel: str, host_id: str) -> None:
    """Say once more that this worker is alive."""
    value = json.dumps({"pid": os.getpid(), "host": socket.gethostname()})
    pipe = client(url).pipeline(transaction=False)
    pipe.set(worker_key(channel, host_id), value, ex=TTL)
    pipe.sadd(index_key(channel), host_id)
    pipe.expire(index_key(channel), TTL * 2)  # gone soon after the last worker of a channel
    pipe.execute()


def start(server, url: str, channel: str, host_id: str) -> None:
    """Beat now and then every EVERY seconds, in a background task of the Socket.IO server
    (a greenlet under gevent). Called once per process, when its manager starts."""
    try:
        beat(url, channel, host_id)
    except redis.RedisError:
        log.warning("heartbeat to the message queue failed", exc_info=True)

    def loop() -> None:
        while True:
            server.sleep(EVERY)
            try:
                beat(url, channel, host_id)
            except Exception:  # keep beating: Redis may come back
                log.warning("heartbeat to the message queue failed", exc_info=True)

    server.start_background_task(loop)


def live(url: str, channel: str) -> list[str]:
    """The host ids of the workers whose heartbeat has not expired."""
    r = client(url)
    members = sorted(m.decode() for m in r.smembers(index_key(channel)))
    if not members:
        return []
    values = r.mget([worker_key(channel, m) for m in members])
    alive = [m for m, v in zip(members, values, strict=True) if v is not None]
    gone = [m for m, v in zip(members, values, strict=True) if v is None]
    if gone:
        r.srem(index_key(channel), *gone)
    return alive


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
