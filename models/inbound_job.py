# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .mapping import MAPPING_KINDS

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
    missing_kind = fields.Selection(MAPPING_KINDS, readonly=True, help="Waiting for a mapping of this kind...")
    missing_code = fields.Char(readonly=True, index=True, help="... for this external code.")
    record_type = fields.Char(readonly=True, help="Kind of source record the event is about.")
    source_id = fields.Char(readonly=True, index=True, help="The platform's id of that record.")
    revision = fields.Integer(readonly=True)
    approved_by_id = fields.Many2one("res.users", string="Approved in Odoo by", readonly=True, tracking=True)
    approved_at = fields.Datetime(string="Approved in Odoo on", readonly=True)
    # Lineage: what this job posted.
    analytic_line_ids = fields.One2many(
        "account.analytic.line", "construction_job_id", string="Posted Lines", readonly=True
    )
    purchase_line_ids = fields.One2many(
        "purchase.order.line", "construction_job_id", string="Commitment Lines", readonly=True
    )
    bill_ids = fields.One2many("account.move", "construction_job_id", string="Vendor Bills", readonly=True)
    task_ids = fields.One2many("project.task", "construction_job_id", string="Updated Phases", readonly=True)
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

    def init(self):
        # The claim query only ever looks at ready jobs: keep that scan small.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS construction_inbound_job_ready_idx"
            " ON construction_inbound_job (id) WHERE state IN ('received', 'retrying')"
        )

    def write(self, vals):
        if PROTECTED_FIELDS.intersection(vals):
            raise AccessError(
                self.env._(
                    "The received event cannot be changed: %s. Repost with overrides instead.",
                    ", ".join(sorted(PROTECTED_FIELDS.intersection(vals))),
                )
            )
        return super().write(vals)

    def action_requeue(self):
        """Back to the queue, now (the back-office buttons call this)."""
        self._requeue()
        return True

    def action_approve(self):
        """Finance approves jobs the connector's policy holds: they post now."""
        jobs = self.filtered(lambda job: job.state == "waiting_approval")
        jobs.write({"approved_by_id": self.env.uid, "approved_at": fields.Datetime.now()})
        jobs._requeue()
        return True

    def action_reject(self):
        """Finance rejects held jobs: they never post."""
        for job in self.filtered(lambda job: job.state == "waiting_approval"):
            job.write({"state": "cancelled", "next_attempt_at": False})
            job.message_post(body=self.env._("Rejected in Odoo: nothing was posted."))
        return True

    def _requeue(self):
        self.write({"state": "received", "next_attempt_at": False, "missing_kind": False, "missing_code": False})
        self.env.ref("construction_connector.ir_cron_process_inbound_jobs")._trigger()

    @api.model
    def _release_waiting(self, kind, codes, connector=None):
        """Requeue the jobs waiting for a mapping of ``kind`` for one of ``codes``."""
        domain = [("state", "=", "waiting_mapping"), ("missing_kind", "=", kind), ("missing_code", "in", list(codes))]
        if connector:
            domain.append(("connector_id", "=", connector.id))
        jobs = self.sudo().search(domain)
        if jobs:
            jobs._requeue()
        return jobs

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
