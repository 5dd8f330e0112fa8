# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models

from ..lib.mapping_kinds import MAPPING_KINDS, MAPPING_MODELS, PICKER_FIELDS


class ConstructionMappingTarget(models.AbstractModel):
    """What an external code is mapped to: a kind and an Odoo record of the
    kind's model, picked in forms with one field per kind (a mapping, and
    the wizard that resolves a missing one)."""

    _name = "construction.mapping.target"
    _description = "Construction Mapping Target"

    kind = fields.Selection(MAPPING_KINDS, required=True)
    res_model = fields.Char(compute="_compute_res_model", store=True)
    res_id = fields.Many2oneReference(model_field="res_model", required=True, string="Odoo Record ID")
    res_name = fields.Char(compute="_compute_res_name", string="Odoo Record")
    # One picker per kind, so the form offers records of the right model;
    # each reads and writes res_id.
    project_id = fields.Many2one("project.project", compute="_compute_pickers", inverse="_inverse_pickers")
    task_id = fields.Many2one("project.task", compute="_compute_pickers", inverse="_inverse_pickers", string="Phase")
    employee_id = fields.Many2one("hr.employee", compute="_compute_pickers", inverse="_inverse_pickers")
    equipment_id = fields.Many2one("maintenance.equipment", compute="_compute_pickers", inverse="_inverse_pickers")
    product_id = fields.Many2one("product.product", compute="_compute_pickers", inverse="_inverse_pickers")
    partner_id = fields.Many2one("res.partner", compute="_compute_pickers", inverse="_inverse_pickers", string="Vendor")
    cost_code_id = fields.Many2one("construction.cost.code", compute="_compute_pickers", inverse="_inverse_pickers")
    rate = fields.Float(digits="Product Price", help="Equipment: cost per hour.")

    @api.depends("kind")
    def _compute_res_model(self):
        for target in self:
            target.res_model = MAPPING_MODELS.get(target.kind)

    @api.depends("res_model", "res_id")
    def _compute_res_name(self):
        for target in self:
            record = target.res_model and target.res_id and self.env[target.res_model].browse(target.res_id)
            target.res_name = record.sudo().display_name if record and record.exists() else False

    @api.depends("kind", "res_id")
    def _compute_pickers(self):
        for target in self:
            for kind, field in PICKER_FIELDS.items():
                # res_id is 0 on a new record: no record, not record 0
                target[field] = (target.kind == kind and target.res_id) or False

    def _inverse_pickers(self):
        for target in self:
            picked = target[PICKER_FIELDS[target.kind]] if target.kind else False
            if picked:
                target.res_id = picked.id
