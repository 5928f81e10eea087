from odoo import fields, models


class WelfareFundStatement(models.TransientModel):
    """Print the funder's statement (rendicontazione) of a fund for a period."""

    _name = "welfare.fund.statement"
    _description = "Funder Statement"

    fund_id = fields.Many2one("welfare.fund", required=True, default=lambda self: self.env.context.get("active_id"))
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True, default=fields.Date.context_today)

    def action_print(self):
        return self.env.ref("welfare_voucher.action_report_welfare_fund_statement").report_action(
            self.fund_id, data={"date_from": str(self.date_from), "date_to": str(self.date_to)}
        )
