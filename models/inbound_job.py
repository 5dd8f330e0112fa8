# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
import json

from odoo import fields, models
from odoo.tools import SQL

JOB_STATES = [
    ("received", "Received"),
    ("waiting_mapping", "Waiting for Mapping"),
    ("waiting_approval", "Waiting for Approval"),
    ("retrying", "Retrying"),
    ("done", "Done"),
    ("dead", "Dead"),
    ("quarantined", "Quarantined"),
    ("ignored", "Ignored"),
    ("cancelled", "Cancelled"),
]

ERROR_CLASSES = [
    ("validation", "Validation"),
    ("mapping", "Mapping"),
    ("approval", "Approval"),
    ("locked_period", "Locked Period"),
    ("transient", "Transient"),
    ("conflict", "Conflict"),
    ("internal", "Internal"),
]


class ConstructionInboundJob(models.Model):
    _name = "construction.inbound.job"
    _description = "Construction Inbound Job"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_name = "event_id"

    connector_id = fields.Many2one(
        "construction.connector", required=True, readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="connector_id.company_id", store=True, index=True)
    event_id = fields.Char(required=True, readonly=True, help="The platform's idempotency key.")
    event_type = fields.Char(readonly=True, index=True)
    event_version = fields.Char(readonly=True)
    state = fields.Selection(JOB_STATES, required=True, default="received", index=True, tracking=True)
    attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(readonly=True, index=True)
    error_class = fields.Selection(ERROR_CLASSES, readonly=True, tracking=True)
    last_error = fields.Text(readonly=True)
    received_at = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    payload = fields.Text(readonly=True, help="The request body exactly as received.")
    payload_raw = fields.Binary(
        attachment=False,
        readonly=True,
        help="The body's exact bytes when they are not text (not UTF-8, NUL bytes): kept for finance and support.",
    )
    headers = fields.Text(readonly=True, help="The request headers that matter, as JSON.")

    _sql_constraints = [
        (
            "event_unique_per_connector",
            "UNIQUE(connector_id, event_id)",
            "This event was already received by this connector.",
        ),
    ]

    def _cron_process_jobs(self):
        """Entry point of the processing cron (the queue issue fills it in)."""
        return True

    def _trigger_processing(self):
        """Wake the processing cron now, unless a wake-up is already pending
        (one trigger row per event would only make the cron table grow)."""
        cron = self.env.ref("construction_connector.ir_cron_process_inbound_jobs")
        self.env.cr.execute(
            SQL(
                "SELECT 1 FROM ir_cron_trigger WHERE cron_id = %s AND call_at <= %s LIMIT 1",
                cron.id,
                fields.Datetime.now(),
            )
        )
        if not self.env.cr.fetchone():
            cron._trigger()

    def _insert_incoming(self, connector, incoming, headers):
        """Store verified events, skipping ids the connector already has.

        One INSERT ... ON CONFLICT DO NOTHING: Odoo may replay a request after
        a serialization error, and two deliveries of one event may race; the
        unique (connector_id, event_id) key decides, not Python.
        Returns [(job_id, created)] in the order of ``incoming``.
        """
        now = fields.Datetime.now()
        headers_json = json.dumps(headers, sort_keys=True)
        first = {}
        for event in incoming:
            first.setdefault(event.event_id, event)
        rows = [
            SQL(
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0, %s, %s, %s, %s)",
                connector.id,
                connector.company_id.id,
                event.event_id,
                event.event_type,
                event.event_version,
                event.state,
                *_payload_columns(event.payload),
                headers_json,
                "validation" if event.state == "quarantined" else None,
                event.error,
                now,
                now,
                now,
                self.env.uid,
                self.env.uid,
            )
            for event in first.values()
        ]
        self.env.cr.execute(
            SQL(
                """INSERT INTO construction_inbound_job
                       (connector_id, company_id, event_id, event_type, event_version, state, payload, payload_raw,
                        headers, error_class, last_error, received_at, attempts, create_date, write_date,
                        create_uid, write_uid)
                   VALUES %s
                   ON CONFLICT (connector_id, event_id) DO NOTHING
                   RETURNING event_id, id""",
                SQL(", ").join(rows),
            )
        )
        created = dict(self.env.cr.fetchall())
        missing = [event_id for event_id in first if event_id not in created]
        existing = {}
        if missing:
            self.env.cr.execute(
                SQL(
                    "SELECT event_id, id FROM construction_inbound_job WHERE connector_id = %s AND event_id IN %s",
                    connector.id,
                    tuple(missing),
                )
            )
            existing = dict(self.env.cr.fetchall())
        results, seen = [], set()
        for event in incoming:
            is_new = event.event_id in created and event.event_id not in seen
            seen.add(event.event_id)
            results.append((created.get(event.event_id) or existing.get(event.event_id), is_new))
        return results


def _payload_columns(body):
    """(payload, payload_raw): text when the bytes are text, else base64 as the ORM stores binaries."""
    if b"\x00" not in body:
        try:
            return body.decode("utf-8"), None
        except UnicodeDecodeError:
            pass
    return None, base64.b64encode(body)
