from odoo.exceptions import ValidationError
from odoo.http import request, route

from odoo.addons.website_sale.controllers.payment import PaymentPortal


class WelfarePaymentPortal(PaymentPortal):
    """Split tender: when welfare credit is held on (or paid) part of the cart, the
    other payment method pays exactly the rest. The core route keeps all its checks
    (access token first, order lock, cancelled, already paid, cart changed): it is
    called asking for the whole cart, and only the created transaction's amount
    becomes the rest. Nothing here answers differently before the access check."""

    @route()
    def shop_payment_transaction(self, order_id, access_token=None, **kwargs):
        """``access_token`` may be missing from a forged call: the core's access check
        then refuses it (instead of a TypeError)."""
        requested = kwargs.get("amount")
        if requested is not None and (isinstance(requested, bool) or not isinstance(requested, int | float)):
            raise ValidationError(request.env._("The amount to pay is not a number."))
        order_sudo = request.env["sale.order"].sudo().browse(order_id).exists()
        if order_sudo and order_sudo.welfare_amount:
            # The amount asked is checked against the rest once the core has checked the
            # access token and locked the order (in _create_transaction).
            kwargs["amount"] = order_sudo.amount_total
            request.update_context(
                welfare_voucher_split_order_id=order_sudo.id, welfare_voucher_requested_amount=requested
            )
        return super().shop_payment_transaction(order_id, access_token, **kwargs)

    def _create_transaction(self, *args, amount=None, **kwargs):
        """The rest of a cart partly paid with welfare credit (the order is locked by now)."""
        order_id = request.env.context.get("welfare_voucher_split_order_id")
        if order_id and kwargs.get("custom_create_values", {}).get("sale_order_ids"):
            order_sudo = request.env["sale.order"].sudo().browse(order_id)
            amount = order_sudo.currency_id.round(order_sudo.amount_total - order_sudo.amount_paid)
            requested = request.env.context.get("welfare_voucher_requested_amount")
            if requested is not None and order_sudo.currency_id.compare_amounts(requested, amount):
                # A page left open before the credit was applied asks for the whole cart:
                # paying it would pay the welfare part twice.
                raise ValidationError(request.env._("The cart has been updated. Please refresh the page."))
        return super()._create_transaction(*args, amount=amount, **kwargs)
