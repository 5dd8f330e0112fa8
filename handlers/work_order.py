# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Work orders: completion in the field sets the phase's progress, closes it
at 100 %, and marks it ready to bill."""

from . import register
from .common import Activity


@register("work_order.completed")
class WorkOrderCompleted(Activity):
    def apply(self):
        self.resolve("project", "project")  # an unmapped project waits like any other
        task = self.resolve("phase", "phase")
        percent = self.data.get("percent_complete", 100)
        values = {"construction_percent_complete": percent, "construction_ready_to_bill": True}
        if percent >= 100:
            values["state"] = "1_done"
            done_stage = task.project_id.type_ids.filtered("fold")[:1]
            if done_stage:
                values["stage_id"] = done_stage.id
        task.write(values)
        task.sudo().construction_job_id = self.job  # lineage, whatever the integration user may read
        if self.data.get("notes"):
            task.message_post(body=self.data["notes"])  # plain text: Odoo escapes it
        return task
