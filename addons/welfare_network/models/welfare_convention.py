from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class WelfareConvention(models.Model):
    """Agreement (convenzione) between the network and a provider or producer:
    what it may sell through the network, for how long, at which commission."""

    _name = "welfare.convention"
    _description = "Provider Convention"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Provider",
        required=True,
        index=True,
        tracking=True,
        domain="['|', ('is_welfare_provider', '=', True), ('is_welfare_producer', '=', True)]",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("active", "Active"),
            ("expired", "Expired"),
            ("terminated", "Terminated"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    date_start = fields.Date(string="Valid From", required=True, tracking=True, default=fields.Date.context_today)
    date_end = fields.Date(string="Valid Until", tracking=True, help="Leave empty for an open-ended convention.")
    commission_percent = fields.Float(
        string="Commission (%)",
        digits=(5, 2),
        tracking=True,
        help="Share of each redeemed amount the network keeps on settlement.",
    )
    signed_file = fields.Binary(string="Signed Convention", attachment=True, copy=False)
    signed_filename = fields.Char()
    termination_reason = fields.Text(tracking=True)
    note = fields.Html()

    _sql_constraints = [
        (
            "commission_range",
            "CHECK(commission_percent >= 0 AND commission_percent <= 100)",
            "The commission must be between 0% and 100%.",
        ),
        (
            "dates_order",
            "CHECK(date_end IS NULL OR date_end >= date_start)",
            "A convention cannot end before it starts.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("welfare.convention") or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        # Commissions are part of the agreement: they change only by a new
        # convention, never unilaterally on an active one.
        if "commission_percent" in vals and any(c.state != "draft" for c in self):
            raise UserError(
                self.env._(
                    "The commission of an active or past convention cannot change: terminate it and sign a new one."
                )
            )
        return super().write(vals)

    @api.constrains("partner_id")
    def _check_partner_role(self):
        for convention in self:
            partner = convention.partner_id
            if not (partner.is_welfare_provider or partner.is_welfare_producer):
                raise ValidationError(
                    self.env._(
                        "%(partner)s is neither a service provider nor a producer.", partner=partner.display_name
                    )
                )

    def _is_valid_on(self, on_date):
        """True when the convention is active and ``on_date`` is within its validity."""
        self.ensure_one()
        return self.state == "active" and self.date_start <= on_date and (not self.date_end or self.date_end >= on_date)

    @api.model
    def _search_valid_on(self, on_date):
        return self._search(
            [
                ("state", "=", "active"),
                ("date_start", "<=", on_date),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", on_date),
            ]
        )

    def action_activate(self):
        for convention in self:
            if convention.state != "draft":
                raise UserError(self.env._("Only draft conventions can be activated (%(name)s).", name=convention.name))
            if not convention.signed_file:
                raise UserError(
                    self.env._("Attach the signed convention %(name)s before activating it.", name=convention.name)
                )
        self.write({"state": "active"})

    def action_terminate(self):
        for convention in self:
            if convention.state != "active":
                raise UserError(
                    self.env._("Only active conventions can be terminated (%(name)s).", name=convention.name)
                )
            if not convention.termination_reason:
                raise UserError(self.env._("Write why the convention %(name)s is terminated.", name=convention.name))
        today = fields.Date.context_today(self)
        for convention in self:
            convention.write(
                {
                    "state": "terminated",
                    "date_end": min(convention.date_end or today, today),
                }
            )

    @api.model
    def _cron_expire(self):
        """Daily: active conventions past their end date become expired."""
        expired = self.search(
            [
                ("state", "=", "active"),
                ("date_end", "<", fields.Date.context_today(self)),
            ]
        )
        expired.write({"state": "expired"})
        return expired
