# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models, tools


class ConstructionReconciliation(models.Model):
    """What the field said against what Odoo holds, by project, cost code and
    month: hours and quantities of the newest approved revision of each
    field record against the posted lines; change-order and progress
    amounts against the commitments and bills. A variance means something
    is still queued, waiting or was changed by hand in Odoo."""

    _name = "construction.reconciliation"
    _description = "Construction Reconciliation"
    _auto = False
    _order = "period desc, project_id, cost_code_id"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    project_id = fields.Many2one("project.project", readonly=True)
    cost_code_id = fields.Many2one("construction.cost.code", string="Cost Code", readonly=True)
    period = fields.Date(readonly=True, help="First day of the month of the activity.")
    source_quantity = fields.Float(string="Field Quantity", readonly=True, help="Hours and quantities sent.")
    posted_quantity = fields.Float(readonly=True, help="Hours and quantities on posted lines.")
    quantity_variance = fields.Float(readonly=True)
    source_amount = fields.Monetary(string="Field Amount", readonly=True, help="Change orders and progress sent.")
    posted_amount = fields.Monetary(readonly=True, help="Commitment lines and vendor bills.")
    amount_variance = fields.Monetary(readonly=True)
    posted_cost = fields.Monetary(readonly=True, help="Cost of the posted labour, equipment and material lines.")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            """CREATE VIEW construction_reconciliation AS (
            SELECT row_number() OVER (ORDER BY period, company_id, project_id, cost_code_id) AS id,
                   company_id, project_id, cost_code_id, period,
                   SUM(source_quantity) AS source_quantity,
                   SUM(posted_quantity) AS posted_quantity,
                   SUM(posted_quantity) - SUM(source_quantity) AS quantity_variance,
                   SUM(source_amount) AS source_amount,
                   SUM(posted_amount) AS posted_amount,
                   SUM(posted_amount) - SUM(source_amount) AS amount_variance,
                   SUM(posted_cost) AS posted_cost
              FROM (
                -- the field: the newest applied revision of each record, if approved
                SELECT job.id AS job_id, job.source_quantity, 0 AS posted_quantity,
                       job.source_amount, 0 AS posted_amount, 0 AS posted_cost
                  FROM construction_source_revision rev
                  JOIN construction_inbound_job job ON job.id = rev.job_id
                 WHERE job.activity_status = 'approved' AND rev.record_type != 'work_order'
                   AND rev.revision = (SELECT MAX(newer.revision) FROM construction_source_revision newer
                                        WHERE newer.connector_id = rev.connector_id
                                          AND newer.record_type = rev.record_type
                                          AND newer.source_id = rev.source_id)
                UNION ALL  -- Odoo: labour, equipment and material lines
                SELECT line.construction_job_id, 0, line.unit_amount, 0, 0, -line.amount
                  FROM account_analytic_line line WHERE line.construction_job_id IS NOT NULL
                UNION ALL  -- Odoo: commitments
                SELECT pol.construction_job_id, 0, 0, 0, pol.price_subtotal, 0
                  FROM purchase_order_line pol
                 WHERE pol.construction_job_id IS NOT NULL AND pol.state != 'cancel'
                UNION ALL  -- Odoo: vendor bills (credit notes count negative)
                SELECT move.construction_job_id, 0, 0, 0, -move.amount_untaxed_signed, 0
                  FROM account_move move
                 WHERE move.construction_job_id IS NOT NULL AND move.state != 'cancel'
              ) AS movement
              JOIN (SELECT id, company_id, project_id, cost_code_id,
                           date_trunc('month', activity_date)::date AS period
                      FROM construction_inbound_job) AS job_place ON job_place.id = movement.job_id
             GROUP BY company_id, project_id, cost_code_id, period
            )"""
        )
