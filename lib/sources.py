# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Which source record an event is about, and which revision of it."""

# event type -> (record type, field holding the source record's id)
SOURCE_FIELDS = {
    "timesheet.submitted": ("timesheet", "timesheet_id"),
    "timesheet.approved": ("timesheet", "timesheet_id"),
    "timesheet.rejected": ("timesheet", "timesheet_id"),
    "equipment.usage": ("equipment_usage", "usage_id"),
    "material.usage": ("material_usage", "usage_id"),
    "work_order.completed": ("work_order", "work_order_id"),
    "change_order.approved": ("change_order", "change_order_id"),
    "subcontract.progress": ("subcontract_progress", "progress_id"),
}


def source_of(event):
    """(record type, source id as text, revision) of a schema-valid event."""
    record_type, id_field = SOURCE_FIELDS[event["type"]]
    data = event["data"]
    return record_type, str(data[id_field]), int(data["revision"])
