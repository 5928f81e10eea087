from odoo import fields, models


class WelfareFundAdvance(models.TransientModel):
    """Register the employer's advance (provvista) received for a fund, or give back
    what is left of it (docs/fiscal-model.md, flow g)."""

    _name = "welfare.fund.advance"
    _description = "Employer's Advance for a Fund"

    fund_id = fields.Many2one("welfare.fund", required=True, default=lambda self: self.env.context.get("active_id"))
    company_id = fields.Many2one(related="fund_id.company_id")
    currency_id = fields.Many2one(related="fund_id.currency_id")
    advance_balance = fields.Monetary(related="fund_id.advance_balance")
    operation = fields.Selection(
        [("receive", "Advance received"), ("return", "Unused advance given back")],
        required=True,
        default=lambda self: self.env.context.get("welfare_voucher_advance_operation", "receive"),
    )
    amount = fields.Monetary(required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    journal_id = fields.Many2one(
        "account.journal",
        string="Bank Journal",
        required=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
    )

    def action_post(self):
        self.ensure_one()
        entry = self.fund_id._register_advance(self.operation, self.amount, self.date, self.journal_id)
        return {"type": "ir.actions.act_window", "res_model": "account.move", "res_id": entry.id, "view_mode": "form"}
