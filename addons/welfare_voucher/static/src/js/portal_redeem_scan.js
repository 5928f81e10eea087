import { Component } from "@odoo/owl";
import { scanBarcode } from "@web/core/barcode/barcode_dialog";
import { isBarcodeScannerSupported } from "@web/core/barcode/barcode_video_scanner";
import { browser } from "@web/core/browser/browser";
import publicWidget from "@web/legacy/js/public/public_widget";

// Where Odoo's scanner keeps the frame the user last chose (web.CropOverlay).
const CROP_KEY = "o-barcode-scanner-overlay";

/**
 * /my/redeem: the provider scans the worker's QR code (it carries the voucher code)
 * with Odoo's own scanner (BarcodeDetector, or ZXing where the browser has none).
 * The button stays hidden without a camera API: typing the code always works.
 */
publicWidget.registry.WelfareRedeemScan = publicWidget.Widget.extend({
    selector: ".o_welfare_redeem_form",
    events: { "click .o_welfare_scan": "_onScanClick" },

    start() {
        const button = this.el.querySelector(".o_welfare_scan");
        button?.classList.toggle("d-none", !isBarcodeScannerSupported());
        return this._super(...arguments);
    },

    async _onScanClick(ev) {
        ev.preventDefault();
        if (!browser.localStorage.getItem(CROP_KEY)) {
            // Odoo frames a thin strip, for barcodes: a square QR code does not fit in
            // it. Unless the user framed it already, look at the whole picture (no
            // margin: ZXing then reads the whole frame, whatever the screen's scale).
            browser.localStorage.setItem(CROP_KEY, JSON.stringify({ x: 0, y: 0 }));
        }
        // Camera errors are told in Odoo's dialog; closing it leaves the field as it was.
        const value = await scanBarcode(Component.env);
        const input = this.el.querySelector("input[name='code']");
        input.value = value.trim().toUpperCase();
        input.dispatchEvent(new Event("change", { bubbles: true }));
        // Next comes the worker's consent: the PIN.
        this.el.querySelector("input[name='pin']")?.focus();
    },
});
