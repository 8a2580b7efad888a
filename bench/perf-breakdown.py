#!/usr/bin/env python3
"""Where the CPU went during one api_bench phase recorded with `api_bench --perf DIR`.

    bench/perf-breakdown.py DIR/create.perf.data --server-pid PID [--operations N]

Reads `perf script` (whole machine, cpu-clock samples with DWARF call graphs) and prints:
  1. the share of all samples by process: the control plane (PID), PostgreSQL, api_bench, other
     load (a compiler run by someone else shows here: then the machine was not quiet);
  2. for the control plane, each sample put in exactly one bucket by mechanism (SQLite prepare,
     SQLite execution, fsync, JSON, HTTP, locks, ...), and
  3. by storage operation (which StorageTransaction call, or JSON/HTTP outside of them), and
  4. by the library (or kernel) the sampled instruction itself was in, with malloc and locks apart;
  5. with PostgreSQL, its processes by statement phase (planning, parsing, execution, commit).
Each sample is counted once, so every table sums to 100 %.
"""
import argparse
import collections
import re
import subprocess
import sys

# Mechanism buckets: the first rule whose pattern matches any frame of the stack wins, so the
# order goes from the most specific to the most general.
MECHANISM_RULES = [
    ("fsync / fdatasync (WAL checkpoint, commit)", re.compile(r"^(do_fsync|__x64_sys_fdatasync|__x64_sys_fsync|fdatasync|fsync)$")),
    ("SQLite: prepare (parse + plan a statement)", re.compile(r"^(sqlite3_prepare|sqlite3LockAndPrepare|sqlite3Prepare)")),
    ("SQLite: finalize / reset statements", re.compile(r"^(sqlite3_finalize|sqlite3_reset|sqlite3VdbeDelete)")),
    ("SQLite: execute (step: b-trees, WAL, page cache)", re.compile(r"^(sqlite3_step|sqlite3_exec)$")),
    ("PostgreSQL client (libpq: send, wait, parse results)", re.compile(r"^(PQ|pq|pqsecure|PQexec|PQprepare|PQexecPrepared|PQexecParams)")),
    ("SOCI glue (binding, type conversion)", re.compile(r"^soci::")),
    ("JSON (nlohmann: build, dump, parse)", re.compile(r"(nlohmann::|region_to_json|json_body|JsonReader)")),
    # Poco::Net::TCPServer* are the roots of every worker thread's stack: not HTTP work as such.
    ("HTTP: Poco request/response, sockets, TCP", re.compile(r"(^Poco::Net::(?!TCPServer)|^tcp_|^__sys_sendto|^__sys_recvfrom|^sock_|^__x64_sys_(sendto|recvfrom|poll|epoll))")),
    ("locks: futex, mutex", re.compile(r"(futex|pthread_mutex|__lll_lock)")),
    ("memory: malloc/free", re.compile(r"^(malloc|free|cfree|_int_malloc|_int_free|realloc|operator new|operator delete)")),
    ("logging (spdlog)", re.compile(r"spdlog::")),
]

# PostgreSQL backend processes: which phase of a statement's life the sample was in.
POSTGRES_RULES = [
    ("planning: join order search (standard_join_search)", re.compile(r"^standard_join_search$")),
    ("planning: other (paths, indexes, costs)", re.compile(r"^(pg_plan_query|standard_planner|planner)$")),
    ("parse + analyze", re.compile(r"^(pg_parse_query|raw_parser|parse_analyze|pg_analyze_and_rewrite)")),
    ("execution (executor, b-trees, heap)", re.compile(r"^(standard_ExecutorRun|ExecutorRun|PortalRun|ExecInsert)")),
    ("commit / WAL", re.compile(r"^(CommitTransactionCommand|XLogInsert|XLogFlush)")),
    ("client protocol (socket reads/writes)", re.compile(r"^(pq_getbyte|pq_getbytes|secure_read|secure_write|pq_flush|socket_flush)")),
]

OPERATION_RULES = [
    # The event bus (issue 16), ahead of authentication, whose pattern also matches SHA-256.
    ("events: append_event (the outbox INSERT)", re.compile(r"SociTransaction::append_event")),
    ("audit chain: last_audit_hash (SELECT the newest row's hash)", re.compile(r"SociTransaction::last_audit_hash")),
    ("audit chain: append_chained_audit (INSERT with hashes)", re.compile(r"SociTransaction::append_chained_audit")),
    ("audit chain: audit_row_hash (SHA-256 of the row)", re.compile(r"audit_row_hash")),
    ("events: to_outbox_event (CloudEvent JSON, uuid)", re.compile(r"(to_outbox_event|new_uuid)")),
    ("events: outbox writer, signals, workers, stream", re.compile(r"(EventOutboxWriter|EventSignals|OutboxWatch|SubscriptionWorker|EventDispatcher|EventFeed|event_stream)")),
    # Every request with a bearer token is authenticated first, in a read transaction of its own.
    ("authentication (token lookup, its own read transaction)", re.compile(r"(Authenticator::operator|::authenticate\b|sha256)")),
    ("queue operations for simulators (sync)", re.compile(r"(queue_region_operation|SyncScheduler|notify_committed)")),
    ("begin transaction (BEGIN / BEGIN IMMEDIATE, grid lock)", re.compile(r"SociTransaction::SociTransaction")),
    ("commit", re.compile(r"SociTransaction::commit")),
    ("rollback / end of a read transaction", re.compile(r"SociTransaction::rollback")),
    ("find_regions_overlapping (grid rule)", re.compile(r"SociTransaction::find_regions_overlapping")),
    ("find_region_by_name (grid rule)", re.compile(r"SociTransaction::find_region_by_name")),
    ("find_region_by_host_port (grid rule)", re.compile(r"SociTransaction::find_region_by_host_port")),
    ("find_region (GET by id)", re.compile(r"SociTransaction::find_region\b(?!_)")),
    ("find_estate", re.compile(r"SociTransaction::find_estate")),
    ("insert_region (row + 6 supplements)", re.compile(r"SociTransaction::insert_region")),
    ("append_history", re.compile(r"SociTransaction::append_history")),
    ("append_audit", re.compile(r"SociTransaction::append_audit")),
    ("connection pool", re.compile(r"ConnectionPool::")),
    ("JSON outside storage calls", re.compile(r"(nlohmann::|region_to_json|json_body|JsonReader)")),
    ("HTTP (Poco, sockets, TCP) outside handlers", re.compile(r"(^Poco::Net::(?!TCPServer)|^tcp_|^__sys_sendto|^__sys_recvfrom|^__x64_sys_(sendto|recvfrom|poll|epoll))")),
]


