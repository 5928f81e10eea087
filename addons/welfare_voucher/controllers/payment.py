from odoo.http import request, route

from odoo.addons.website_sale.controllers.payment import PaymentPortal


class WelfarePaymentPortal(PaymentPortal):
    @route()
    def shop_payment_transaction(self, order_id, access_token, **kwargs):
        """Split tender: once welfare credit paid part of the cart, the other payment
        method pays exactly the rest."""
        order_sudo = request.env["sale.order"].sudo().browse(order_id).exists()
        if order_sudo and order_sudo.welfare_amount and kwargs.get("amount") is not None:
            remaining = order_sudo.amount_total - order_sudo.amount_paid
            if not order_sudo.currency_id.compare_amounts(float(kwargs["amount"]), remaining):
                return self._welfare_remaining_transaction(order_sudo, access_token, **kwargs)
        return super().shop_payment_transaction(order_id, access_token, **kwargs)

    def _welfare_remaining_transaction(self, order_sudo, access_token, **kwargs):
        self._document_check_access("sale.order", order_sudo.id, access_token)
        order_sudo._check_cart_is_ready_to_be_paid()
        self._validate_transaction_kwargs(kwargs)
        kwargs.update(
            {
                "partner_id": order_sudo.partner_invoice_id.id,
                "currency_id": order_sudo.currency_id.id,
                "sale_order_id": order_sudo.id,
                "amount": order_sudo.amount_total - order_sudo.amount_paid,
            }
        )
        tx_sudo = self._create_transaction(custom_create_values={"sale_order_ids": [(6, 0, order_sudo.ids)]}, **kwargs)
        request.session["__website_sale_last_tx_id"] = tx_sudo.id
        self._validate_transaction_for_order(tx_sudo, order_sudo)
        return tx_sudo._get_processing_values()
