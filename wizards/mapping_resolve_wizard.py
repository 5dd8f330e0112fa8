# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models

# Released jobs this few are posted at once, so finance sees the result;
# more are left to the cron.
POST_AT_ONCE = 100


class ConstructionMappingResolveWizard(models.TransientModel):
    """From a job waiting for a mapping: map the missing code, release every
    job waiting for it."""

    _name = "construction.mapping.resolve.wizard"
    _inherit = ["construction.mapping.target"]
    _description = "Resolve a Missing Mapping"

    job_id = fields.Many2one("construction.inbound.job", required=True)
    connector_id = fields.Many2one(related="job_id.connector_id")
    kind = fields.Selection(readonly=True)
    external_code = fields.Char(required=True, readonly=True)
    for_all_connectors = fields.Boolean(help="Map the code for every connector of the company, not only this one.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        job = self.env["construction.inbound.job"].browse(values.get("job_id") or self.env.context.get("active_id"))
        if job:
            values.update(job_id=job.id, kind=job.missing_kind, external_code=job.missing_code)
        return values

    def action_resolve(self):
        self.ensure_one()
        connector = self.job_id.connector_id
        domain = [
            ("state", "=", "waiting_mapping"),
            ("missing_kind", "=", self.kind),
            ("missing_code", "=", self.external_code),
        ]
        if not self.for_all_connectors:
            domain.append(("connector_id", "=", connector.id))
        waiting = self.env["construction.inbound.job"].search(domain)
        self.env["construction.mapping"].create(
            {
                "connector_id": False if self.for_all_connectors else connector.id,
                "company_id": connector.company_id.id,
                "kind": self.kind,
                "external_code": self.external_code,
                "res_id": self.res_id,
                "rate": self.rate,
            }
        )  # releases the waiting jobs
        released = waiting.filtered(lambda job: job.state == "received")
        if len(released) <= POST_AT_ONCE:
            released.sudo()._run_batch()  # as the cron would, right now
        message = self.env._(
            "%(code)s is now mapped to %(record)s: %(count)s waiting job(s) released.",
            code=self.external_code,
            record=self.res_name,
            count=len(waiting),
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": "success", "next": {"type": "ir.actions.act_window_close"}},
        }
