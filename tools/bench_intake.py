#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Benchmark of intake and queue, against a live server (`make bench`
starts one with --workers=2 and a cron worker).

1. Intake: Odoo's no-op request rate against our signed single-event
   intake rate, from the same number of concurrent senders; the ratio says
   what verifying, storing and committing an event costs over Odoo's own
   cheapest request. The loads take turns in short rounds, so that a
   machine whose speed drifts (a shared VM) slows them alike.
2. Queue: N approved timesheet events through the batch endpoint, timed
   from the first request to the last job done, against the usual
   alternative: one XML-RPC create of a timesheet line per event. Queue
   and alternative take turns in rounds too; the medians are the figures.

Needs only `requests`; sets things up over XML-RPC as the admin user, and
uses the demo connector's published secret for the queue (its mappings).
"""

import argparse
import json
import os
import statistics
import sys
import threading
import time
import uuid
import xmlrpc.client
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from send_event import DEMO_SECRET, DEMO_TOKEN, demo_event, sign_headers


def make_event(index):
    """The demo's approved timesheet, as its own field record."""
    event = demo_event()
    event["id"] = f"evt_bench_{uuid.uuid4().hex}"
    event["data"].update(timesheet_id=f"TS-B-{index}", date="2026-12-01", hours=8)
    return event


def signed_request(connector, event):
    body = json.dumps(event).encode()
    headers = sign_headers("standard", connector["secret"], body, event["id"], int(time.time()))
    return body, {"Content-Type": "application/json", **headers}


def run_load(name, request_once, senders, seconds):
    """Call request_once from ``senders`` threads for ``seconds``; return
    the acknowledgement times (s) of the successes and the error count."""
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
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, len(errors)


def run_rounds(loads, senders, seconds, rounds):
    """Run the loads in turn, ``rounds`` times, ``seconds`` in all each."""
    measured = {name: ([], 0, 0.0) for name, _load in loads}
    for _round in range(rounds):
        for name, load in loads:
            began = time.monotonic()
            latencies, errors = run_load(name, load, senders, seconds / rounds)
            kept, failed, duration = measured[name]
            measured[name] = (kept + latencies, failed + errors, duration + time.monotonic() - began)
    results = []
    for name, (latencies, errors, duration) in measured.items():
        latencies.sort()
        results.append(
            {
                "name": name,
                "requests": len(latencies),
                "errors": errors,
                "rate": len(latencies) / duration,
                "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
                "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))] if latencies else None,
            }
        )
    return results


def setup_connector(url, db, login, password):
    """A connector with a fresh secret, made over XML-RPC. Its rate limit is
    set far above what this machine can send, so that the shared count is
    kept without ever refusing a request. It has no mappings: processed,
    its jobs wait for them, and leave the queue empty for the queue part."""
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

    def call(model, method, *params, **kw):
        return models.execute_kw(db, uid, password, model, method, list(params), kw)

    return {
        "uid": uid,
        "models": models,
        "call": call,
        "connector_id": connector_id,
        "token": token["route_token"],
        "secret": secret,
    }


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

    # Odoo's cheapest durable write (tools/bench_floor, installed by make
    # bench): the same bytes stored in one INSERT, committed, no checks.
    floor_url = f"{args.url}/construction_bench_floor/store"
    floor_body = signed_request(connector, make_event("floor"))[0]

    def bare_write(session, _key):
        return session.post(
            floor_url, data=floor_body, headers={"Content-Type": "application/json"}, timeout=30
        ).status_code

    has_floor = requests.post(floor_url, data=b"{}", timeout=30).status_code == 202
    loads = [("odoo no-op (version_info)", noop)]
    if has_floor:
        loads.append(("odoo bare insert + commit", bare_write))
    loads.append(("signed single-event intake", intake))
    with processing_paused(connector):
        for name, load in loads:
            run_load(name, load, args.senders, 2)  # warm-up
        results = run_rounds(loads, args.senders, args.seconds, args.rounds)
    for result in results:
        print(
            f"{result['name']:<30} {result['rate']:8.1f} req/s   p50 {result['p50_ms']:6.1f} ms   "
            f"p99 {result['p99_ms']:6.1f} ms   ({result['requests']} ok, {result['errors']} errors)"
        )
    floor, ours = results[0], results[-1]
    ratio = ours["rate"] / floor["rate"]
    print(f"intake / no-op ratio: {ratio:.2f}   (target >= 0.80; p99 target < 150 ms)")
    if has_floor:
        bare = results[1]["rate"]
        print(
            f"bare insert + commit / no-op: {bare / floor['rate']:.2f}; "
            f"intake / bare insert + commit: {ours['rate'] / bare:.2f}"
        )
    return {"noop": floor, "intake": ours, "ratio": ratio}


