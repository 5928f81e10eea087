from odoo import api, fields, models


class WelfareFringeBenefit(models.Model):
    """A fringe benefit the employer gives the worker outside the platform (a company
    car, fuel vouchers, utilities paid...), declared for the worker's yearly ceiling:
    TUIR art. 51 c.3 counts all the goods and services of the year together, and above
    the ceiling the whole amount is taxable."""

    _name = "welfare.fringe.benefit"
    _description = "Fringe Benefit Given outside the Platform"
    _inherit = ["mail.thread", "welfare.worker.document.mixin"]
    _order = "date desc, id desc"

    name = fields.Char(string="Description", required=True, tracking=True)
    date = fields.Date(
        string="Made Available On",
        required=True,
        tracking=True,
        help="When the benefit was made available to the worker: it counts in that tax year.",
    )
    year = fields.Integer(string="Tax Year", compute="_compute_year", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(required=True, tracking=True)

    _sql_constraints = [("amount_positive", "CHECK(amount > 0)", "A fringe benefit has a positive value.")]

    @api.depends("date")
    def _compute_year(self):
        Ceiling = self.env["welfare.voucher"]
        for benefit in self:
            benefit.year = Ceiling._c3_tax_year(benefit.date) if benefit.date else 0
