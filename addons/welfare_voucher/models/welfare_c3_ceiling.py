from odoo import api, fields, models
from odoo.exceptions import ValidationError

# TUIR art. 51 c.3, third period: the ordinary ceiling when no budget law sets another.
ORDINARY_C3_CEILING = 258.23


class WelfareC3Ceiling(models.Model):
    """The yearly exempt ceiling of fringe benefits (TUIR art. 51 c.3), as each budget
    law sets it: 2025-2027 €1,000, or €2,000 for workers with fiscally dependent
    children (L. 207/2024 art. 1 c.390-391; circ. 4/E of 16 May 2025 §2.7). Above the
    ceiling the whole amount becomes taxable, not only the excess."""

    _name = "welfare.c3.ceiling"
    _description = "Fringe-benefit Ceiling of a Tax Year"
    _order = "year desc"

    year = fields.Integer(required=True)
    currency_id = fields.Many2one("res.currency", required=True, default=lambda self: self.env.ref("base.EUR"))
    amount = fields.Monetary(string="Ceiling", required=True)
    amount_with_children = fields.Monetary(
        string="Ceiling with Dependent Children",
        required=True,
        help="For workers who declared fiscally dependent children (art. 12 c.2 TUIR) with their codici fiscali.",
    )
    legal_reference = fields.Char(required=True)

    _sql_constraints = [
        ("year_unique", "unique(year)", "There is one ceiling per tax year."),
        ("amounts_positive", "CHECK(amount > 0 AND amount_with_children >= amount)", "The ceilings are positive."),
    ]

    @api.constrains("year")
    def _check_year(self):
        for ceiling in self:
            if not 2000 <= ceiling.year <= 2100:
                raise ValidationError(self.env._("%(year)s is not a tax year.", year=ceiling.year))

    @api.model
    def _ceiling_for(self, year, with_children):
        """The exempt ceiling of ``year``; the ordinary €258.23 of art. 51 c.3 for a year
        no budget law has raised."""
        ceiling = self.sudo().search([("year", "=", year)], limit=1)
        if not ceiling:
            return ORDINARY_C3_CEILING
        return ceiling.amount_with_children if with_children else ceiling.amount

    def _compute_display_name(self):
        for ceiling in self:
            ceiling.display_name = str(ceiling.year)
