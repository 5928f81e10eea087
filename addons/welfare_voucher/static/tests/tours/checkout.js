import { registry } from "@web/core/registry";
import * as tourUtils from "@website_sale/js/tours/tour_utils";
import { noSideScroll, screenshot } from "./tour_utils";

registry.category("web_tour.tours").add("welfare_voucher_checkout", {
    steps: () => [
        {
            content: "The listing can be paid with vouchers",
            trigger: ".o_welfare_badge_voucher",
        },
        noSideScroll("the listing"),
        {
            content: "Add it to the cart",
            trigger: "#add_to_cart",
            run: "click",
        },
        tourUtils.goToCart({ quantity: 1 }),
        {
            content: "The cart",
            trigger: "#cart_products",
        },
        noSideScroll("the cart"),
        tourUtils.goToCheckout(),
        {
            content: "The welfare panel says how much it can pay",
            trigger: ".o_welfare_checkout .o_welfare_coverable",
        },
        {
            content: "Pay with welfare credit",
            trigger: "button.o_welfare_apply",
            run: "click",
        },
        {
            content: "The welfare part is paid",
            trigger: ".o_welfare_checkout .o_welfare_paid",
        },
        noSideScroll("the payment page with the welfare panel"),
        screenshot("purchase_welfare_paid"),
        {
            content: "Pay the rest with the demo provider",
            trigger: 'input[name="o_payment_radio"][data-payment-method-code="demo"]',
            run: "click",
        },
        {
            content: "Demo card number",
            trigger: 'input[name="customer_input"]',
            run: "edit 4242424242424242",
        },
        tourUtils.pay(),
        {
            content: "Paid in full: welfare plus the demo payment",
            trigger: ".oe_website_sale_tx_status:not(:has(.bg-warning,.bg-danger)) .o_welfare_paid_summary",
            timeout: 20000,
        },
        noSideScroll("the order confirmation"),
        screenshot("purchase_confirmed"),
    ],
});
