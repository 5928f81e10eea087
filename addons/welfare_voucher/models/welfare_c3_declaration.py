from odoo import api, fields, models
from odoo.exceptions import ValidationError


class WelfareC3Declaration(models.Model):
    """A worker's written declaration, for one tax year, that they have fiscally
    dependent children (art. 12 c.2 TUIR), naming each child's codice fiscale: it
    raises the worker's fringe-benefit ceiling of that year (TUIR art. 51 c.3 as set
    for 2025-2027 by L. 207/2024 art. 1 c.390-391; circ. 4/E of 16 May 2025 §2.7).
    Each parent who declares the children gets the higher ceiling in full."""

    _name = "welfare.c3.declaration"
    _description = "Declaration of Dependent Children (Fringe Benefits)"
    _inherit = ["mail.thread", "welfare.worker.document.mixin"]
    _order = "year desc, id desc"

    year = fields.Integer(string="Tax Year", required=True, tracking=True)
    date = fields.Date(string="Signed On", required=True, default=fields.Date.context_today, tracking=True)
    line_ids = fields.One2many("welfare.c3.declaration.line", "declaration_id", string="Dependent Children")
    document = fields.Binary(string="Signed Declaration", attachment=True)
    document_name = fields.Char()

    _sql_constraints = [
        ("worker_year_unique", "unique(worker_id, year)", "A worker makes one declaration per tax year."),
    ]

    @api.constrains("line_ids", "worker_id", "year")
    def _check_children(self):
        for declaration in self:
            if not declaration.line_ids:
                raise ValidationError(
                    self.env._("The declaration must name at least one dependent child with their codice fiscale.")
                )

    def _compute_display_name(self):
        for declaration in self:
            declaration.display_name = self.env._(
                "%(worker)s, %(year)s", worker=declaration.worker_id.name or "", year=declaration.year
            )

    @api.model
    def _workers_with_children(self, workers, year):
        """The workers among ``workers`` who declared dependent children for ``year``."""
        groups = self.sudo()._read_group([("worker_id", "in", workers.ids), ("year", "=", year)], ["worker_id"])
        return self.env["res.partner"].browse([worker.id for (worker,) in groups])
