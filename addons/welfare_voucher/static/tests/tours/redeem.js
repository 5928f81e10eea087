import { registry } from "@web/core/registry";
import { noSideScroll, screenshot, tourCookie } from "./tour_utils";

/**
 * A provider redeems a voucher at /my/redeem: scans the worker's QR code (a fake camera
 * shows the voucher's own QR image to Odoo's scanner), asks for the PIN, fills the rest.
 */
registry.category("web_tour.tours").add("welfare_voucher_redeem", {
    steps: () => {
        const code = tourCookie("welfare_tour_code");
        return [
            {
                content: "The redemption form",
                trigger: "form.o_welfare_redeem_form",
            },
            noSideScroll("/my/redeem"),
            {
                content: "The camera films the worker's QR code",
                trigger: "form.o_welfare_redeem_form",
                async run() {
                    const qr = new Image();
                    // The voucher page's QR image (welfare.voucher.qr_url).
                    const value = encodeURIComponent(code);
                    qr.src = `/report/barcode/?barcode_type=QR&value=${value}&width=252&height=252`;
                    await qr.decode();
                    const canvas = document.createElement("canvas");
                    canvas.width = 332;
                    canvas.height = 332;
                    const context = canvas.getContext("2d");
                    const film = () => {
                        context.fillStyle = "white";
                        context.fillRect(0, 0, canvas.width, canvas.height);
                        context.drawImage(qr, 40, 40);
                    };
                    film();
                    setInterval(film, 100);
                    navigator.mediaDevices.getUserMedia = async () => canvas.captureStream(10);
                },
            },
            {
                content: "Scan the QR code",
                trigger: "button.o_welfare_scan:visible",
                run: "click",
            },
            {
                content: "The scanned code is in the field",
                trigger: `input[name='code']:value(${code})`,
                // ZXing reads a frame in a blink, or in seconds on a busy machine.
                timeout: 30000,
            },
            {
                content: "The scanner is closed",
                trigger: "body:not(:has(.o-barcode-modal))",
            },
            {
                content: "The worker tells the PIN",
                trigger: "input[name='pin']",
                run: `edit ${tourCookie("welfare_tour_pin")}`,
            },
            {
                content: "Choose the service",
                trigger: "select[name='category_id']",
                run: "selectByIndex 0",
            },
            {
                content: "Amount",
                trigger: "input[name='amount']",
                run: "edit 40",
            },
            {
                content: "What was delivered",
                trigger: "input[name='description']",
                run: "edit Retta novembre",
            },
            {
                content: "The provider's receipt to the worker",
                trigger: "input[name='document_ref']",
                run: "edit RIC 2026/118",
            },
            screenshot("redeem_form"),
            {
                content: "Redeem",
                trigger: "form.o_welfare_redeem_form button[type='submit']",
                run: "click",
            },
            {
                content: "Redeemed",
                trigger: ".o_welfare_success",
            },
            noSideScroll("/my/redeem after redeeming"),
            screenshot("redeem_success"),
        ];
    },
});
