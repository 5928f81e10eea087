from odoo import fields, models


class WelfareVoucherHold(models.Model):
    """Welfare credit reserved on a cart that can still change: a hold, not a payment.

    Applying credit at checkout authorises a welfare payment transaction and holds the
    planned amounts on the vouchers; the ledger is not touched. Any change to the cart
    re-plans or releases the holds; confirming the order captures them (the ledger
    then gets its redemptions, the transaction is done); cancelling or abandoning the
    cart releases them (the transaction is cancelled). A held amount cannot be spent
    elsewhere: the voucher's available credit is its balance minus its holds, taken
    under the voucher's row lock.

    Holds are working state of a payment in progress, not history: the payment
    transaction keeps the history (authorised → done or cancelled) and the ledger
    keeps what was really spent."""

    _name = "welfare.voucher.hold"
    _description = "Welfare Credit Held on a Cart"
    _order = "id"

    voucher_id = fields.Many2one("welfare.voucher", required=True, index=True, ondelete="restrict", readonly=True)
    sale_order_id = fields.Many2one("sale.order", required=True, index=True, ondelete="cascade", readonly=True)
    sale_order_line_id = fields.Many2one(
        "sale.order.line", string="Order Line", required=True, index=True, ondelete="cascade", readonly=True
    )
    transaction_id = fields.Many2one("payment.transaction", required=True, index=True, readonly=True)
    amount = fields.Monetary(required=True, readonly=True)
    currency_id = fields.Many2one(related="voucher_id.currency_id")
    company_id = fields.Many2one(related="voucher_id.company_id", store=True)
    worker_id = fields.Many2one(related="voucher_id.worker_id")
    category_id = fields.Many2one("welfare.service.category", string="Service Category", readonly=True)
    provider_id = fields.Many2one("res.partner", readonly=True)

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "A hold reserves a positive amount."),
    ]
