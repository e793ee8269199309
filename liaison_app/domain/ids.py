"""Client-generated ids: time-ordered UUIDs (version 7), kind to B-tree indexes."""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last = 0


def uuid7() -> str:
    """A UUIDv7 string: 48-bit millisecond time, then random bits; strictly increasing here."""
    global _last
    with _lock:
        ms = time.time_ns() // 1_000_000
        rand = int.from_bytes(os.urandom(10), "big")
        value = (ms << 80) | rand
        if value <= _last:  # same millisecond: keep ids increasing in this process
            value = _last + 1
        _last = value
    value &= ~(0xF << 76)
    value |= 0x7 << 76  # version 7
    value &= ~(0x3 << 62)
    value |= 0x2 << 62  # RFC 4122 variant
    return str(uuid.UUID(int=value))