def parse_samples(perf_data):
    """Yields (comm, pid, [symbols leaf first], leaf dso) for each sample."""
    proc = subprocess.Popen(
        ["perf", "script", "-i", perf_data, "-F", "comm,pid,ip,sym,dso", "--no-inline"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, errors="replace")
    head = None
    frames = []
    leaf_dso = None
    for line in proc.stdout:
        if not line.strip():
            if head:
                yield head[0], head[1], frames, leaf_dso
            head, frames, leaf_dso = None, [], None
            continue
        if not line[0].isspace():
            parts = line.split()
            # "comm pid" where comm may hold spaces: the pid is the last field
            head = (" ".join(parts[:-1]), int(parts[-1]) if parts[-1].isdigit() else -1)
            continue
        parts = line.strip().split(None, 1)
        if len(parts) == 2:
            if leaf_dso is None:
                dso = parts[1].rsplit(" (", 1)[-1].rstrip(")")
                leaf_dso = dso.rsplit("/", 1)[-1]
            sym = parts[1].rsplit(" (", 1)[0]
            sym = re.sub(r"\+0x[0-9a-f]+$", "", sym)
            frames.append(sym)
    if head:
        yield head[0], head[1], frames, leaf_dso
    proc.wait()


def classify(frames, rules, default):
    for name, pattern in rules:
        for frame in frames:
            if pattern.search(frame):
                return name
    return default


def table(title, counter, total, per_op_us=None):
    print(f"\n{title}")
    for name, n in counter.most_common():
        extra = f"  {n * per_op_us:7.1f} µs/op" if per_op_us else ""
        print(f"  {100.0 * n / total:5.1f} %{extra}  {name}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("perf_data")
    parser.add_argument("--server-pid", type=int, required=True, help="the control plane's pid (api_bench prints it)")
    parser.add_argument("--operations", type=int, default=0,
                        help="operations of the phase (api_bench's succeeded): adds CPU µs per operation "
                             "to the control plane's tables (one sample = 1/--frequency s)")
    parser.add_argument("--frequency", type=int, default=100, help="perf record's -F (api_bench: 100)")
    args = parser.parse_args()
    per_op = 1e6 / args.frequency / args.operations if args.operations else None

    by_process = collections.Counter()
    mechanism = collections.Counter()
    operation = collections.Counter()
    server_samples = 0
    total = 0
    leaf = collections.Counter()
    postgres = collections.Counter()
    postgres_samples = 0
    for comm, pid, frames, leaf_dso in parse_samples(args.perf_data):
        total += 1
        if pid == args.server_pid:
            by_process["control plane (vergegrid-control)"] += 1
            server_samples += 1
            mechanism[classify(frames, MECHANISM_RULES, "other (control code, libstdc++, kernel scheduling)")] += 1
            operation[classify(frames, OPERATION_RULES, "other")] += 1
            name = frames[0] if frames else ""
            if re.search(r"(futex|pthread_mutex|__lll_lock|pthread_cond)", name):
                leaf["mutex / futex (libc + kernel)"] += 1
            elif re.search(r"^(malloc|free|cfree|_int_malloc|_int_free|unlink_chunk|malloc_consolidate|realloc|_int_realloc)", name):
                leaf["malloc / free (libc)"] += 1
            else:
                leaf[leaf_dso or "unknown"] += 1
        elif comm.startswith("postgres"):
            by_process["PostgreSQL server processes"] += 1
            postgres_samples += 1
            postgres[classify(frames, POSTGRES_RULES, "other (idle loop, background workers, unattributed)")] += 1
        elif comm.startswith("api_bench"):
            by_process["api_bench (the load generator)"] += 1
        elif comm.startswith("swapper") or comm == "":
            by_process["idle"] += 1
        elif comm == "perf":
            by_process["perf itself"] += 1
        else:
            by_process[f"other load: {comm}"] += 1
    if total == 0:
        sys.exit("no samples in " + args.perf_data)
    # Fold the long tail of foreign processes into one line.
    folded = collections.Counter()
    for name, n in by_process.items():
        folded[name if not name.startswith("other load") or n * 100 >= total else "other load: (small)"] += n
    table(f"All samples ({total}) by process", folded, total)
    if server_samples:
        table(f"Control plane ({server_samples} samples) by mechanism", mechanism, server_samples, per_op)
        table(f"Control plane ({server_samples} samples) by storage operation", operation, server_samples, per_op)
        table(f"Control plane ({server_samples} samples) by where the sampled instruction was (self time)", leaf,
              server_samples)
    if postgres_samples:
        table(f"PostgreSQL processes ({postgres_samples} samples) by statement phase", postgres, postgres_samples)


if __name__ == "__main__":
    main()
