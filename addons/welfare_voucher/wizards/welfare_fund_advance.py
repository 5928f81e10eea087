from odoo import api, fields, models


class WelfareFundAdvance(models.TransientModel):
    """Make the employer's payment the fund's advance (provvista), or give back what is
    left of it (docs/fiscal-model.md, flow g). The money itself comes and goes through
    the employer's receivable, registered and paid the usual way."""

    _name = "welfare.fund.advance"
    _description = "Employer's Advance for a Fund"

    fund_id = fields.Many2one("welfare.fund", required=True, default=lambda self: self.env.context.get("active_id"))
    currency_id = fields.Many2one(related="fund_id.currency_id")
    advance_balance = fields.Monetary(related="fund_id.advance_balance")
    employer_open_credit = fields.Monetary(
        string="Employer's Payments Not Matched",
        compute="_compute_employer_open_credit",
        help="What the employer paid on its receivable and is matched to no invoice yet.",
    )
    operation = fields.Selection(
        [("receive", "The employer's payment becomes the advance"), ("return", "Unused advance given back")],
        required=True,
        default=lambda self: self.env.context.get("welfare_voucher_advance_operation", "receive"),
    )
    amount = fields.Monetary(required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)

    @api.depends("fund_id")
    def _compute_employer_open_credit(self):
        for wizard in self:
            fund = wizard.fund_id
            wizard.employer_open_credit = fund._employer_open_credit() if fund.employer_id else 0.0

    def action_post(self):
        self.ensure_one()
        entry = self.fund_id._register_advance(self.operation, self.amount, self.date)
        return {"type": "ir.actions.act_window", "res_model": "account.move", "res_id": entry.id, "view_mode": "form"}
