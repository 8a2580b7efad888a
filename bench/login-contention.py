#!/usr/bin/env python3
"""How much parallel failed logins slow an unrelated change (docs/benchmarks.md).

Against a running vergegrid-control on 127.0.0.1: creates user "olga" with a password and one
estate, then fires N parallel logins with a wrong password for olga (each costs an Argon2 check)
while PATCHing the estate one request at a time, and prints the PATCH latencies (ms) while the
logins run, and idle for comparison. Raise the login throttle first or most logins get 429:
VERGEGRID_AUTH_LOGIN_FAILURES_PER_NAME=1000000 VERGEGRID_AUTH_LOGIN_FAILURES_PER_ADDRESS=1000000.

    bench/login-contention.py --port 9800 --token "$(cat data/admin-token)" --logins 40
"""
import argparse
import http.client
import json
import statistics
import threading
import time


def call(port, method, path, body=None, token=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def patch_latencies(port, token, estate, stop, out):
    i = 0
    while not stop.is_set():
        started = time.perf_counter()
        status, _ = call(port, "PATCH", "/api/v1/estates/" + estate, {"owner": "Owner O%d" % i}, token)
        out.append((time.perf_counter() - started) * 1000)
        assert status == 200, status
        i += 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=9800)
    parser.add_argument("--token", required=True)
    parser.add_argument("--logins", type=int, default=40)
    args = parser.parse_args()

    call(args.port, "POST", "/api/v1/users",
         {"name": "olga", "role": "operator", "password": "correct horse battery"}, args.token)
    status, body = call(args.port, "POST", "/api/v1/estates",
                        {"name": "contention-%d" % time.time_ns(), "owner": "o"}, args.token)
    assert status == 201, body
    estate = json.loads(body)["id"]

    idle = []
    for i in range(20):
        started = time.perf_counter()
        call(args.port, "PATCH", "/api/v1/estates/" + estate, {"owner": "Idle O%d" % i}, args.token)
        idle.append((time.perf_counter() - started) * 1000)

    statuses = []
    def bad_login():
        status, _ = call(args.port, "POST", "/api/v1/auth/login",
                         {"username": "olga", "password": "wrong password!"})
        statuses.append(status)

    stop = threading.Event()
    busy = []
    patcher = threading.Thread(target=patch_latencies, args=(args.port, args.token, estate, stop, busy))
    logins = [threading.Thread(target=bad_login) for _ in range(args.logins)]
    started = time.perf_counter()
    patcher.start()
    for thread in logins:
        thread.start()
    for thread in logins:
        thread.join()
    stop.set()
    patcher.join()
    elapsed = time.perf_counter() - started

    def summary(values):
        values = sorted(values)
        return "n=%d median=%.1f p90=%.1f max=%.1f" % (
            len(values), statistics.median(values), values[int(len(values) * 0.9)], values[-1])
    print("idle PATCH ms:          ", summary(idle))
    print("PATCH ms during logins: ", summary(busy))
    print("%d logins in %.2f s, statuses %s" % (
        args.logins, elapsed, {s: statuses.count(s) for s in set(statuses)}))


if __name__ == "__main__":
    main()
