from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

OPEN_STATES = ("review", "active", "suspended")


class WelfareMembership(models.Model):
    """Adhesion of an organisation to the network pact.

    Lifecycle: draft (proposed) -> review -> active <-> suspended -> ended.
    """

    _name = "welfare.membership"
    _description = "Network Membership"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_signed desc, id desc"
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
        string="Member",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
        check_company=True,
    )
    member_type = fields.Selection(
        related="partner_id.welfare_member_type",
        readonly=False,
        store=True,
        string="Member Type",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    state = fields.Selection(
        [
            ("draft", "Proposed"),
            ("review", "Under Review"),
            ("active", "Active"),
            ("suspended", "Suspended"),
            ("ended", "Ended"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    date_signed = fields.Date(string="Pact Signed On", tracking=True)
    date_start = fields.Date(string="Active Since", readonly=True, copy=False, tracking=True)
    date_end = fields.Date(string="Ended On", readonly=True, copy=False, tracking=True)
    pact_file = fields.Binary(string="Signed Pact", attachment=True, copy=False)
    pact_filename = fields.Char()
    employee_count = fields.Integer(
        string="Declared Employees",
        tracking=True,
        help="Number of employees declared at adhesion; unions and federations may sign without employees (0).",
    )
    worker_count = fields.Integer(
        string="Registered Workers",
        related="partner_id.welfare_employee_count",
    )
    contact_user_id = fields.Many2one(
        "res.users",
        string="HR Referent",
        domain="[('share', '=', False)]",
        help="Back-office user who manages the member's workers.",
    )
    suspension_reason = fields.Text(tracking=True)
    note = fields.Html()

    _sql_constraints = [
        (
            "employee_count_positive",
            "CHECK(employee_count >= 0)",
            "The declared number of employees cannot be negative.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("welfare.membership") or self.env._("New")
        return super().create(vals_list)

    @api.constrains("partner_id", "state")
    def _check_single_open_membership(self):
        """An organisation has at most one membership under review, active or suspended."""
        for membership in self.filtered(lambda m: m.state in OPEN_STATES):
            others = self.search_count(
                [
                    ("partner_id", "=", membership.partner_id.id),
                    ("state", "in", OPEN_STATES),
                    ("id", "!=", membership.id),
                ]
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "%(member)s already has an open membership of the network.",
                        member=membership.partner_id.display_name,
                    )
                )

    def _check_state(self, allowed, action):
        for membership in self:
            if membership.state not in allowed:
                raise UserError(
                    self.env._(
                        "Membership %(name)s is %(state)s: it cannot be %(action)s.",
                        name=membership.name,
                        state=dict(membership._fields["state"]._description_selection(self.env))[membership.state],
                        action=action,
                    )
                )

    def action_submit(self):
        """Send a proposed adhesion to review."""
        self._check_state(("draft",), self.env._("sent to review"))
        for membership in self:
            if not membership.member_type:
                raise UserError(
                    self.env._(
                        "Set the member type of %(member)s before sending the adhesion to review.",
                        member=membership.partner_id.display_name,
                    )
                )
        self.write({"state": "review"})

    def action_activate(self):
        """Activate a reviewed adhesion: the pact must be signed and attached."""
        self._check_state(("review",), self.env._("activated"))
        for membership in self:
            if not membership.date_signed or not membership.pact_file:
                raise UserError(
                    self.env._(
                        "Membership %(name)s needs the signing date and the signed pact before it can be activated.",
                        name=membership.name,
                    )
                )
        self.write({"state": "active", "date_start": fields.Date.context_today(self)})

    def action_reset_to_draft(self):
        self._check_state(("review",), self.env._("sent back to the proposer"))
        self.write({"state": "draft"})

    def action_suspend(self):
        self._check_state(("active",), self.env._("suspended"))
        for membership in self:
            if not membership.suspension_reason:
                raise UserError(
                    self.env._("Write the reason for suspending membership %(name)s.", name=membership.name)
                )
        self.write({"state": "suspended"})

    def action_resume(self):
        self._check_state(("suspended",), self.env._("resumed"))
        self.write({"state": "active", "suspension_reason": False})

    def action_end(self):
        self._check_state(("active", "suspended"), self.env._("ended"))
        self.write({"state": "ended", "date_end": fields.Date.context_today(self)})

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_draft(self):
        if any(m.state != "draft" for m in self):
            raise UserError(self.env._("Only proposed memberships can be deleted; end the others instead."))
