# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import importlib.util
import json
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

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


SEND_EVENT = Path(__file__).resolve().parent.parent / "tools" / "send_event.py"


def load_send_event():
    """The standalone sender (tools/ is no Python package): its demo samples
    are the README's, and the tests post them."""
    spec = importlib.util.spec_from_file_location("construction_connector_send_event", SEND_EVENT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


send_event = load_send_event()
# The README's sample of each other event type, on the demo data's codes.
SAMPLE_DATA = {
    event_type: send_event.demo_event(event_type, on_date="2026-12-01")["data"]
    for event_type in send_event.DEMO_DATA
    if not event_type.startswith("timesheet.")
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
        """Deliver one event, run the queue, return its job. A field given
        as None is left out of the event."""
        event = make_event(event_type, **data)
        event["data"] = {field: value for field, value in event["data"].items() if value is not None}
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
