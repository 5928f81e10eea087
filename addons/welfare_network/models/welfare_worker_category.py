from odoo import fields, models


class WelfareWorkerCategory(models.Model):
    """A category of employees (art. 2095 of the Civil Code: executives, middle managers,
    clerks, manual workers; or one defined by a collective agreement). Employer welfare
    under TUIR art. 51 c.2 is exempt only when offered to all employees or to categories
    of them, never to single workers: the employer's regulation names the categories."""

    _name = "welfare.worker.category"
    _description = "Category of Employees"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Stable code used by imports and payroll integrations.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [("code_unique", "unique(code)", "The code of a category of employees is unique.")]
