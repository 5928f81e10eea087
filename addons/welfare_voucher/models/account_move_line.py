from odoo import fields, models


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
