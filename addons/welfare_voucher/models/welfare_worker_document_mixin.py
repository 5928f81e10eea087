from odoo import api, fields, models
from odoo.exceptions import ValidationError


class WelfareWorkerDocumentMixin(models.AbstractModel):
    """What a worker's payroll and tax records share (declarations of dependent
    children, fringe benefits given outside the platform, productivity-bonus choices):
    the worker, their employer (whose HR referent manages the record) and the company."""

    _name = "welfare.worker.document.mixin"
    _description = "Welfare: a Worker's Payroll Record"

    worker_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        domain="[('is_welfare_worker', '=', True)]",
    )
    employer_id = fields.Many2one(related="worker_id.welfare_employer_id", store=True, string="Employer", index=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)

    @api.constrains("worker_id")
    def _check_welfare_worker(self):
        for record in self:
            if not record.worker_id.is_welfare_worker:
                raise ValidationError(self.env._("%(name)s is not a welfare worker.", name=record.worker_id.name))
