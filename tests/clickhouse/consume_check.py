#!/usr/bin/env python3
"""Checks a ClickHouse workspace against the Redis stream a `growthlens consume` moved into it.

The stream holds messages with explicit ids "<n>-0" (n from 1): even n carry uuid "id-<n>", odd
n none (their key is the message's: "redis stream <stream> (group <group>)/<n>-0"), and the ids
listed in --bad are malformed (no user) or repeat an earlier uuid. Keys are FNV-1a 64 of the
uuid (warehouse/clickhouse_live_insert.h), computed here independently.

  consume_check.py acked REDIS_PORT CH_TCP_PORT DATABASE STREAM GROUP MESSAGES BAD...
      every acknowledged well-formed message's key stored; no key twice; no key foreign
  consume_check.py all   ... (same arguments)
      every well-formed message's key stored exactly once, nothing pending
"""
import subprocess
import sys


def fnv1a(text):
    h = 0xcbf29ce484222325
    for b in text.encode():
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def redis(port, *args):
    return subprocess.run(["redis-cli", "-p", port, *args], capture_output=True, text=True,
                          check=True).stdout.split("\n")


mode, redis_port, ch_port, database, stream, group, messages = sys.argv[1:8]
bad = {int(n) for n in sys.argv[8:]}
messages = int(messages)
expected = {}
for n in range(1, messages + 1):
    if n in bad:
        continue
    uuid = f"id-{n}" if n % 2 == 0 else f"redis stream {stream} (group {group})/{n}-0"
    expected[fnv1a(uuid)] = n

rows = subprocess.run(["clickhouse-client", "--port", ch_port, "--query",
                       f"SELECT load_id FROM {database}.events"],
                      capture_output=True, text=True, check=True).stdout.split()
stored = {}
for key in map(int, rows):
    stored[key] = stored.get(key, 0) + 1
twice = [expected.get(k, k) for k, c in stored.items() if c > 1]
foreign = [k for k in stored if k not in expected]
if twice:
    sys.exit(f"FAIL: {len(twice)} events stored more than once, e.g. message {twice[:5]}")
if foreign:
    sys.exit(f"FAIL: {len(foreign)} stored keys belong to no well-formed message")

info = redis(redis_port, "XINFO", "GROUPS", stream)
fields = dict(zip(info[0::2], info[1::2]))
last = int((fields.get("last-delivered-id") or "0-0").split("-")[0])
pending_lines = redis(redis_port, "XPENDING", stream, group, "-", "+", "1000000")
pending = {int(line.split("-")[0]) for line in pending_lines[0::4] if line.strip()}
acked = [n for n in range(1, last + 1) if n not in pending and n not in bad]
missing = [n for n in acked if fnv1a(f"id-{n}" if n % 2 == 0 else
                                      f"redis stream {stream} (group {group})/{n}-0") not in stored]
if missing:
    sys.exit(f"FAIL: {len(missing)} acknowledged messages not in ClickHouse, e.g. {missing[:5]}")
if mode == "all":
    if pending:
        sys.exit(f"FAIL: {len(pending)} messages still pending")
    if len(stored) != len(expected):
        sys.exit(f"FAIL: {len(stored)} events stored of {len(expected)} well-formed messages")
print(f"ok: {len(stored)} events stored once each, {len(acked)} acknowledged, "
      f"{len(pending)} pending")
