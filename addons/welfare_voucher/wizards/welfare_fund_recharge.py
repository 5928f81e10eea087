from odoo import fields, models


class WelfareFundRecharge(models.TransientModel):
    """Invoice an employer for what its workers spent from its fund in a period."""

    _name = "welfare.fund.recharge"
    _description = "Recharge an Employer Fund"

    fund_id = fields.Many2one("welfare.fund", required=True, default=lambda self: self.env.context.get("active_id"))
    # A deferred invoice covers one calendar month (DPR 633/72 art. 21 c.4 lett. a).
    date_from = fields.Date(required=True, default=lambda self: fields.Date.context_today(self).replace(day=1))
    date_to = fields.Date(required=True, default=fields.Date.context_today)

    def action_invoice(self):
        invoice = self.fund_id._invoice_employer(self.date_from, self.date_to)
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
        }