class processing_paused:
    """The processing cron archived while the intake is measured, so that
    the figure is the intake's own and not shared with the queue on a
    2-core machine; the jobs are processed afterwards. (Odoo skips the
    triggers of an archived cron: the intake's wake-ups, at most 10 a
    second per worker process, cost a little less meanwhile.)"""

    def __init__(self, connector):
        self.call = connector["call"]
        (record,) = self.call(
            "ir.model.data",
            "search_read",
            [("module", "=", "construction_connector"), ("name", "=", "ir_cron_process_inbound_jobs")],
            ["res_id"],
        )
        self.cron = record["res_id"]

    def __enter__(self):
        self._when_idle("write", {"active": False})

    def __exit__(self, *_exc):
        self._when_idle("write", {"active": True})
        self._when_idle("method_direct_trigger")  # one batch now, and it triggers the rest

    def _when_idle(self, method, *params):
        """Odoo refuses to touch a cron while it runs: wait for the run to end."""
        for _attempt in range(120):
            try:
                return self.call("ir.cron", method, [self.cron], *params)
            except xmlrpc.client.Fault as fault:
                if "currently being executed" not in fault.faultString:
                    raise
                time.sleep(1)
        raise RuntimeError("the processing cron stayed busy for two minutes")


def odoo_processes():
    """{pid: (resident MiB, CPU seconds so far)} of each Odoo process here."""
    found = {}
    tick = os.sysconf("SC_CLK_TCK")
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and b"odoo-bin" in (proc / "cmdline").read_bytes():
                pages = int((proc / "statm").read_text().split()[1])
                stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                found[int(proc.name)] = (pages * 4096 / 2**20, (int(stat[11]) + int(stat[12])) / tick)
        except OSError:
            continue
    return found


def bench_baselines(args, call, run):
    """(lines/s of one XML-RPC create per line, lines/s of one batch create)."""
    # The usual alternative: one XML-RPC create per timesheet line.
    project = call("project.project", "search", [("name", "=", "Riverside Tower")], limit=1)[0]
    employee = call("hr.employee", "search", [("name", "=", "Maria Alvarez")], limit=1)[0]
    began = time.monotonic()
    for n in range(args.rpc_creates):
        call(
            "account.analytic.line",
            "create",
            {
                "project_id": project,
                "employee_id": employee,
                "unit_amount": 1,
                "date": "2026-12-01",
                "name": f"rpc {run} {n}",
            },
        )
    rpc_rate = args.rpc_creates / (time.monotonic() - began)
    # The framework's own floor: the same lines, all in one batch create.
    line = {"project_id": project, "employee_id": employee, "unit_amount": 1, "date": "2026-12-01"}
    began = time.monotonic()
    call("account.analytic.line", "create", [{**line, "name": f"orm {run} {n}"} for n in range(args.orm_creates)])
    orm_rate = args.orm_creates / (time.monotonic() - began)
    return rpc_rate, orm_rate


def wait_for_empty_queue(args, call):
    """The intake load (and an earlier round) queued jobs of their own."""
    ready = [("state", "in", ["received", "retrying"])]
    deadline = time.monotonic() + args.queue_timeout
    while (backlog := call("construction.inbound.job", "search_count", ready)) and time.monotonic() < deadline:
        print(f"waiting for {backlog} jobs queued before this measurement")
        time.sleep(5)


