import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("welfare_catalog_portal_new_listing", {
    steps: () => [
        {
            content: "Create a new listing",
            trigger: "a.o_welfare_new_listing",
            run: "click",
        },
        {
            content: "Name",
            trigger: "form.o_welfare_listing_form input[name='name']",
            run: "edit Miele di tarassaco",
        },
        {
            content: "Category",
            trigger: "form.o_welfare_listing_form select[name='welfare_category_id']",
            run: "selectByLabel Prodotti km 0",
        },
        {
            content: "Price",
            trigger: "form.o_welfare_listing_form input[name='list_price']",
            run: "edit 8.50",
        },
        {
            content: "Description",
            trigger: "form.o_welfare_listing_form textarea[name='description_sale']",
            run: "edit Miele primaverile delle colline del Sebino",
        },
        {
            content: "Save",
            trigger: "form.o_welfare_listing_form button.o_welfare_save",
            run: "click",
        },
        {
            content: "Submit it for review",
            trigger: "button.o_welfare_submit",
            run: "click",
        },
        {
            content: "It waits for the network's review",
            trigger: "button.o_welfare_withdraw",
        },
    ],
});
