from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    welfare_settlement_id = fields.Many2one(
        "welfare.settlement",
        string="Provider Settlement",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="On a credit note to a worker for a provider's listing: the settlement in which the provider "
        "credits the network in turn.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get("welfare_settlement_id") for vals in vals_list):
            raise UserError(self.env._("Only a provider settlement settles a credit note."))
        return super().create(vals_list)

    def write(self, vals):
        if "welfare_settlement_id" in vals and not self.env.su:
            raise UserError(self.env._("Only a provider settlement settles a credit note."))
        return super().write(vals)

    def remove_move_reconcile(self):
        """The employer's payment that became a fund's advance stays matched with it
        (a payment reset or cancelled, a bank statement line unmatched would leave an
        advance of money that never came): the advance is reversed first."""
        if not self.env.context.get("welfare_voucher_advance_reversal"):
            counterparts = self.matched_debit_ids.debit_move_id | self.matched_credit_ids.credit_move_id
            received = (
                (self | counterparts)
                .sudo()
                .move_id.filtered(lambda m: m.welfare_advance_operation == "receive" and m.state == "posted")
            )
            if received:
                raise UserError(
                    self.env._(
                        "This payment is the advance of %(funds)s: reverse the advance entry %(entries)s first.",
                        funds=", ".join(received.welfare_fund_id.mapped("name")),
                        entries=", ".join(received.mapped("name")),
                    )
                )
        return super().remove_move_reconcile()
