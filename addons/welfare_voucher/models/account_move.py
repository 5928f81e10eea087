from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    welfare_settlement_id = fields.Many2one("welfare.settlement", readonly=True, copy=False, index=True)

    def _post(self, soft=True):
        """A credit note on an order paid with welfare gives the credit back to the
        vouchers it came from, up to the credited amount, exactly once; the books follow:
        the worker's receivable is settled against the welfare credit liability."""
        posted = super()._post(soft=soft)
        credit_notes = posted.filtered(lambda m: m.move_type == "out_refund" and m.invoice_line_ids.sale_line_ids)
        if not credit_notes:
            return posted
        # A credit note reset to draft and posted again gives nothing back a second time.
        done = set(
            self.env["welfare.voucher.move"]
            .sudo()
            .search([("credit_note_id", "in", credit_notes.ids)])
            .credit_note_id.ids
        )
        for credit_note in credit_notes.filtered(lambda m: m.id not in done):
            lines = credit_note.invoice_line_ids.filtered("sale_line_ids")
            all_redeems = (
                self.env["welfare.voucher.move"]
                .sudo()
                .search([("sale_order_line_id", "in", lines.sale_line_ids.ids), ("move_type", "=", "redeem")])
            )
            refunds = self.env["welfare.voucher.move"]
            for line in lines:
                to_refund = line.price_total
                redeems = all_redeems.filtered(lambda m, line=line: m.sale_order_line_id in line.sale_line_ids)
                for redeem in redeems:
                    if credit_note.currency_id.compare_amounts(to_refund, 0) <= 0:
                        break
                    new = redeem._refund(
                        "credit_note",
                        amount=to_refund,
                        credit_note_id=credit_note.id,
                        reason_params={"credit_note": credit_note.name},
                    )
                    refunds |= new
                    to_refund -= sum(new.mapped("amount"))
            if refunds:
                credit_note._welfare_book_refund(refunds)
        return posted

    def _welfare_book_refund(self, refunds):
        """Dr worker's receivable / Cr welfare credit liability, reconciled with the credit note."""
        self.ensure_one()
        accounts = self.company_id._welfare_accounts()
        amount = sum(refunds.mapped("amount"))
        receivable = self.line_ids.filtered(lambda l: l.account_id.account_type == "asset_receivable")[:1]
        entry = self.company_id._welfare_post_entry(
            self.date,
            self.env._("Welfare credit given back: %(name)s", name=self.name),
            [
                (receivable.account_id, self.commercial_partner_id, amount, self.name),
                (accounts["liability"], self.commercial_partner_id, -amount, self.name),
            ],
        )
        (receivable | entry.line_ids.filtered(lambda l: l.account_id == receivable.account_id)).reconcile()
        refunds.sudo().write({"account_move_id": entry.id})
        return entry
