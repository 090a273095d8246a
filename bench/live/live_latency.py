#!/usr/bin/env python3
"""Time from an event's acknowledgement to the live state showing it (issue 19, docs/LIVE.md).

Starts `growthlens serve` on a fresh workspace with a write key, then posts one event at a time
(POST /api/v1/events) and, from the moment the 200 arrives, polls GET /api/v1/live (If-None-Match,
every 5 ms) until the event is in `latest`; and, separately, listens to GET /api/v1/live/stream
and times the first `changed` event after the post (0 when it came before the acknowledgement). Prints the percentiles, and the
server's CPU time while idle (no events) over --idle-seconds.

    python3 bench/live/live_latency.py build/growthlens [--events 50] [--idle-seconds 30]
"""
import argparse
import json
import os
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--idle-seconds", type=float, default=30)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="growthlens-live-latency-")
    workspace = os.path.join(work, "live.glw")
    key = subprocess.run([args.binary, "workspace", "keys", "create", "--role", "write", "--name",
                          "bench", "--workspace", workspace], check=True, capture_output=True,
                         text=True).stdout.strip()
    port = free_port()
    server = subprocess.Popen([args.binary, "serve", "--workspace", workspace, "--port", str(port),
                               "--data-dir", os.path.join(work, "data"), "--quiet",
                               "--no-warm-up"], stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/api/v1/"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "status", timeout=1).read()
                break
            except OSError:
                time.sleep(0.05)
        time.sleep(1)  # the watcher's first read of the (empty) inbox
        idle_start = cpu_seconds(server.pid)
        time.sleep(args.idle_seconds)
        idle = cpu_seconds(server.pid) - idle_start

        # The stream: times of `changed` events, read on a thread of their own.
        changes = []
        stop = threading.Event()

        def listen():
            while not stop.is_set():
                try:
                    with urllib.request.urlopen(base + "live/stream", timeout=15) as stream:
                        for line in stream:
                            if line.startswith(b"event: changed"):
                                changes.append(time.monotonic())
                            if stop.is_set():
                                return
                except OSError:
                    time.sleep(0.05)

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        time.sleep(0.5)

        to_api, to_stream = [], []
        etag = None
        for index in range(args.events):
            user = f"bench-{index}"
            body = json.dumps([{"user_id": user, "event": "ping"}]).encode()
            request = urllib.request.Request(base + "events", data=body, method="POST", headers={
                "Authorization": f"Bearer {key}", "Content-Type": "application/json"})
            sent = time.monotonic()
            urllib.request.urlopen(request, timeout=10).read()
            acked = time.monotonic()
            while True:
                headers = {"If-None-Match": etag} if etag else {}
                try:
                    with urllib.request.urlopen(urllib.request.Request(base + "live", headers=headers),
                                                timeout=10) as response:
                        etag = response.headers["ETag"]
                        live = json.loads(response.read())
                        if any(e["user_id"] == user for e in live["latest"]):
                            to_api.append(time.monotonic() - acked)
                            break
                except urllib.error.HTTPError as error:
                    if error.code != 304:
                        raise
                time.sleep(0.005)
            # The server nudges its watcher before it answers: a change may come before the
            # acknowledgement does (counted as 0).
            after = [t for t in changes if t >= sent]
            if after:
                to_stream.append(max(0.0, after[0] - acked))
            time.sleep(0.2)
        stop.set()
    finally:
        server.terminate()
        server.wait(timeout=10)

    def line(name, values):
        ms = [v * 1000 for v in values]
        return (f"{name}: n={len(ms)} median {percentile(ms, 50):.1f} ms, p95 {percentile(ms, 95):.1f} ms, "
                f"max {max(ms):.1f} ms")

    print(line("ack -> GET /api/v1/live shows the event", to_api))
    if to_stream:
        print(line("ack -> 'changed' on /api/v1/live/stream", to_stream))
    print(f"server CPU while idle: {idle:.3f} s over {args.idle_seconds:.0f} s "
          f"({100 * idle / args.idle_seconds:.2f}% of one core)")


if __name__ == "__main__":
    main()
