#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Intake benchmark: Odoo's no-op request rate against our signed intake rate.

Runs against a live server (`make bench` starts one with --workers=2). Both
loads come from the same number of concurrent senders, so the ratio says
what verifying, storing and committing an event costs over Odoo's own
cheapest request. Needs only `requests`; sets up its own connector over
XML-RPC as the admin user.
"""

import argparse
import json
import statistics
import sys
import threading
import time
import uuid
import xmlrpc.client
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "lib"))
from signatures import sign_headers


def make_event(index):
    return {
        "id": f"evt_bench_{uuid.uuid4().hex}",
        "type": "timesheet.approved",
        "version": "1",
        "occurred_at": "2026-12-01T07:00:00Z",
        "data": {
            "timesheet_id": f"TS-B-{index}",
            "revision": 1,
            "employee": "EMP-101",
            "project": "PRJ-TOWER",
            "phase": "TOWER-FND",
            "cost_code": "03 11 00",
            "date": "2026-12-01",
            "hours": 8,
        },
    }


def signed_request(connector, event):
    body = json.dumps(event).encode()
    headers = sign_headers("standard", connector["secret"], body, event["id"], int(time.time()))
    return body, {"Content-Type": "application/json", **headers}


def run_load(name, request_once, senders, seconds):
    """Call request_once from ``senders`` threads for ``seconds``; return stats."""
    latencies, errors = [], []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def sender(worker):
        session = requests.Session()
        count = 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            status = request_once(session, f"{worker}-{count}")
            elapsed = time.perf_counter() - started
            count += 1
            with lock:
                (latencies if status < 300 else errors).append(elapsed if status < 300 else status)

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(senders)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.monotonic() - began
    latencies.sort()
    return {
        "name": name,
        "requests": len(latencies),
        "errors": len(errors),
        "rate": len(latencies) / duration,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))] if latencies else None,
    }


def setup_connector(url, db, login, password):
    """A connector with a fresh secret, made over XML-RPC. Its rate limit is
    set far above what this machine can send, so that the shared counter is
    exercised on every request without ever refusing one."""
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    uid = common.authenticate(db, login, password, {})
    if not uid:
        sys.exit(f"cannot log in to {db} as {login}")
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)
    connector_id = models.execute_kw(
        db,
        uid,
        password,
        "construction.connector",
        "create",
        [{"name": "Benchmark", "rate_limit_per_minute": 10_000_000}],
    )
    secret = models.execute_kw(db, uid, password, "construction.connector", "action_set_secret", [[connector_id]])
    (token,) = models.execute_kw(db, uid, password, "construction.connector", "read", [[connector_id], ["route_token"]])
    return {"uid": uid, "models": models, "connector_id": connector_id, "token": token["route_token"], "secret": secret}


def bench_intake(args, connector):
    def noop(session, _key):
        body = {"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1}
        return session.post(f"{args.url}/web/webclient/version_info", json=body, timeout=30).status_code

    # Events are signed before the clock starts, so that both loads cost the
    # sending side the same: the figures are the server's, not the client's.
    # (If the server outruns the stock, the rest are signed on the fly.)
    url = f"{args.url}/construction/webhook/{connector['token']}"
    stock = int(args.senders * args.seconds * 80)
    signed = iter([signed_request(connector, make_event(n)) for n in range(stock)])

    def intake(session, key):
        body, headers = next(signed, None) or signed_request(connector, make_event(key))
        return session.post(url, data=body, headers=headers, timeout=30).status_code

    run_load("warm-up", noop, args.senders, 2)
    run_load("warm-up", intake, args.senders, 2)
    floor = run_load("odoo no-op (version_info)", noop, args.senders, args.seconds)
    ours = run_load("signed single-event intake", intake, args.senders, args.seconds)
    for result in (floor, ours):
        print(
            f"{result['name']:<30} {result['rate']:8.1f} req/s   p50 {result['p50_ms']:6.1f} ms   "
            f"p99 {result['p99_ms']:6.1f} ms   ({result['requests']} ok, {result['errors']} errors)"
        )
    ratio = ours["rate"] / floor["rate"]
    print(f"intake / no-op ratio: {ratio:.2f}   (target >= 0.80; p99 target < 150 ms)")
    return {"noop": floor, "intake": ours, "ratio": ratio}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="cc_bench")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args(argv)
    connector = setup_connector(args.url, args.db, args.login, args.password)
    print(f"server {args.url}, database {args.db}, {args.senders} concurrent senders, {args.seconds:g} s per load")
    bench_intake(args, connector)
    return 0


if __name__ == "__main__":
    sys.exit(main())
