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
            content: "A photo (needed to submit)",
            trigger: "form.o_welfare_listing_form input[name='image_1920']",
            run() {
                // A 1x1 PNG, as a phone's file picker would give it.
                const png = atob(
                    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
                );
                const bytes = Uint8Array.from(png, (char) => char.charCodeAt(0));
                const files = new DataTransfer();
                files.items.add(new File([bytes], "miele.png", { type: "image/png" }));
                this.anchor.files = files.files;
            },
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
