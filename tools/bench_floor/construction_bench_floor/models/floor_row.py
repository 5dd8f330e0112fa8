# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ConstructionBenchFloorRow(models.Model):
    _name = "construction.bench.floor.row"
    _description = "Benchmark floor: one stored request body"
    _log_access = False

    body = fields.Text()
