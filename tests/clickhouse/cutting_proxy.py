#!/usr/bin/env python3
"""A loopback TCP proxy that breaks one connection on purpose, for the ClickHouse fault tests.

Forwards 127.0.0.1:<free port> to 127.0.0.1:TARGET and writes its port to PORT_FILE. One
connection (the first that crosses the threshold) is broken, every other one is passed through:

  cut-request BYTES    after BYTES sent by the client on a connection, both sides are closed
                       (an insert whose body never fully arrives: the server stores nothing)
  drop-answer BYTES    once the client sent BYTES on a connection, the request still goes
                       through but the server's answer is dropped and both sides are closed
                       (an insert the server stored whose confirmation is lost)
  cut-answer BYTES     after BYTES of the server's answer, both sides are closed (a query whose
                       answer breaks half-way)

Each break is written to stdout ("broke: ..."), which the tests check, so a test cannot pass
without the fault having happened.

  cutting_proxy.py TARGET_PORT PORT_FILE MODE BYTES
"""
import socket
import sys
import threading

target_port, port_file, mode, threshold = (int(sys.argv[1]), sys.argv[2], sys.argv[3],
                                           int(sys.argv[4]))
broken = threading.Event()  # one connection is broken, then everything passes
lock = threading.Lock()


def claim():
    """True for the one connection that gets broken."""
    with lock:
        if broken.is_set():
            return False
        broken.set()
        return True


def close(*sockets):
    for sock in sockets:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()


def serve(client):
    server = socket.create_connection(("127.0.0.1", target_port))
    state = {"sent": 0, "answered": 0, "doomed": False, "done": False}

    def upstream():
        try:
            while not state["done"]:
                data = client.recv(65536)
                if not data:
                    break
                if mode == "cut-request" and state["sent"] + len(data) > threshold and claim():
                    keep = max(0, threshold - state["sent"])
                    server.sendall(data[:keep])
                    print(f"broke: request cut after {threshold} bytes", flush=True)
                    state["done"] = True
                    close(client, server)
                    return
                state["sent"] += len(data)
                if mode == "drop-answer" and state["sent"] > threshold and not state["doomed"]:
                    state["doomed"] = claim()
                server.sendall(data)
        except OSError:
            pass
        finally:
            try:
                server.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def downstream():
        try:
            while not state["done"]:
                data = server.recv(65536)
                if not data:
                    break
                if state["doomed"]:
                    print(f"broke: answer dropped after a request of {state['sent']} bytes",
                          flush=True)
                    state["done"] = True
                    close(client, server)
                    return
                if mode == "cut-answer" and state["answered"] + len(data) > threshold and claim():
                    keep = max(0, threshold - state["answered"])
                    client.sendall(data[:keep])
                    print(f"broke: answer cut after {threshold} bytes", flush=True)
                    state["done"] = True
                    close(client, server)
                    return
                state["answered"] += len(data)
                client.sendall(data)
        except OSError:
            pass
        finally:
            try:
                client.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    up = threading.Thread(target=upstream, daemon=True)
    up.start()
    downstream()
    up.join()
    close(client, server)


listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(64)
with open(port_file + ".tmp", "w") as out:
    out.write(str(listener.getsockname()[1]))
import os  # noqa: E402  (the rename makes the port file appear whole)

os.replace(port_file + ".tmp", port_file)
while True:
    connection, _ = listener.accept()
    threading.Thread(target=serve, args=(connection,), daemon=True).start()
