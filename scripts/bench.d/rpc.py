#!/usr/bin/env python3
"""Per-call latency of the sidecar's Odoo client next to Python's xmlrpc.client, interleaved.

The Java client runs as `sidecar bench rpc --worker`; this script alternates blocks of calls
between it and Python's standard xmlrpc.client, in a random order each round, so that both see
the same server load over the same time window. Reads ODOO_URL, ODOO_DB, ODOO_USER,
ODOO_PASSWORD (and ODOO_API_KEY for JSON-2).

usage: rpc.py SIDECAR_COMMAND ROUNDS BLOCK TRANSPORTS [WARMUP]
"""
import math
import os
import random
import shlex
import subprocess
import sys
import time
import xmlrpc.client

FIELDS = ["name", "partner_id", "stage_id", "user_id", "expected_revenue", "probability",
          "priority", "tag_ids", "date_deadline", "email_from"]
CALLS = [("read", "read 1 crm.lead"), ("search_read", "search_read 200 crm.lead")]


def percentile(values, p):
    values = sorted(values)
    index = math.ceil(p / 100 * len(values)) - 1
    return values[max(0, min(len(values) - 1, index))]


def row(call, client, values):
    return "%-26s %-22s %6d %8.2f %8.2f %8.2f %8.2f" % (
        call, client, len(values), sum(values) / len(values),
        percentile(values, 50), percentile(values, 90), percentile(values, 99))


def main():
    command, rounds, block, transports = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split(",")
    warmup = int(sys.argv[5]) if len(sys.argv) > 5 else 200
    url, db = os.environ["ODOO_URL"].rstrip("/"), os.environ["ODOO_DB"]
    user = os.environ["ODOO_USER"]
    password = os.environ.get("ODOO_PASSWORD") or os.environ["ODOO_API_KEY"]
    common = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common")
    uid = common.authenticate(db, user, password, {})
    models = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object")
    ids = models.execute_kw(db, uid, password, "crm.lead", "search", [[]], {"limit": 200, "order": "id"})
    python_calls = {
        "read": lambda: models.execute_kw(db, uid, password, "crm.lead", "read", [ids[:1], FIELDS]),
        "search_read": lambda: models.execute_kw(db, uid, password, "crm.lead", "search_read",
                                                 [[["id", "in", ids]]], {"fields": FIELDS, "limit": 200}),
    }
    worker = subprocess.Popen(shlex.split(command) + ["bench", "rpc", "--worker"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)

    def java_block(transport, kind, n):
        worker.stdin.write("%s %s %d\n" % (transport, kind, n))
        worker.stdin.flush()
        return [float(x) for x in worker.stdout.readline().split()]

    def python_block(kind, n):
        out = []
        for _ in range(n):
            start = time.perf_counter_ns()
            python_calls[kind]()
            out.append((time.perf_counter_ns() - start) / 1e6)
        return out

    clients = ["python xmlrpc.client"] + ["java " + t for t in transports]
    samples = {(c, k): [] for c in clients for k, _ in CALLS}
    # Warm-up, not counted: every client makes WARMUP calls of each kind first, so that the JVM's
    # compiler has finished with the call path (a daemon runs warm) and Odoo's caches are filled.
    for kind, _ in CALLS:
        for client in clients:
            if client.startswith("python"):
                python_block(kind, warmup)
            else:
                java_block(client.split()[1], kind, warmup)
    for _ in range(rounds):
        for kind, _ in CALLS:
            order = clients[:]
            random.shuffle(order)
            for client in order:
                values = (python_block(kind, block) if client.startswith("python")
                          else java_block(client.split()[1], kind, block))
                samples[(client, kind)].extend(values)
    worker.stdin.close()
    worker.wait()
    print("%-26s %-22s %6s %8s %8s %8s %8s" % ("call", "client", "n", "mean_ms", "p50_ms", "p90_ms", "p99_ms"))
    for kind, title in CALLS:
        base = percentile(samples[("python xmlrpc.client", kind)], 50)
        for client in clients:
            values = samples[(client, kind)]
            ratio = percentile(values, 50) / base
            print(row(title, client, values) + "   p50 vs python: %.2fx" % ratio)


if __name__ == "__main__":
    main()
