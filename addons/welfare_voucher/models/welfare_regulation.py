from odoo import api, fields, models
from odoo.exceptions import ValidationError


class WelfareRegulation(models.Model):
    """An employer's welfare regulation or agreement (regolamento aziendale, accordo o
    contratto aziendale): TUIR art. 51 c.2 exempts employer welfare offered to all
    employees or to categories of them, never chosen worker by worker. The regulation
    names the categories; a campaign of the employer's fund selects exactly them."""

    _name = "welfare.regulation"
    _description = "Employer Welfare Regulation"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    employer_id = fields.Many2one(
        "res.partner",
        required=True,
        tracking=True,
        check_company=True,
        domain="[('welfare_member_type', '!=', False)]",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    kind = fields.Selection(
        [
            ("regulation", "Employer's regulation (unilateral, binding)"),
            ("agreement", "Company or territorial agreement"),
            ("contract", "National collective contract"),
        ],
        required=True,
        default="regulation",
        tracking=True,
        help="TUIR art. 51 c.2 lett. f: services offered by regulation, agreement or contract "
        "(a voluntary regulation is enough for lett. f-bis and f-ter).",
    )
    date = fields.Date(string="Adopted On", required=True, tracking=True)
    scope = fields.Selection(
        [("all", "All employees"), ("categories", "Categories of employees")],
        required=True,
        default="all",
        tracking=True,
    )
    worker_category_ids = fields.Many2many(
        "welfare.worker.category",
        string="Categories of Employees",
        help="The categories this regulation offers welfare to (art. 2095 of the Civil Code "
        "or the collective agreement).",
    )
    document = fields.Binary(string="Signed Document", attachment=True)
    document_name = fields.Char()
    note = fields.Html()

    @api.constrains("scope", "worker_category_ids")
    def _check_categories(self):
        for regulation in self:
            if regulation.scope == "categories" and not regulation.worker_category_ids:
                raise ValidationError(
                    self.env._(
                        "The regulation %(name)s is for categories of employees: name them.", name=regulation.name
                    )
                )

    def _worker_domain(self):
        """The workers this regulation offers welfare to: every active worker of the
        employer, or those in its categories."""
        self.ensure_one()
        domain = [
            ("is_welfare_worker", "=", True),
            ("welfare_worker_state", "=", "active"),
            ("welfare_employer_id", "=", self.employer_id.id),
        ]
        if self.scope == "categories":
            domain.append(("welfare_worker_category_id", "in", self.worker_category_ids.ids))
        return domain
