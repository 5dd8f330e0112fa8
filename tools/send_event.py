#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Sign and send an event (or a batch) to a construction_connector webhook.

Needs only `requests`; no Odoo. Examples:

  # the demo connector of `make run` (demo-only secret, see README)
  send_event.py --url http://localhost:8069 --demo
  send_event.py --url http://localhost:8069 --demo change_order.approved

  # any connector: a JSON file holding one event, or {"events": [...]}
  send_event.py --url https://odoo.example.com --token TOKEN --secret whsec_... \
      --scheme standard event.json
  send_event.py ... --batch events.json
"""

import argparse
import json
import sys
import time
import uuid
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "lib"))
from signatures import sign_headers

DEMO_TOKEN = "demo-field-platform"
DEMO_SECRET = "whsec_ZGVtby1vbmx5LWNvbnN0cnVjdGlvbi1zZWNyZXQ="  # published: demo only


# One sample per event type, on the demo data's codes (README, "Demo data").
DEMO_DATA = {
    "timesheet.approved": {
        "timesheet_id": "TS-1001",
        "revision": 1,
        "employee": "EMP-101",
        "project": "PRJ-TOWER",
        "phase": "TOWER-FND",
        "cost_code": "03 11 00",
        "date": "{date}",
        "hours": 7.5,
        "notes": "Formwork, grid A-C",
    },
    "equipment.usage": {
        "usage_id": "EQ-USE-1",
        "revision": 1,
        "equipment": "EQ-EXC-01",
        "project": "PRJ-BRIDGE",
        "phase": "BRIDGE-EXC",
        "cost_code": "31 23 00",
        "date": "{date}",
        "hours": 6,
        "status": "approved",
    },
    "material.usage": {
        "usage_id": "MAT-USE-1",
        "revision": 1,
        "product": "MAT-CONC-30",
        "project": "PRJ-TOWER",
        "phase": "TOWER-FND",
        "cost_code": "03 30 00",
        "date": "{date}",
        "quantity": 12.5,
        "uom": "m3",
        "status": "approved",
    },
    "work_order.completed": {
        "work_order_id": "WO-1",
        "revision": 1,
        "project": "PRJ-TOWER",
        "phase": "TOWER-FND",
        "completed_at": "{date}T15:30:00Z",
    },
    "change_order.approved": {
        "change_order_id": "CO-1",
        "revision": 1,
        "project": "PRJ-TOWER",
        "vendor": "SUB-STEEL",
        "cost_code": "05 12 00",
        "amount": "48000.00",
        "description": "Level 3 steel framing",
    },
    "subcontract.progress": {
        "progress_id": "PC-1",
        "revision": 1,
        "project": "PRJ-TOWER",
        "vendor": "SUB-STEEL",
        "cost_code": "05 12 00",
        "period_end": "{date}",
        "percent_complete": 25,
        "status": "approved",
    },
}


def demo_event(event_type="timesheet.approved", on_date=None):
    """A sample event of ``event_type`` for the demo data, dated ``on_date`` (today)."""
    on_date = on_date or time.strftime("%Y-%m-%d")
    data = {
        field: value.replace("{date}", on_date) if isinstance(value, str) else value
        for field, value in DEMO_DATA[event_type].items()
    }
    return {
        "id": f"evt_demo_{uuid.uuid4().hex[:12]}",
        "type": event_type,
        "version": "1",
        "occurred_at": f"{on_date}T07:00:00Z",
        "data": data,
    }


def send(url, token, secret, scheme, body, *, batch=False, event_id=None, timestamp=None, timeout=30, session=None):
    """POST ``body`` (bytes) signed with ``secret``; return the response."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    event_id = event_id or f"msg_{uuid.uuid4().hex}"
    headers = {"Content-Type": "application/json", **sign_headers(scheme, secret, body, event_id, timestamp)}
    endpoint = f"{url.rstrip('/')}/construction/webhook/{token}" + ("/batch" if batch else "")
    return (session or requests).post(endpoint, data=body, headers=headers, timeout=timeout)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", nargs="?", help="JSON file with the event (or batch); '-' for stdin")
    parser.add_argument("--url", default="http://localhost:8069", help="Odoo base URL")
    parser.add_argument("--token", help="the connector's route token")
    parser.add_argument("--secret", help="a secret of the connector")
    parser.add_argument("--scheme", default="standard", choices=["standard", "stripe", "github", "bearer"])
    parser.add_argument("--batch", action="store_true", help="send to the batch endpoint")
    parser.add_argument(
        "--demo",
        nargs="?",
        const="timesheet.approved",
        choices=sorted(DEMO_DATA),
        help="send a sample event of this type (default: an approved timesheet) to the demo connector",
    )
    args = parser.parse_args(argv)

    if args.demo:
        token, secret, scheme, event = DEMO_TOKEN, DEMO_SECRET, "standard", demo_event(args.demo)
    elif args.file and args.token and args.secret:
        token, secret, scheme = args.token, args.secret, args.scheme
        source = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8")
        with source:
            event = json.load(source)
    else:
        parser.error("give --demo, or a file with --token and --secret")
    body = json.dumps(event).encode()
    # With Standard Webhooks the webhook-id is the event id (a batch gets its own).
    event_id = event.get("id") if not args.batch else None
    response = send(args.url, token, secret, scheme, body, batch=args.batch, event_id=event_id)
    print(response.status_code, response.text)
    return 0 if response.ok else 1


if __name__ == "__main__":
    sys.exit(main())
