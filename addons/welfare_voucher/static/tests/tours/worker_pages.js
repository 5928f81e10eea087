import { registry } from "@web/core/registry";
import { noSideScroll } from "./tour_utils";

/**
 * The worker's pages fit the screen: the shop with its filters and badges, "Il mio
 * welfare", a voucher and its PIN.
 */
registry.category("web_tour.tours").add("welfare_voucher_worker_pages", {
    steps: () => [
        {
            content: "The shop's welfare filters",
            trigger: "form.o_welfare_filters select[name='welfare_ambit']",
        },
        {
            content: "A card with its welfare badges",
            trigger: ".oe_product_cart .o_welfare_badge_voucher",
        },
        noSideScroll("/shop"),
        {
            content: "Keep only km 0 products",
            trigger: "form.o_welfare_filters input[name='welfare_km0']",
            run: "click",
        },
        {
            content: "Only km 0 cards are left",
            trigger: ".oe_product_cart .o_welfare_badge_km0",
        },
        {
            content: "The nursery is filtered out",
            trigger: "body:not(:has(.oe_product_cart a:contains('Retta nido test')))",
        },
        noSideScroll("/shop filtered"),
        {
            content: "Go to my welfare",
            trigger: "body",
            run: "goToUrl /my/welfare",
        },
        {
            content: "My welfare credit",
            trigger: ".o_welfare_my_welfare .o_welfare_fund_balance",
        },
        noSideScroll("/my/welfare"),
        {
            content: "Open the voucher",
            trigger: ".o_welfare_voucher_row a[href^='/my/welfare/voucher/']",
            run: "click",
        },
        {
            content: "The voucher and its QR code",
            trigger: ".o_welfare_voucher_card img[alt='QR']",
        },
        noSideScroll("the voucher page"),
        {
            content: "Make a PIN for a provider",
            trigger: ".o_welfare_pin form button[type='submit']",
            run: "click",
        },
        {
            content: "The PIN",
            trigger: ".o_welfare_pin_value",
        },
        noSideScroll("the voucher page with its PIN"),
    ],
});
