from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.website_sale.controllers.main import WebsiteSale


class WelfareVoucherWebsiteSale(WebsiteSale):
    """The welfare credit panel of the checkout; the work is in sale.order methods."""

    def _get_shop_payment_values(self, order, **kwargs):
        values = super()._get_shop_payment_values(order, **kwargs)
        values["welfare"] = order._welfare_checkout_summary()
        values["welfare_error"] = request.session.pop("welfare_voucher_error", None)
        return values

    @http.route(["/shop/welfare/apply"], type="http", auth="user", website=True, methods=["POST"])
    def welfare_apply(self, **post):
        order = request.website.sale_get_order()
        if not order:
            return request.redirect("/shop/cart")
        try:
            # A refusal leaves nothing half-written (the request commits afterwards).
            with request.env.cr.savepoint():
                txs = order._welfare_apply_credit()
        except UserError as e:
            request.session["welfare_voucher_error"] = e.args[0]
            return request.redirect("/shop/payment")
        if order.state == "sale":
            request.session["__website_sale_last_tx_id"] = txs[-1:].id
            return request.redirect("/shop/payment/validate")
        # The credit is held, the rest is to pay: the payment page at once, not a redirect
        # to it (one request instead of two on a phone, issue #11). Sent again, the form
        # holds the same credit again.
        return self.shop_payment()

    @http.route(["/shop/welfare/remove"], type="http", auth="user", website=True, methods=["POST"])
    def welfare_remove(self, **post):
        order = request.website.sale_get_order()
        if order:
            try:
                with request.env.cr.savepoint():
                    order._welfare_remove_credit()
            except UserError as e:
                request.session["welfare_voucher_error"] = e.args[0]
        # The payment page at once, not a redirect to it: one request instead of two on
        # a phone (issue #11). Sent again, the form takes off credit that is off already.
        return self.shop_payment()
