from odoo import fields, models


class WelfareAmbit(models.Model):
    """A territorial ambit: the social-services district of a group of
    municipalities (for example Val Cavallina, Basso Sebino)."""

    _name = "welfare.ambit"
    _description = "Territorial Ambit"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short code used in reports and imports.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    lead_municipality_id = fields.Many2one(
        "welfare.municipality",
        help="Municipality that leads the ambit (capofila).",
    )
    municipality_ids = fields.One2many("welfare.municipality", "ambit_id", string="Municipalities")
    municipality_count = fields.Integer(compute="_compute_municipality_count")
    partner_ids = fields.One2many("res.partner", "welfare_ambit_id", string="Partners")
    note = fields.Html()

    _sql_constraints = [
        ("code_unique", "unique(code)", "The ambit code must be unique."),
    ]

    def _compute_municipality_count(self):
        for ambit in self:
            ambit.municipality_count = len(ambit.municipality_ids)
