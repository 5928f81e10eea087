from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    welfare_settlement_id = fields.Many2one(
        "welfare.settlement",
        string="Provider Settlement",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="On a credit note to a worker for a provider's listing: the settlement in which the provider "
        "credits the network in turn.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get("welfare_settlement_id") for vals in vals_list):
            raise UserError(self.env._("Only a provider settlement settles a credit note."))
        return super().create(vals_list)

    def write(self, vals):
        if "welfare_settlement_id" in vals and not self.env.su:
            raise UserError(self.env._("Only a provider settlement settles a credit note."))
        return super().write(vals)
