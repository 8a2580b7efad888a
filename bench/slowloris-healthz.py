#!/usr/bin/env python3
"""How fast /healthz answers while many anonymous sockets trickle request heads (slowloris).

Opens --sockets connections to a running vergegrid-control, each sending a request line and then
one header line per second, never the blank line that ends a head; meanwhile times --samples
GET /healthz requests, each on a new connection, and prints their latency percentiles.
Loopback only. Usage: bench/slowloris-healthz.py --port 9800 [--sockets 1000] [--samples 200]
"""
import argparse
import resource
import socket
import statistics
import threading
import time


def healthz(port: int):
    """Milliseconds to a 200, or None when refused, reset or not answered within 5 s."""
    began = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            reply = b""
            while chunk := s.recv(4096):
                reply += chunk
    except OSError:
        return None
    if not reply.startswith(b"HTTP/1.1 200"):
        return None
    return (time.perf_counter() - began) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, args.sockets + 256)), hard))

    baseline = [healthz(args.port) for _ in range(args.samples)]
    slow = []
    for i in range(args.sockets):
        s = socket.create_connection(("127.0.0.1", args.port), timeout=30)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        slow.append(s)
    stop = threading.Event()

    def trickle() -> None:
        line = 0
        while not stop.wait(1.0):
            for s in slow:
                try:
                    s.sendall(b"X-Slow-%d: y\r\n" % line)
                except OSError:
                    pass
            line += 1

    threading.Thread(target=trickle, daemon=True).start()
    time.sleep(1.5)
    under_attack = [healthz(args.port) for _ in range(args.samples)]
    stop.set()
    alive = 0
    for s in slow:
        try:
            s.send(b"X-Last: y\r\n")
            alive += 1
        except OSError:
            pass
        s.close()

    def summary(name, results):
        values = sorted(v for v in results if v is not None)
        failed = len(results) - len(values)
        if not values:
            print(f"{name}: no answer to any of {len(results)} requests")
            return
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        print(f"{name}: p50 {statistics.median(values):.2f} ms, p99 {p99:.2f} ms, "
              f"max {values[-1]:.2f} ms ({len(values)} answered, {failed} not)")

    summary("/healthz, quiet", baseline)
    summary(f"/healthz, {args.sockets} trickling sockets", under_attack)
    print(f"trickling sockets still open at the end: {alive}")


if __name__ == "__main__":
    main()
