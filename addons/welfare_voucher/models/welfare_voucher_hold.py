from odoo import fields, models
from odoo.tools import SQL


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
    company_id = fields.Many2one(related="voucher_id.company_id", store=True, precompute=True)
    worker_id = fields.Many2one(related="voucher_id.worker_id")
    category_id = fields.Many2one("welfare.service.category", string="Service Category", readonly=True)
    provider_id = fields.Many2one("res.partner", readonly=True)

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "A hold reserves a positive amount."),
    ]

    def _drop(self):
        """Delete these holds once their credit is spent or given back. Holds are working
        state: no attachment, external id or default ever points at one, and nothing is
        stored from them; one DELETE does what ``unlink`` would, without invalidating the
        whole record cache of the request (a checkout would read its order, lines,
        vouchers and partners again, field by field in the confirmation e-mail)."""
        if not self:
            return
        vouchers, orders = self.voucher_id, self.sale_order_id
        self.flush_model()
        with self.env.protecting(self._fields.values(), self):
            self.modified(self._fields, before=True)
        self.env.cr.execute(SQL("DELETE FROM welfare_voucher_hold WHERE id IN %s", tuple(self.ids)))
        self.invalidate_recordset(flush=False)
        vouchers.invalidate_recordset(["hold_ids", "amount_held", "amount_available"], flush=False)
        orders.invalidate_recordset(["welfare_hold_ids", "welfare_amount"], flush=False)
