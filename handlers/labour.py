# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Labour: approved timesheets become timesheet lines on the project, phase
and cost code, costed by Odoo at the employee's hourly cost; submitted time
is provisional cost; a rejection removes the posting."""

from . import register
from .common import AnalyticActivity


@register("timesheet.submitted", "timesheet.approved", "timesheet.rejected")
class Timesheet(AnalyticActivity):
    record_type = "timesheet"

    def line_values(self):
        project, task, cost_code = self.place()
        employee = self.resolve("employee", "employee")
        return {
            "name": self.data.get("notes") or f"{self.data['timesheet_id']} ({cost_code.code})",
            "project_id": project.id,
            "task_id": task.id,
            "employee_id": employee.id,
            "unit_amount": self.data["hours"],
            # hr_timesheet computes the amount again; created with the same
            # one, the line is not written twice (see _batch_create).
            "amount": -self.estimate()[1],
            self.env["account.analytic.line"]._cost_code_column(): cost_code.analytic_account_id.id,
        }

    def estimate(self):
        employee = self.resolve("employee", "employee")
        hours = self.data["hours"]
        return hours, self.round(hours * employee.sudo().hourly_cost)
