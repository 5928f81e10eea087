import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("welfare_catalog_shop_km0", {
    steps: () => [
        {
            content: "Both producers are in the shop",
            trigger: ".oe_product_cart a:contains('Salame di Fattoria Beta')",
        },
        {
            content: "Keep only km 0 products",
            trigger: "form.o_welfare_filters input[name='welfare_km0']",
            run: "click",
        },
        {
            content: "The km 0 product has its badge",
            trigger: ".oe_product_cart:has(a:contains('Olio del Sebino')) .o_welfare_badge_km0",
        },
        {
            content: "The producer outside the ambits is filtered out",
            trigger: "body:not(:has(.oe_product_cart a:contains('Salame di Fattoria Beta')))",
        },
        {
            content: "Open the producer's page from the card",
            trigger: ".oe_product_cart:has(a:contains('Olio del Sebino')) a.o_welfare_provider_link",
            run: "click",
        },
        {
            content: "The producer's public page",
            trigger: ".o_welfare_provider_page h1:contains('Cascina Alfa')",
        },
        {
            content: "It lists the producer's offer",
            trigger: ".o_welfare_provider_listing a:contains('Olio del Sebino')",
        },
    ],
});
