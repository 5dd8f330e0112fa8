# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Labour: approved timesheets become timesheet lines on the project, phase
and cost code; a rejection, or a revision back at submitted, removes them."""

from . import register


def source_key(job, event):
    return f"{job.connector_id.id}:timesheet:{event['data']['timesheet_id']}"


def live_line(env, job, event):
    return env["account.analytic.line"].search([("construction_source_key", "=", source_key(job, event))])


@register("timesheet.approved")
def post_timesheet(env, job, event):
    data = event["data"]
    connector = job.connector_id
    Mapping = env["construction.mapping"].sudo()
    project = Mapping._resolve(connector, "project", data["project"], data["date"])
    task = Mapping._resolve(connector, "phase", data["phase"], data["date"]) if data.get("phase") else None
    employee = Mapping._resolve(connector, "employee", data["employee"], data["date"])
    cost_code = Mapping._resolve(connector, "cost_code", data["cost_code"], data["date"])
    plan_column = env.ref("construction_connector.analytic_plan_cost_codes")._column_name()
    values = {
        "name": data.get("notes") or f"{data['timesheet_id']} ({cost_code.code})",
        "project_id": project.id,
        "task_id": task.id if task else False,
        "employee_id": employee.id,
        "unit_amount": data["hours"],
        "date": data["date"],
        plan_column: cost_code.analytic_account_id.id,
        "construction_job_id": job.id,
        "construction_source_key": source_key(job, event),
    }
    line = live_line(env, job, event)
    if line:
        line.write(values)  # a newer approved revision: the posting follows it
        return line
    return env["account.analytic.line"].create(values)


@register("timesheet.submitted", "timesheet.rejected")
def withdraw_timesheet(env, job, event):
    """Submitted or rejected time is no committed cost: remove any posting."""
    line = live_line(env, job, event)
    line.unlink()
    return line
