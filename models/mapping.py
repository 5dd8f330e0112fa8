# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from ..lib.failures import MissingMapping
from ..lib.mapping_kinds import MAPPING_KINDS, MAPPING_MODELS


class ConstructionMapping(models.Model):
    _name = "construction.mapping"
    _inherit = ["construction.mapping.target", "construction.cache.mixin"]  # cache: _resolve_entry
    _description = "Construction External Code Mapping"
    _order = "kind, external_code, date_from desc, id"

    connector_id = fields.Many2one(
        "construction.connector",
        index=True,
        ondelete="cascade",
        help="Leave empty for a mapping every connector of the company falls back to.",
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    external_code = fields.Char(required=True, index=True, help="The code the field platform sends.")
    date_from = fields.Date()
    date_to = fields.Date()
    active = fields.Boolean(default=True)

    @api.constrains("kind", "external_code", "connector_id", "company_id", "date_from", "date_to", "active")
    def _check_no_overlap(self):
        """One meaning per code and day: a second mapping of the same code must
        start after the first ends (effective dates), never overlap it."""
        for mapping in self.filtered("active"):
            if mapping.date_from and mapping.date_to and mapping.date_from > mapping.date_to:
                raise ValidationError(self.env._("A mapping cannot end before it starts."))
            domain = [
                ("id", "!=", mapping.id),
                ("kind", "=", mapping.kind),
                ("external_code", "=", mapping.external_code),
                ("connector_id", "=", mapping.connector_id.id),
                ("company_id", "=", mapping.company_id.id),
            ]
            if mapping.date_to:
                domain += ["|", ("date_from", "=", False), ("date_from", "<=", mapping.date_to)]
            if mapping.date_from:
                domain += ["|", ("date_to", "=", False), ("date_to", ">=", mapping.date_from)]
            if self.search_count(domain, limit=1):
                raise ValidationError(
                    self.env._(
                        "%(mapping)s overlaps another mapping of the same code: "
                        "give them effective dates that do not overlap.",
                        mapping=mapping.display_name,
                    )
                )

    @api.depends("kind", "external_code", "res_name")
    def _compute_display_name(self):
        kinds = dict(MAPPING_KINDS)
        for mapping in self:
            if mapping.kind and mapping.external_code:
                mapping.display_name = f"{kinds[mapping.kind]} {mapping.external_code} → {mapping.res_name or '?'}"
            else:
                mapping.display_name = False  # a new mapping: the form says "New"

    @api.model_create_multi
    def create(self, vals_list):
        mappings = super().create(vals_list)
        mappings._release_waiting_jobs()
        return mappings

    def write(self, vals):
        result = super().write(vals)
        self._release_waiting_jobs()
        return result

    def _release_waiting_jobs(self):
        """Jobs waiting for one of these codes go back to the queue by themselves."""
        Job = self.env["construction.inbound.job"]
        for mapping in self.filtered("active"):
            Job._release_waiting(mapping.kind, [mapping.external_code], mapping.connector_id)

    @api.model
    def _resolve(self, connector, kind, code, on_date):
        """The Odoo record an external code means on ``on_date``.

        The connector's own mapping wins over a global one of its company; a
        cost code also resolves directly by its code. Raises MissingMapping.
        """
        record_id, _rate = self._lookup(connector, kind, code, on_date)
        if not record_id:
            raise MissingMapping(kind, code)
        return self.env[MAPPING_MODELS[kind]].browse(record_id)

    @api.model
    def _resolve_rate(self, connector, kind, code, on_date):
        """The rate of the mapping ``_resolve`` uses (equipment: cost per hour)."""
        return self._lookup(connector, kind, code, on_date)[1]

    @api.model
    def _lookup(self, connector, kind, code, on_date):
        """(record id or None, rate) of a code for a connector on a date."""
        return self._resolve_entry(connector.id, connector.company_id.id, kind, code, str(on_date))

    @api.model
    @tools.ormcache("connector_id", "company_id", "kind", "code", "on_date")
    def _resolve_entry(self, connector_id, company_id, kind, code, on_date):
        # Cached per process: the queue resolves the same few codes for every
        # job. Any change to a mapping or cost code clears the cache.
        if kind == "cost_code":
            cost_code = self.env["construction.cost.code"].search(
                [("code", "=", code), ("company_id", "in", [company_id, False])], limit=1
            )
            if cost_code:
                return cost_code.id, 0.0
        mapping = self.search(
            [
                ("kind", "=", kind),
                ("external_code", "=", code),
                ("connector_id", "in", [connector_id, False]),
                ("company_id", "in", [company_id, False]),
                "|",
                ("date_from", "=", False),
                ("date_from", "<=", on_date),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", on_date),
            ],
            order="connector_id asc nulls last, date_from desc nulls last",
            limit=1,
        )
        record = mapping and self.env[MAPPING_MODELS[kind]].browse(mapping.res_id).exists()
        return (record.id, mapping.rate) if record else (None, 0.0)
