# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import secrets

from odoo import api, fields, models

AUTH_SCHEMES = [
    ("standard", "Standard Webhooks"),
    ("stripe", "Stripe-style signature"),
    ("github", "GitHub-style signature"),
    ("bearer", "Bearer token"),
]


def new_route_token():
    # 32 bytes of randomness: the token is the only thing standing between
    # the public URL and our queue, before the signature is even checked.
    return secrets.token_urlsafe(32)


class ConstructionConnector(models.Model):
    _name = "construction.connector"
    _description = "Construction Field Platform Connector"
    _inherit = ["mail.thread"]
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    auth_scheme = fields.Selection(
        AUTH_SCHEMES,
        required=True,
        default="standard",
        tracking=True,
        help="How the field platform proves a request comes from it.",
    )
    route_token = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: new_route_token(),
        groups="construction_connector.group_construction_admin",
        help="Unguessable part of the webhook URL. Regenerate it if the URL leaked.",
    )
    job_ids = fields.One2many("construction.inbound.job", "connector_id", string="Jobs")
    mapping_ids = fields.One2many("construction.mapping", "connector_id", string="Mappings")
    job_count = fields.Integer(compute="_compute_job_count")

    _sql_constraints = [
        ("route_token_unique", "UNIQUE(route_token)", "The route token must be unique."),
    ]

    @api.depends("job_ids")
    def _compute_job_count(self):
        counts = dict(
            self.env["construction.inbound.job"]._read_group(
                [("connector_id", "in", self.ids)], ["connector_id"], ["__count"]
            )
        )
        for connector in self:
            connector.job_count = counts.get(connector, 0)

    def action_regenerate_route_token(self):
        for connector in self:
            connector.route_token = new_route_token()
            connector.message_post(body=self.env._("Route token regenerated: the old URL no longer works."))
        return True

    def action_view_jobs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("construction_connector.action_inbound_job")
        action["domain"] = [("connector_id", "=", self.id)]
        action["context"] = {"default_connector_id": self.id}
        return action
