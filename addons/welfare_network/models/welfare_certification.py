from odoo import api, fields, models


class WelfareCertification(models.Model):
    """Sustainability certification of a provider or producer
    (environmental, territorial or social), with its evidence and validity."""

    _name = "welfare.certification"
    _description = "Sustainability Certification"
    _inherit = ["mail.thread"]
    _order = "is_expired, date_valid_until desc, id desc"

    name = fields.Char(
        string="Certification",
        required=True,
        tracking=True,
        help="For example: Ecolabel UE, Biologico, Bilancio sociale.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Holder",
        required=True,
        index=True,
        tracking=True,
        domain="['|', ('is_welfare_provider', '=', True), ('is_welfare_producer', '=', True)]",
    )
    kind = fields.Selection(
        [
            ("environmental", "Environmental"),
            ("territorial", "Territorial"),
            ("social", "Social"),
        ],
        required=True,
        tracking=True,
    )
    issuer = fields.Char(required=True, tracking=True)
    # The shop shows what a certification is (name, kind, issuer) and until when it is valid;
    # its register entry and evidence documents are for the network's staff only.
    reference = fields.Char(tracking=True, help="Certificate number or register entry.", groups="base.group_user")
    date_issued = fields.Date(string="Issued On")
    date_valid_until = fields.Date(string="Valid Until", tracking=True, help="Leave empty when it does not expire.")
    evidence_file = fields.Binary(string="Evidence", attachment=True, groups="welfare_network.group_welfare_backoffice")
    evidence_filename = fields.Char(groups="welfare_network.group_welfare_backoffice")
    is_expired = fields.Boolean(
        string="Expired",
        compute="_compute_is_expired",
        store=True,
        index=True,
        help="Set automatically when the validity date has passed.",
    )

    _sql_constraints = [
        (
            "dates_order",
            "CHECK(date_valid_until IS NULL OR date_issued IS NULL OR date_valid_until >= date_issued)",
            "A certification cannot expire before it is issued.",
        ),
    ]

    @api.depends("date_valid_until")
    def _compute_is_expired(self):
        today = fields.Date.context_today(self)
        for certification in self:
            certification.is_expired = bool(certification.date_valid_until and certification.date_valid_until < today)

    @api.model
    def _cron_flag_expired(self):
        """Daily: flag certifications whose validity ended and tell their holder's followers."""
        to_flag = self.search(
            [
                ("is_expired", "=", False),
                ("date_valid_until", "<", fields.Date.context_today(self)),
            ]
        )
        # Time passed, nothing was written: mark the dependents (listings on sale...) too.
        to_flag.modified(["date_valid_until"])
        to_flag.flush_recordset(["is_expired"])
        for certification in to_flag:
            certification.message_post(
                body=self.env._("The certification expired on %(date)s.", date=certification.date_valid_until)
            )
        return to_flag
