from odoo import api, fields, models


class WelfareMunicipality(models.Model):
    """A municipality (comune) and the territorial ambit it belongs to."""

    _name = "welfare.municipality"
    _description = "Municipality"
    _order = "name"

    name = fields.Char(required=True)
    istat_code = fields.Char(string="ISTAT Code")
    zip = fields.Char(string="ZIP")
    state_id = fields.Many2one(
        "res.country.state",
        string="Province",
        default=lambda self: self.env.ref("base.state_it_bg", raise_if_not_found=False),
    )
    ambit_id = fields.Many2one("welfare.ambit", index=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("name_state_unique", "unique(name, state_id)", "A municipality can be registered only once per province."),
    ]

    @api.model
    def _find_by_city(self, city):
        """Return the municipality whose name matches ``city`` (case-insensitive)."""
        if not city:
            return self.browse()
        return self.search([("name", "=ilike", city.strip())], limit=1)
