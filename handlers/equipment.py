# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Equipment: approved usage becomes an analytic cost line of hours x the
rate on the equipment's mapping."""

from ..lib.failures import MissingMapping
from . import register
from .common import AnalyticActivity


@register("equipment.usage")
class EquipmentUsage(AnalyticActivity):
    record_type = "equipment_usage"

    def line_values(self):
        project, task, cost_code = self.place()
        equipment = self.resolve("equipment", "equipment")
        rate = self.rate("equipment", "equipment")
        if not rate:
            code = self.data["equipment"]
            # Waits like a missing mapping: saving a rate on it releases the job.
            raise MissingMapping("equipment", code, f"the equipment mapping of {code!r} has no hourly rate")
        hours = self.data["hours"]
        return {
            **self.cost_values(project, task, cost_code, hours * rate),
            "name": f"{equipment.name}: {hours:g} h x {rate:g}",
            "unit_amount": hours,
            "product_uom_id": self.env.ref("uom.product_uom_hour").id,
            "construction_equipment_id": equipment.id,
        }
