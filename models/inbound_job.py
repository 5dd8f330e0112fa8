# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
import json
import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

# What the platform sent stays as it arrived: reposting stores overrides
# beside it, never over it.
PROTECTED_FIELDS = frozenset(
    {
        "connector_id",
        "company_id",
        "event_id",
        "event_type",
        "event_version",
        "payload",
        "payload_raw",
        "headers",
        "received_at",
    }
)
FINISHED_STATES = ("done", "ignored")
GC_CHUNK = 1000

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

    def write(self, vals):
        if PROTECTED_FIELDS.intersection(vals):
            raise AccessError(
                self.env._(
                    "The received event cannot be changed: %s. Repost with overrides instead.",
                    ", ".join(sorted(PROTECTED_FIELDS.intersection(vals))),
                )
            )
        return super().write(vals)

    def _cron_process_jobs(self):
        """Entry point of the processing cron (the queue issue fills it in)."""
        return True

    @api.autovacuum
    def _gc_finished_jobs(self):
        """Delete done and ignored jobs untouched for the retention period, in
        chunks. Dead, quarantined and waiting jobs are never deleted here:
        someone still has to look at them."""
        days = int(self.env["ir.config_parameter"].sudo().get_param("construction_connector.retention_days", 90))
        if days <= 0:
            return
        cutoff = fields.Datetime.now() - timedelta(days=days)
        domain = [("state", "in", FINISHED_STATES), ("write_date", "<", cutoff)]
        while jobs := self.sudo().with_context(active_test=False).search(domain, limit=GC_CHUNK):
            jobs.unlink()
            if len(jobs) < GC_CHUNK:
                break
            # Commit each chunk (autovacuum runs in a cron): a long backlog must
            # not become one huge transaction holding locks on the queue.
            if not self.env.registry.in_test_mode():
                self.env.cr.commit()

    def _insert_incoming(self, settings, incoming, headers):
        """Count the request against the rate limit and store its events, in
        one statement: returns (within_limit, [(job_id, created)] in the
        order of ``incoming``). Over the limit, nothing is stored.

        INSERT ... ON CONFLICT DO NOTHING: two deliveries of one event may
        race, and Odoo replays a request after a serialization error; the
        unique (connector_id, event_id) key decides, not Python. The same
        statement says whether the processing cron still needs waking.
        """
        now = fields.Datetime.now()
        headers_json = json.dumps(headers, sort_keys=True)
        first = {}
        for event in incoming:
            first.setdefault(event.event_id, event)
        rows = [
            {
                "connector_id": settings.connector_id,
                "company_id": settings.company_id,
                "event_id": event.event_id,
                "event_type": event.event_type,
                "event_version": event.event_version,
                "state": event.state,
                **_payload_columns(event.payload),
                "headers": headers_json,
                "error_class": "validation" if event.state == "quarantined" else None,
                "last_error": event.error,
                "received_at": str(now),
                "attempts": 0,
                "create_date": str(now),
                "write_date": str(now),
                "create_uid": self.env.uid,
                "write_uid": self.env.uid,
            }
            for event in first.values()
        ]
        columns = SQL(", ").join(SQL.identifier(column) for column in rows[0])
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id("construction_connector.ir_cron_process_inbound_jobs")
        count_hit = self.env["construction.rate.limiter"]._count_hit_sql(
            settings.connector_id, settings.rate_limit_per_minute, time.time()
        )
        self.env.cr.execute(
            SQL(
                """WITH %(count_hit)s,
                   inserted AS (
                       INSERT INTO construction_inbound_job (%(columns)s)
                       SELECT %(columns)s FROM jsonb_populate_recordset(NULL::construction_inbound_job, %(rows)s)
                        WHERE (SELECT ok FROM allowed)
                       ON CONFLICT (connector_id, event_id) DO NOTHING
                       RETURNING event_id, id, state)
                   SELECT allowed.ok, inserted.event_id, inserted.id, inserted.state = 'received'
                          AND NOT EXISTS (SELECT 1 FROM ir_cron_trigger WHERE cron_id = %(cron)s AND call_at <= %(now)s)
                     FROM allowed LEFT JOIN inserted ON TRUE""",
                count_hit=count_hit,
                columns=columns,
                rows=json.dumps(rows),
                cron=cron_id,
                now=now,
            )
        )
        rows = self.env.cr.fetchall()  # at least one: the "allowed" row, joined to what was inserted
        if not rows[0][0]:
            return False, []
        created, wake_cron = {}, False
        for _allowed, event_id, job_id, needs_wake in rows:
            if event_id:
                created[event_id] = job_id
                wake_cron |= needs_wake
        if wake_cron:
            # Unless a wake-up is already pending: one per event would only grow the table.
            self.env["ir.cron"].browse(cron_id)._trigger()
        missing = [event_id for event_id in first if event_id not in created]
        existing = {}
        if missing:
            self.env.cr.execute(
                SQL(
                    "SELECT event_id, id FROM construction_inbound_job WHERE connector_id = %s AND event_id IN %s",
                    settings.connector_id,
                    tuple(missing),
                )
            )
            existing = dict(self.env.cr.fetchall())
        results, seen = [], set()
        for event in incoming:
            is_new = event.event_id in created and event.event_id not in seen
            seen.add(event.event_id)
            results.append((created.get(event.event_id) or existing.get(event.event_id), is_new))
        return True, results


def _payload_columns(body):
    """Text when the bytes are text, else base64 in payload_raw as the ORM stores binaries."""
    if b"\x00" not in body:
        try:
            return {"payload": body.decode("utf-8"), "payload_raw": None}
        except UnicodeDecodeError:
            pass
    return {"payload": None, "payload_raw": base64.b64encode(body).decode()}
