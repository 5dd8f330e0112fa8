# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import json
import time
import uuid
from contextlib import contextmanager

from odoo import SUPERUSER_ID, api
from odoo.tests import HttpCase

from odoo.addons.construction_connector.lib.signatures import sign_headers

OUR_MODELS = (
    "construction.connector",
    "construction.inbound.job",
    "construction.cost.code",
    "construction.mapping",
    "construction.connector.secret",
    "construction.source.revision",
)
DEMO_SECRET = "whsec_ZGVtby1vbmx5LWNvbnN0cnVjdGlvbi1zZWNyZXQ="  # demo/construction_demo_secret.xml
STANDARD_SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # base64 of 24 test bytes


def jsonrpc_body(service, method, *args):
    """Body of a call to Odoo's external API at /jsonrpc."""
    return json.dumps(
        {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"service": service, "method": method, "args": list(args)},
        }
    )


def call_kw(case, model, method, args):
    """Call a model method the way the web client does, in the case's HTTP
    session; returns the JSON-RPC reply."""
    body = json.dumps({"params": {"model": model, "method": method, "args": args, "kwargs": {}}})
    route = f"/web/dataset/call_kw/{model}/{method}"
    return case.url_open(route, data=body, headers={"Content-Type": "application/json"}).json()


# Demo-data codes (demo/construction_demo.xml) for the other event types.
SAMPLE_DATA = {
    "equipment.usage": {
        "usage_id": "EQ-USE-1",
        "revision": 1,
        "equipment": "EQ-EXC-01",
        "project": "PRJ-BRIDGE",
        "phase": "BRIDGE-EXC",
        "cost_code": "31 23 00",
        "date": "2026-12-01",
        "hours": 6,
    },
    "material.usage": {
        "usage_id": "MAT-USE-1",
        "revision": 1,
        "product": "MAT-CONC-30",
        "project": "PRJ-TOWER",
        "phase": "TOWER-FND",
        "cost_code": "03 30 00",
        "date": "2026-12-01",
        "quantity": 12.5,
    },
    "work_order.completed": {
        "work_order_id": "WO-1",
        "revision": 1,
        "project": "PRJ-TOWER",
        "phase": "TOWER-FND",
        "completed_at": "2026-12-01T15:30:00Z",
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
        "period_end": "2026-11-30",
        "percent_complete": 25,
    },
}


def make_event(event_type="timesheet.approved", event_id=None, **data):
    """A schema-valid v1 event; ``data`` overrides the defaults of its type."""
    timesheet = {
        "timesheet_id": "TS-1",
        "revision": 1,
        "employee": "EMP-101",
        "project": "PRJ-TOWER",
        "phase": "TOWER-FND",
        "cost_code": "03 11 00",
        "date": "2026-12-01",
        "hours": 8,
    }
    defaults = {f"timesheet.{status}": timesheet for status in ("submitted", "approved", "rejected")}
    defaults.update(SAMPLE_DATA)
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex}",
        "type": event_type,
        "version": "1",
        "occurred_at": "2026-12-01T07:00:00Z",
        "data": {**defaults.get(event_type, {}), **data},
    }


@contextmanager
def committed_env(registry):
    """An environment on a cursor of its own, committed on leaving: for tests
    where a real server (or a second worker) must see the data."""
    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, {})


def encode(document):
    return json.dumps(document).encode()


class WebhookCase(HttpCase):
    """Signed requests to the running test server, one connector per scheme."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Connector = cls.env["construction.connector"]
        cls.connector = Connector.create({"name": "Time capture", "auth_scheme": "standard"})
        cls.connector.action_set_secret(STANDARD_SECRET)
        cls.secret = STANDARD_SECRET

    def url_for(self, connector, batch=False):
        return f"/construction/webhook/{connector.route_token}" + ("/batch" if batch else "")

    def post(self, body, headers=None, connector=None, batch=False, content_type="application/json"):
        connector = connector or self.connector
        all_headers = {"Content-Type": content_type} if content_type else {}
        all_headers.update(headers or {})
        return self.url_open(self.url_for(connector, batch), data=body, headers=all_headers)

    def signed_headers(self, body, event_id, timestamp=None, secret=None, scheme="standard"):
        timestamp = int(time.time()) if timestamp is None else timestamp
        return sign_headers(scheme, secret or self.secret, body, event_id, timestamp)

    def deliver(self, event, connector=None, secret=None, scheme="standard", **kwargs):
        """Sign and post one event as a well-behaved platform would."""
        body = encode(event) if isinstance(event, dict) else event
        event_id = event["id"] if isinstance(event, dict) else kwargs.pop("event_id", "evt_raw")
        headers = self.signed_headers(body, event_id, secret=secret, scheme=scheme)
        return self.post(body, headers, connector=connector, **kwargs)

    def jobs(self, connector=None):
        return self.env["construction.inbound.job"].search([("connector_id", "=", (connector or self.connector).id)])


class PostingCase(WebhookCase):
    """Events of the demo connector, from a signed request to posted records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo = cls.env.ref("construction_connector.demo_connector")
        cls.plan_column = cls.env.ref("construction_connector.analytic_plan_cost_codes")._column_name()

    def ref(self, name):
        return self.env.ref(f"construction_connector.{name}")

    def send(self, event_type, connector=None, secret=None, **data):
        """Deliver one event, run the queue, return its job."""
        event = make_event(event_type, **data)
        response = self.deliver(event, connector=connector or self.demo, secret=secret or DEMO_SECRET)
        self.assertEqual(response.status_code, 202, response.text)
        self.process()
        return self.env["construction.inbound.job"].browse(response.json()["job_id"])

    def process(self):
        self.env["construction.inbound.job"]._cron_process_jobs()
        self.env.invalidate_all()

    def posted(self, model, record_type, source_id, connector=None):
        """The live posting of a field record in ``model``."""
        key = f"{(connector or self.demo).id}:{record_type}:{source_id}"
        return self.env[model].search([("construction_source_key", "=", key)])

    def provisional(self, record_type, source_id, connector=None):
        key = f"{(connector or self.demo).id}:{record_type}:{source_id}"
        return self.env["construction.provisional.cost"].search([("source_key", "=", key)])