def queue_once(args, call, demo_id, rss_peak):
    """Queue args.events timesheets through the batch endpoint and wait for
    them all to be done: (events done, seconds, seconds the intake took,
    [(state, count)]). Notes each Odoo process's peak RSS in ``rss_peak``."""
    run = uuid.uuid4().hex[:8]
    events = [make_event(f"{run}-{n}") for n in range(args.events)]
    batches = [events[i : i + 500] for i in range(0, len(events), 500)]
    # Count by id, not by a 10,000-element list of event ids: polling must
    # not cost the server the CPU the queue is measured on.
    last_before = call("construction.inbound.job", "search", [], limit=1, order="id desc")
    session = requests.Session()
    url = f"{args.url}/construction/webhook/{DEMO_TOKEN}/batch"
    started = time.monotonic()
    for batch in batches:
        body = json.dumps({"events": batch}).encode()
        headers = sign_headers("standard", DEMO_SECRET, body, f"msg_{uuid.uuid4().hex}", int(time.time()))
        response = session.post(url, data=body, headers={"Content-Type": "application/json", **headers}, timeout=120)
        response.raise_for_status()
    accepted = time.monotonic() - started
    domain = [("connector_id", "=", demo_id), ("id", ">", last_before[0] if last_before else 0)]
    while True:
        done = call("construction.inbound.job", "search_count", [*domain, ("state", "=", "done")])
        for pid, (rss, _cpu) in odoo_processes().items():
            rss_peak[pid] = max(rss, rss_peak.get(pid, 0))
        if done == len(events) or time.monotonic() - started > args.queue_timeout:
            break
        time.sleep(0.25)
    elapsed = time.monotonic() - started
    states = call("construction.inbound.job", "read_group", domain, ["state"], ["state"], lazy=False)
    return done, elapsed, accepted, [(group["state"], group["__count"]) for group in states]


def bench_queue(args, connector):
    """Rounds of: the queue, then the alternatives it is compared with, so
    that each ratio compares figures taken a minute apart at most."""
    call = connector["call"]
    (demo_id,) = call("construction.connector", "search", [("route_token", "=", DEMO_TOKEN)])
    wait_for_empty_queue(args, call)
    before = odoo_processes()
    rss_peak = {pid: rss for pid, (rss, _cpu) in before.items()}
    rates, ratios, floor_ratios, queue_cpu = [], [], [], {}
    for round_number in range(1, args.queue_rounds + 1):
        cpu_before = odoo_processes()
        done, elapsed, accepted, states = queue_once(args, call, demo_id, rss_peak)
        for pid, (_rss, cpu) in odoo_processes().items():
            queue_cpu[pid] = queue_cpu.get(pid, 0.0) + cpu - cpu_before.get(pid, (0, cpu))[1]
        rpc_rate, orm_rate = bench_baselines(args, call, f"r{round_number}")
        rate = done / elapsed
        rates.append(rate)
        ratios.append(rate / rpc_rate)
        floor_ratios.append(rate / orm_rate)
        print(
            f"round {round_number}: queue {done}/{args.events} done in {elapsed:.1f} s = {rate:.1f} events/s "
            f"(intake of the batches {accepted:.1f} s; states {states}); one XML-RPC create per line "
            f"{rpc_rate:.1f}/s ({args.rpc_creates} sequential calls) -> {rate / rpc_rate:.1f}x; "
            f"one batch create of {args.orm_creates} lines {orm_rate:.1f}/s -> {rate / orm_rate:.2f}"
        )
    print(
        f"queue, median of {args.queue_rounds} rounds: {statistics.median(rates):.1f} events/s, "
        f"{statistics.median(ratios):.1f}x one XML-RPC create per line   (target >= 400 events/s and >= 17x); "
        f"{statistics.median(floor_ratios):.2f} of the ORM's batch create"
    )
    events = args.events * args.queue_rounds
    for pid in sorted(rss_peak):
        cpu = queue_cpu.get(pid, 0.0)
        print(
            f"odoo pid {pid}: RSS {before.get(pid, (0,))[0]:.0f} MiB before, {rss_peak[pid]:.0f} MiB peak "
            f"over {events} events; CPU while the queue ran {cpu:.1f} s ({1000 * cpu / events:.2f} ms per event)"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="cc_bench")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15, help="per intake load, in all")
    parser.add_argument("--rounds", type=int, default=5, help="the intake loads take turns this many times")
    parser.add_argument("--events", type=int, default=10_000, help="events queued through the batch endpoint")
    parser.add_argument("--queue-rounds", type=int, default=3, help="queue and alternatives take turns")
    parser.add_argument("--queue-timeout", type=float, default=900)
    parser.add_argument("--rpc-creates", type=int, default=300)
    parser.add_argument("--orm-creates", type=int, default=1000)
    parser.add_argument("--skip-intake", action="store_true")
    parser.add_argument("--skip-queue", action="store_true")
    args = parser.parse_args(argv)
    connector = setup_connector(args.url, args.db, args.login, args.password)
    print(f"server {args.url}, database {args.db}, {args.senders} concurrent senders, {args.seconds:g} s per load")
    if not args.skip_intake:
        bench_intake(args, connector)
    if not args.skip_queue:
        bench_queue(args, connector)
    return 0


if __name__ == "__main__":
    sys.exit(main())
