from odoo import api, fields, models
from odoo.exceptions import ValidationError


class WelfareFringeBenefit(models.Model):
    """A fringe benefit the employer gives the worker outside the platform (a company
    car, fuel vouchers, utilities paid...), declared for the worker's yearly ceiling:
    TUIR art. 51 c.3 counts all the goods and services of the year together, and above
    the ceiling the whole amount is taxable."""

    _name = "welfare.fringe.benefit"
    _description = "Fringe Benefit Given outside the Platform"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    worker_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        domain="[('is_welfare_worker', '=', True)]",
    )
    employer_id = fields.Many2one(related="worker_id.welfare_employer_id", store=True, string="Employer", index=True)
    name = fields.Char(string="Description", required=True, tracking=True)
    date = fields.Date(
        string="Made Available On",
        required=True,
        tracking=True,
        help="When the benefit was made available to the worker: it counts in that tax year.",
    )
    year = fields.Integer(string="Tax Year", compute="_compute_year", store=True, index=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(required=True, tracking=True)

    _sql_constraints = [("amount_positive", "CHECK(amount > 0)", "A fringe benefit has a positive value.")]

    @api.depends("date")
    def _compute_year(self):
        Ceiling = self.env["welfare.voucher"]
        for benefit in self:
            benefit.year = Ceiling._c3_tax_year(benefit.date) if benefit.date else 0

    @api.constrains("worker_id")
    def _check_worker(self):
        for benefit in self:
            if not benefit.worker_id.is_welfare_worker:
                raise ValidationError(self.env._("%(name)s is not a welfare worker.", name=benefit.worker_id.name))
