#!/usr/bin/env python3
"""Times the grid rules' overlap search on SQLite, the column range against the column list.

    bench/overlap-search.py 20000 100000

For each size N: an in-memory table with the regions columns and indexes the search uses, N
256 m regions in a square, 3,000 searches of one map cell (about one hit each). Prints each
form's time per search and plan, before and after ANALYZE, and whether both found the same
regions. The two forms are those of plugins/storage/sql_common/overlap_search.cpp (range: the
PostgreSQL and MariaDB form; listed: SQLite's, Dialect::seeks_map_columns), with the region
columns the search does not read left out.
"""
import random
import sqlite3
import sys
import time
import uuid

RANGE = ("SELECT r.name FROM regions r WHERE r.loc_x < :x1 AND r.loc_x > :x_from - "
         "(SELECT MAX(size_x) FROM regions) / 256")
LISTED = ("SELECT r.name FROM regions r WHERE r.loc_x IN (WITH RECURSIVE map_columns(x) AS "
          "(SELECT :x_from - (SELECT MAX(size_x) FROM regions) / 256 + 1 UNION ALL SELECT x + 1 "
          "FROM map_columns WHERE x + 1 < :x1) SELECT x FROM map_columns)")
REST = (" AND r.loc_x + r.size_x / 256 > :x0 AND r.loc_y < :y1 AND r.loc_y > :y_from - "
        "(SELECT MAX(size_y) FROM regions) / 256 AND r.loc_y + r.size_y / 256 > :y0 AND "
        "r.uuid <> :exclude ORDER BY r.name LIMIT 1")


def measure(count):
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE regions (uuid TEXT PRIMARY KEY, name TEXT, loc_x INT, loc_y INT, "
               "size_x INT, size_y INT, padding TEXT)")
    db.execute("CREATE INDEX regions_location ON regions (loc_x, loc_y)")
    db.execute("CREATE INDEX regions_size_x ON regions (size_x)")
    db.execute("CREATE INDEX regions_size_y ON regions (size_y)")
    side = int(count ** 0.5) + 1
    db.executemany("INSERT INTO regions VALUES (?, ?, ?, ?, 256, 256, ?)",
                   [(str(uuid.uuid4()), f"R{i:06d}", 1000 + i % side, 1000 + i // side, "x" * 300)
                    for i in range(count)])
    db.commit()
    random.seed(1)
    searches = []
    for _ in range(3000):
        x, y = 1000 + random.randrange(side), 1000 + random.randrange(side + 5)
        searches.append({"x0": x, "x_from": x, "x1": x + 1, "y0": y, "y_from": y, "y1": y + 1,
                         "exclude": "none"})
    for analyzed in (False, True):
        if analyzed:
            db.execute("ANALYZE")
        answers = {}
        for label, query in (("range", RANGE + REST), ("listed", LISTED + REST)):
            plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + query, searches[0])]
            for search in searches[:50]:
                db.execute(query, search).fetchall()
            started = time.perf_counter()
            answers[label] = [db.execute(query, search).fetchall() for search in searches]
            took = (time.perf_counter() - started) / len(searches) * 1e6
            index_step = next((step for step in plan if "regions_location" in step), plan)
            print(f"{count} regions, {'after ANALYZE' if analyzed else 'no statistics'}, {label}: "
                  f"{took:.1f} us a search; {index_step}")
        print(f"  same regions found: {answers['range'] == answers['listed']}")


for size in sys.argv[1:] or ["20000", "100000"]:
    measure(int(size))
