# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import json
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib.mapping_kinds import MAPPING_KINDS, MAPPING_MODELS

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
READY_STATES = ("received", "retrying")  # what the cron claims
# What finance must look at ("Needs Attention"); locked periods are dead jobs.
ATTENTION_STATES = ("dead", "quarantined", "waiting_mapping", "waiting_approval")
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
    _inherit = ["mail.thread", "mail.activity.mixin"]
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
    killed_runs = fields.Integer(
        readonly=True,
        copy=False,
        help="Cron runs that died while posting this job alone; at the second, the job is dead (see the queue).",
    )
    next_attempt_at = fields.Datetime(readonly=True, index=True)
    error_class = fields.Selection(ERROR_CLASSES, readonly=True, tracking=True)
    last_error = fields.Text(readonly=True)
    received_at = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    missing_kind = fields.Selection(MAPPING_KINDS, readonly=True, help="Waiting for a mapping of this kind...")
    missing_code = fields.Char(readonly=True, index=True, help="... for this external code.")
    record_type = fields.Char(readonly=True, help="Kind of source record the event is about.")
    source_id = fields.Char(readonly=True, index=True, help="The platform's id of that record.")
    revision = fields.Integer(readonly=True)
    # What the activity is about, as resolved when it was processed: for
    # searching, grouping and the reconciliation.
    project_id = fields.Many2one("project.project", readonly=True, index="btree_not_null")
    cost_code_id = fields.Many2one("construction.cost.code", readonly=True, index="btree_not_null")
    activity_date = fields.Date(readonly=True, help="The date the activity's cost belongs to.")
    activity_status = fields.Char(readonly=True, help="submitted, approved or rejected in the field.")
    source_quantity = fields.Float(readonly=True, help="Hours or quantity the field platform sent.")
    source_amount = fields.Float(readonly=True, help="Amount the field platform sent (change orders, progress).")
    overrides = fields.Json(
        readonly=True, copy=False, help="What finance corrected when reposting; the payload stays as received."
    )
    overrides_display = fields.Text(string="Overrides Set", compute="_compute_overrides_display")
    payload_pretty = fields.Text(string="Payload (formatted)", compute="_compute_payload_pretty")
    alert_sent = fields.Boolean(readonly=True, copy=False, help="Finance was given an activity for this job.")
    analytic_line_count = fields.Integer(compute="_compute_lineage_counts")
    purchase_line_count = fields.Integer(compute="_compute_lineage_counts")
    bill_count = fields.Integer(compute="_compute_lineage_counts")
    task_count = fields.Integer(compute="_compute_lineage_counts")
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

    @api.depends("payload")
    def _compute_payload_pretty(self):
        for job in self:
            try:
                job.payload_pretty = json.dumps(json.loads(job.payload), indent=2, ensure_ascii=False)
            except (TypeError, ValueError):
                job.payload_pretty = job.payload or False

    @api.depends("overrides")
    def _compute_overrides_display(self):
        for job in self:
            job.overrides_display = "\n".join(job._describe_overrides(job.overrides or {})) or False

    def _describe_overrides(self, overrides):
        """One line per override, records by name: the diff finance reads."""
        kinds = dict(MAPPING_KINDS)
        for name, value in sorted(overrides.items()):
            if name in MAPPING_MODELS:
                yield f"{kinds[name]}: {self.env[MAPPING_MODELS[name]].browse(value).sudo().display_name}"
            else:
                yield f"{name.capitalize()}: {value}"

    @api.depends("analytic_line_ids", "purchase_line_ids", "bill_ids", "task_ids")
    def _compute_lineage_counts(self):
        # Counting is harmless; opening the records stays subject to the
        # user's rights on them (a Finance user may not be an accountant).
        for job, lineage in zip(self, self.sudo(), strict=True):
            job.analytic_line_count = len(lineage.analytic_line_ids)
            job.purchase_line_count = len(lineage.purchase_line_ids)
            job.bill_count = len(lineage.bill_ids)
            job.task_count = len(lineage.task_ids)

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

    def _action_view(self, records, name):
        action = {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": records._name,
            "domain": [("id", "in", records.ids)],
            "view_mode": "list,form",
        }
        if len(records) == 1:
            action.update(view_mode="form", res_id=records.id)
        return action

    def action_view_analytic_lines(self):
        return self._action_view(self.analytic_line_ids, self.env._("Posted Lines"))

    def action_view_purchase_orders(self):
        return self._action_view(self.purchase_line_ids.order_id, self.env._("Commitments"))

    def action_view_bills(self):
        return self._action_view(self.bill_ids, self.env._("Vendor Bills"))

    def action_view_tasks(self):
        return self._action_view(self.task_ids, self.env._("Phases"))

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

    def _close(self, state, reason):
        """Cancel or ignore with a reason: the job leaves the queue for good."""
        closable = self.filtered(lambda job: job.state not in ("done", state))
        if closable != self:
            raise UserError(self.env._("Done jobs cannot be cancelled or ignored; repost a newer revision instead."))
        labels = dict(JOB_STATES)
        for job in self:
            job.write({"state": state, "next_attempt_at": False})
            job.message_post(body=self.env._("%(state)s: %(reason)s", state=labels[state], reason=reason))

    def _repost(self, overrides):
        """Post again with finance's corrections: stored as a diff beside the
        payload, said in the chatter, and applied over the payload's codes.
        The job's applied revision is forgotten so the posting is redone."""
        for job in self:
            merged = {**(job.overrides or {}), **overrides}
            job.write({"overrides": merged})
            job.message_post(
                body=self.env._(
                    "Reposted with overrides by %(user)s:\n%(diff)s",
                    user=self.env.user.name,
                    diff="\n".join(job._describe_overrides(overrides)),
                )
            )
        self.env["construction.source.revision"].sudo().search([("job_id", "in", self.ids)]).unlink()
        self._requeue()

    def _requeue(self):
        self.write({"state": "received", "next_attempt_at": False, "missing_kind": False, "missing_code": False})
        self._trigger_processing()

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

    @api.model
    def _cron_alert_attention(self):
        """One activity per job for Finance: at once for a dead job, after the
        alert delay for one waiting or quarantined."""
        hours = int(self.env["ir.config_parameter"].sudo().get_param("construction_connector.alert_delay_hours", 4))
        stale = fields.Datetime.now() - timedelta(hours=hours)
        jobs = self.sudo().search(
            [
                ("alert_sent", "=", False),
                ("state", "in", ATTENTION_STATES),
                "|",
                ("state", "=", "dead"),
                ("write_date", "<", stale),
            ],
            limit=500,
        )
        finance = self.env.ref("construction_connector.group_construction_finance")
        fallback = finance.users.filtered(lambda user: not user._is_superuser() and user.active)[:1]
        states = dict(JOB_STATES)
        for job in jobs:
            user = job.connector_id.alert_user_id or fallback
            if user:
                job.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("%(state)s job needs attention", state=states[job.state]),
                    note=job.last_error or "",
                    user_id=user.id,
                )
        jobs.write({"alert_sent": True})

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
