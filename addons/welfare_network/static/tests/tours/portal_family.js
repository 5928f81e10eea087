import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("welfare_network_portal_family", {
    url: "/my",
    steps: () => [
        {
            content: "Open my family from the portal home",
            trigger: "a[href='/my/family']",
            run: "click",
        },
        {
            content: "My child is listed",
            trigger: "tr.o_welfare_family_member a:contains('Carla Alfieri')",
            run: "click",
        },
        {
            content: "The detail shows the relation",
            trigger: ".card-header:contains('Carla Alfieri')",
        },
    ],
});
