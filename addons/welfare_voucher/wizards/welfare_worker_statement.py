from odoo import fields, models


class WelfareWorkerStatement(models.TransientModel):
    """Print each selected worker's yearly statement of c.3 fringe benefits, for payroll."""

    _name = "welfare.worker.statement"
    _description = "Worker Fringe-benefit Statement"

    worker_ids = fields.Many2many(
        "res.partner", string="Workers", default=lambda self: self.env.context.get("active_ids")
    )
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year)

    def action_print(self):
        return self.env.ref("welfare_voucher.action_report_worker_c3_statement").report_action(
            self.worker_ids, data={"year": self.year}
        )
