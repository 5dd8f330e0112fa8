/** @odoo-module */
// A Finance user opens "Needs Attention", opens a job waiting for a mapping,
// resolves the mapping in the wizard and sees the job done.
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("construction_resolve_mapping", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Construction app",
            trigger: '.o_app[data-menu-xmlid="construction_connector.menu_construction_root"]',
            run: "click",
        },
        {
            content: "Open Inbound Jobs",
            trigger: 'a[data-menu-xmlid="construction_connector.menu_inbound_job"], button[data-menu-xmlid="construction_connector.menu_inbound_job"]',
            run: "click",
        },
        {
            content: "The list opens on Needs Attention",
            trigger: '.o_searchview .o_facet_value:contains("Needs Attention")',
        },
        {
            content: "Open the job waiting for a mapping",
            trigger: '.o_data_row .o_data_cell:contains("evt_tour_waiting")',
            run: "click",
        },
        {
            content: "It waits for employee EMP-TOUR",
            trigger: '.o_field_widget[name="missing_code"]:contains("EMP-TOUR")',
        },
        {
            content: "Resolve the mapping",
            trigger: '.o_form_statusbar button:contains("Resolve Mapping")',
            run: "click",
        },
        {
            content: "Pick the employee",
            trigger: '.modal .o_field_widget[name="employee_id"] input',
            run: "edit Tom Becker",
        },
        {
            trigger: '.o-autocomplete--dropdown-item:contains("Tom Becker")',
            run: "click",
        },
        {
            content: "Map and release",
            trigger: '.modal button:contains("Map and Release")',
            run: "click",
        },
        {
            content: "The job is done",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Done")',
        },
    ],
});
