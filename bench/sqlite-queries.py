#!/usr/bin/env python3
"""Times the region queries of a create and a read on a database the API benchmark filled.

    build-bench/bench/api_bench --backend sqlite --keep-data ...    # prints the data dir
    bench/sqlite-queries.py /tmp/vg-api-bench-data-XXXXXX/vergegrid.db
    bench/sqlite-queries.py --create-floor 10000                     # storage floor of a create

For each query: its plan (EXPLAIN QUERY PLAN) and its time, prepared for every call (as SOCI's
one-time statements are today) and from a statement cache. The queries are the ones in
plugins/storage/sql_common (read from region_row.cpp and soci_transaction_regions.cpp at the
time of writing), next to the variants docs/benchmarks.md suggests. The database is only read.

--create-floor N creates N regions in a fresh database with the same schema (sql/sqlite) and the
statements a create needs, cached, with the grid checks as light index-bounded queries: what a
create could cost in SQLite once the suggested fixes are in. Python drives it: a few us per
statement of the figure are Python's.
"""
import argparse
import json
import os
import random
import re
import sqlite3
import tempfile
import time
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def region_select():
    """kRegionSelect from plugins/storage/sql_common/region_row.cpp (one table since schema 9)."""
    text = open(os.path.join(REPO, "plugins/storage/sql_common/region_row.cpp")).read()
    body = text[text.index("kRegionSelect ="):]
    body = body[:body.index(";")]
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', body))


def timed(conn, sql, params_list):
    start = time.perf_counter()
    found = 0
    for params in params_list:
        found += len(conn.execute(sql, params).fetchall())
    return (time.perf_counter() - start) / len(params_list) * 1e6, found


def query_report(db):
    select = region_select()
    probe = sqlite3.connect(db)
    rows = probe.execute("SELECT uuid, loc_x, loc_y, host, port, name FROM regions").fetchall()
    max_x, max_y = probe.execute("SELECT COALESCE(MAX(size_x), 256) / 256, COALESCE(MAX(size_y), 256) / 256 "
                                 "FROM regions").fetchone()
    print(f"{db}: {len(rows)} regions, largest region {max_x}x{max_y} units")
    random.seed(1)
    sample = random.sample(rows, min(500, len(rows)))

    overlap_where = (" WHERE r.loc_x < ? AND r.loc_x + r.size_x / 256 > ? AND r.loc_y < ? AND "
                     "r.loc_y + r.size_y / 256 > ? AND r.uuid <> ?")
    bounded_where = (" WHERE r.loc_x > ? AND r.loc_x < ? AND r.loc_y > ? AND r.loc_y < ? AND "
                     "r.loc_x + r.size_x / 256 > ? AND r.loc_y + r.size_y / 256 > ? AND r.uuid <> ?")
    # Each probe asks about the square a region already occupies (1 match expected each time).
    current = lambda r: (r[1] + 1, r[1], r[2] + 1, r[2], "x")
    bounded = lambda r, bx=max_x, by=max_y: (r[1] - bx, r[1] + 1, r[2] - by, r[2] + 1, r[1], r[2], "x")
    bounded32 = lambda r: bounded(r, 32, 32)
    queries = [
        ("find_regions_overlapping as today (ORDER BY name)",
         select + overlap_where + " ORDER BY r.name", current),
        ("overlap bounded by the largest size allowed (32 units), name only, LIMIT 1",
         "SELECT r.name FROM regions r" + bounded_where + " LIMIT 1", bounded32),
        ("overlap bounded by the largest size present, name only, LIMIT 1",
         "SELECT r.name FROM regions r" + bounded_where + " LIMIT 1", bounded),
        ("largest size present (needs indexes on size_x, size_y to be cheap)",
         "SELECT (SELECT MAX(size_x) FROM regions), (SELECT MAX(size_y) FROM regions)", lambda r: ()),
        ("find_region_by_name as today", select + " WHERE r.name = ?", lambda r: (r[5],)),
        ("name taken? (SELECT 1 ... WHERE name = ?)", "SELECT 1 FROM regions WHERE name = ?", lambda r: (r[5],)),
        ("find_region_by_host_port as today",
         select + " WHERE r.host = ? AND r.port = ? AND r.uuid <> ?", lambda r: (r[3], r[4], "x")),
        ("port taken? (SELECT name ... WHERE host = ? AND port = ?)",
         "SELECT name FROM regions WHERE host = ? AND port = ? AND uuid <> ?", lambda r: (r[3], r[4], "x")),
        ("find_region (GET /regions/{id}) as today", select + " WHERE r.uuid = ?", lambda r: (r[0],)),
    ]
    for label, sql, params in queries:
        plan = probe.execute("EXPLAIN QUERY PLAN " + sql, params(sample[0])).fetchall()
        results = []
        for cached in (False, True):
            conn = sqlite3.connect(db, cached_statements=100 if cached else 0)
            timed(conn, sql, [params(r) for r in sample[:20]])  # warm the page cache
            results.append(timed(conn, sql, [params(r) for r in sample]))
        print(f"\n{label}\n  prepared each call {results[0][0]:8.1f} us   cached {results[1][0]:8.1f} us   "
              f"rows/query {results[1][1] / len(sample):.1f}")
        for step in plan:
            print("    plan:", step[3])


