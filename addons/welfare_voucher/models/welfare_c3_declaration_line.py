from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Art. 12 c.2 TUIR: a family member is fiscally dependent with a yearly income up to
# €2,840.51, or €4,000 for children up to 24 years old (L. 205/2017 art. 1 c.252).
DEPENDENT_INCOME_LIMIT = 2840.51
DEPENDENT_INCOME_LIMIT_YOUNG_CHILD = 4000.0
YOUNG_CHILD_MAX_AGE = 24


class WelfareC3DeclarationLine(models.Model):
    """A child named in a declaration: codice fiscale and the income of that year that
    makes them fiscally dependent (art. 12 c.2 TUIR). Dependency is a fact of the tax
    year, judged here on the year's income, not a permanent flag."""

    _name = "welfare.c3.declaration.line"
    _description = "Dependent Child in a Declaration"

    declaration_id = fields.Many2one("welfare.c3.declaration", required=True, ondelete="cascade", index=True)
    child_id = fields.Many2one(
        "welfare.family.member",
        string="Child",
        required=True,
        ondelete="restrict",
        domain="[('relation', '=', 'child')]",
    )
    fiscalcode = fields.Char(string="Codice Fiscale", related="child_id.fiscalcode")
    currency_id = fields.Many2one(related="declaration_id.company_id.currency_id")
    income = fields.Monetary(
        string="Income of the Year",
        help="The child's total income of the tax year (art. 12 c.2 TUIR): up to €4,000 for "
        "children up to 24 years old, €2,840.51 otherwise.",
    )

    _sql_constraints = [
        ("child_unique", "unique(declaration_id, child_id)", "A child is named once in a declaration."),
        ("income_positive", "CHECK(income >= 0)", "An income cannot be negative."),
    ]

    @api.constrains("child_id", "income")
    def _check_dependent_child(self):
        for line in self:
            declaration = line.declaration_id
            child = line.child_id.sudo()
            if child.worker_id != declaration.worker_id or child.relation != "child":
                raise ValidationError(
                    self.env._(
                        "%(child)s is not a child of %(worker)s.", child=child.name, worker=declaration.worker_id.name
                    )
                )
            if not child.fiscalcode:
                raise ValidationError(
                    self.env._("Enter the codice fiscale of %(child)s: the declaration names it.", child=child.name)
                )
            age_in_year = declaration.year - child.birth_date.year
            limit = DEPENDENT_INCOME_LIMIT_YOUNG_CHILD if age_in_year <= YOUNG_CHILD_MAX_AGE else DEPENDENT_INCOME_LIMIT
            if line.currency_id.compare_amounts(line.income, limit) > 0:
                raise ValidationError(
                    self.env._(
                        "With an income of %(income)s in %(year)s, %(child)s is not fiscally dependent "
                        "(art. 12 c.2 TUIR: at most %(limit)s).",
                        income=line.currency_id.format(line.income),
                        year=declaration.year,
                        child=child.name,
                        limit=line.currency_id.format(limit),
                    )
                )