def create_floor(count):
    folder_sql = os.path.join(REPO, "sql/sqlite")
    migrations = [open(os.path.join(folder_sql, f)).read() for f in sorted(os.listdir(folder_sql))]
    folder = tempfile.mkdtemp(prefix="vg-create-floor-")
    path = os.path.join(folder, "floor.db")
    c = sqlite3.connect(path, isolation_level=None, cached_statements=200)
    c.execute("PRAGMA journal_mode = WAL")
    c.execute("PRAGMA synchronous = NORMAL")
    c.execute("PRAGMA foreign_keys = ON")
    for migration in migrations:
        c.executescript(migration)
        if "writable_schema" in migration:  # as the runner does: reload the edited schema
            version = c.execute("PRAGMA schema_version").fetchone()[0]
            c.execute("PRAGMA schema_version = %d" % (version + 1))
    estate = str(uuid.uuid4())
    c.execute("INSERT INTO estates VALUES (?, 'e', 'o', 't', 't')", (estate,))
    spec = json.dumps({"k%02d" % i: "v" * 20 for i in range(30)})  # about a region's JSON size
    side = int(count ** 0.5) + 1
    start = time.perf_counter()
    marks = []
    for i in range(count):
        u, x, y = str(uuid.uuid4()), 1000 + i % side, 1000 + i // side
        name, host, port = "r%07d" % i, "h%05d" % (i // 100), 9000 + i % 100
        c.execute("BEGIN IMMEDIATE")
        c.execute("SELECT id FROM estates WHERE id = ?", (estate,)).fetchone()
        c.execute("SELECT 1 FROM regions WHERE name = ?", (name,)).fetchone()
        mx, my = c.execute("SELECT (SELECT MAX(size_x) FROM regions), (SELECT MAX(size_y) FROM regions)").fetchone()
        mx, my = (mx or 256) // 256, (my or 256) // 256
        c.execute("SELECT r.name FROM regions r WHERE r.loc_x > ? AND r.loc_x < ? AND r.loc_y > ? AND r.loc_y < ? "
                  "AND r.loc_x + r.size_x / 256 > ? AND r.loc_y + r.size_y / 256 > ? AND r.uuid <> ? LIMIT 1",
                  (x - mx, x + 1, y - my, y + 1, x, y, u)).fetchone()
        c.execute("SELECT name FROM regions WHERE host = ? AND port = ? AND uuid <> ?", (host, port, u)).fetchone()
        c.execute("INSERT INTO regions (uuid, name, estate_id, template_id, loc_x, loc_y, size_x, size_y, port, host, "
                  "physics_type, terrain_preset, draw_distance_cap, version_major, version_minor, version_patch, "
                  "region_state_mode, water_height, sun_fixed, sun_position, environment_preset, raise_limit, "
                  "lower_limit, public_access, allow_damage, allow_terraform, enabled, allow_voice, allow_flying, "
                  "allow_scripts, max_prims, max_agents, placement_simulator_id, required_labels, preferred_labels, "
                  "anti_affinity, template_version_major, template_version_minor, template_version_patch, "
                  "parcel_layout) VALUES (?, ?, ?, NULL, ?, ?, 256, 256, ?, ?, 'BulletSim', 'flat', 0, 1, 0, 0, "
                  "'hybrid', 20.0, 0, 6.0, '', 100.0, -100.0, 1, 0, 0, 1, 1, 1, 1, 15000, 40, '', '[]', '[]', '[]', "
                  "NULL, NULL, NULL, '')", (u, name, estate, x, y, port, host))
        c.execute("INSERT INTO region_history VALUES (?, 1, 0, 0, 'create', ?, '', 'req', '2026-01-01T00:00:00Z')",
                  (u, spec))
        c.execute("INSERT INTO audit_log (at, actor, action, entity_type, entity_id, request_id, before_doc, "
                  "after_doc) VALUES ('2026-01-01T00:00:00Z', '', 'region.create', 'region', ?, 'req', '', ?)",
                  (u, spec))
        c.execute("COMMIT")
        if (i + 1) % max(1, count // 10) == 0:
            marks.append(time.perf_counter())
    elapsed = time.perf_counter() - start
    c.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    os.rmdir(folder)
    tenths = " ".join("%.0f" % ((b - a) / (count / 10) * 1e6) for a, b in zip([start] + marks[:-1], marks))
    print(f"{count} creates in {elapsed:.2f} s: {count / elapsed:.0f}/s, {elapsed / count * 1e6:.0f} us each "
          f"(one thread); us per create by tenth: {tenths}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", nargs="?", help="a vergegrid.db filled by api_bench --keep-data")
    parser.add_argument("--create-floor", type=int, metavar="N", help="time N creates in a fresh database")
    args = parser.parse_args()
    if args.db:
        query_report(args.db)
    if args.create_floor:
        create_floor(args.create_floor)
    if not args.db and not args.create_floor:
        parser.error("give a database, --create-floor N, or both")


if __name__ == "__main__":
    main()
