from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

MEMBER_TYPES = [
    ("social_coop", "Social cooperative"),
    ("public_admin", "Public administration"),
    ("artisan", "Artisan firm"),
    ("company", "Other company"),
    ("association", "Association or foundation"),
    ("union", "Trade union"),
    ("federation", "Co-operative federation or trade association"),
]


FAMILY_GROUPS = (
    "welfare_network.group_welfare_hr_referent,"
    "welfare_network.group_welfare_backoffice,"
    "welfare_network.group_welfare_portal_worker"
)


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "welfare.fiscalcode.mixin"]

    # A worker's codice fiscale is read by those who manage the worker (HR referent, back
    # office) and by the worker (record rules: their own); not by salesmen, accountants
    # (electronic invoices carry l10n_it_edi's own field), providers or the public, also
    # where res.users inherits it.
    fiscalcode = fields.Char(
        groups="welfare_network.group_welfare_hr_referent,"
        "welfare_network.group_welfare_backoffice,"
        "welfare_network.group_welfare_portal_worker",
    )

    welfare_ambit_id = fields.Many2one(
        "welfare.ambit",
        string="Ambit",
        compute="_compute_welfare_ambit_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        help="Territorial ambit of the address; set from the city when it is one "
        "of the network's municipalities, editable otherwise.",
    )
    # --- members -----------------------------------------------------------
    welfare_member_type = fields.Selection(
        MEMBER_TYPES,
        string="Member Type",
        tracking=True,
        help="Kind of organisation that signed the network pact.",
    )
    welfare_membership_ids = fields.One2many("welfare.membership", "partner_id", string="Memberships")
    welfare_membership_state = fields.Selection(
        related="welfare_current_membership_id.state",
        string="Membership Status",
    )
    welfare_current_membership_id = fields.Many2one(
        "welfare.membership",
        compute="_compute_welfare_current_membership_id",
        store=True,
        string="Current Membership",
    )
    is_welfare_member = fields.Boolean(
        string="Active Member",
        compute="_compute_is_welfare_member",
        store=True,
        help="The organisation has an active membership of the network.",
    )
    welfare_employee_ids = fields.One2many("res.partner", "welfare_employer_id", string="Workers")
    welfare_employee_count = fields.Integer(string="Worker Count", compute="_compute_welfare_employee_count")
    # --- workers -----------------------------------------------------------
    is_welfare_worker = fields.Boolean(
        string="Welfare Worker",
        index=True,
        tracking=True,
        help="A beneficiary of the network: an employee of a member.",
    )
    # Internal users need it (workplace delivery, the HR referents' record rules); on the
    # portal only the worker reads it, about themselves.
    welfare_employer_id = fields.Many2one(
        "res.partner",
        string="Employer",
        index=True,
        tracking=True,
        groups="base.group_user,welfare_network.group_welfare_portal_worker",
        domain="[('is_company', '=', True), ('welfare_member_type', '!=', False)]",
        help="Member organisation that employs the worker. Workers are not child "
        "contacts of their employer, so their own purchases are never booked on it.",
    )
    # Employment dates are the employer's business: its HR referent and the back office.
    welfare_hire_date = fields.Date(
        string="Hire Date",
        tracking=True,
        groups="welfare_network.group_welfare_hr_referent,welfare_network.group_welfare_backoffice",
    )
    welfare_leave_date = fields.Date(
        string="Leave Date",
        tracking=True,
        groups="welfare_network.group_welfare_hr_referent,welfare_network.group_welfare_backoffice",
    )
    welfare_worker_category_id = fields.Many2one(
        "welfare.worker.category",
        string="Category of Employees",
        tracking=True,
        groups="welfare_network.group_welfare_hr_referent,welfare_network.group_welfare_backoffice",
        help="Art. 2095 of the Civil Code or the collective agreement: employer welfare "
        "(TUIR art. 51 c.2) is offered to categories of employees, as the employer's "
        "regulation says.",
    )
    welfare_worker_state = fields.Selection(
        [("active", "Active"), ("left", "Left")],
        string="Employment Status",
        default="active",
        tracking=True,
    )
    # Family members are personal data (art. 12 TUIR relatives, children's codici
    # fiscali): only the worker, their HR referent and the back office see them, so a
    # salesman or an accountant reading a partner never touches them.
    welfare_family_member_ids = fields.One2many(
        "welfare.family.member",
        "worker_id",
        string="Family Members",
        groups=FAMILY_GROUPS,
    )
    welfare_family_member_count = fields.Integer(
        string="Family Member Count",
        compute="_compute_welfare_family_member_count",
        groups=FAMILY_GROUPS,
    )
    # --- providers and producers ------------------------------------------
    is_welfare_provider = fields.Boolean(string="Service Provider", tracking=True)
    is_welfare_producer = fields.Boolean(string="Km 0 Producer", tracking=True)
    welfare_vat_regime = fields.Selection(
        [
            ("ordinary", "Ordinary VAT"),
            ("social_coop", "Social cooperative"),
            ("third_sector", "Non-commercial third-sector body or ONLUS"),
            ("public_body", "Public body"),
            ("flat_rate", "Flat-rate scheme (forfettario, L. 190/2014)"),
            ("agricultural", "Special agricultural scheme (DPR 633/72 art. 34)"),
        ],
        string="Provider's VAT Regime",
        default="ordinary",
        tracking=True,
        help="With the service category, it decides the VAT of the provider's listings (docs/fiscal-model.md "
        "§4). Under the flat-rate or the agricultural scheme the provider invoices the network without VAT "
        "(Natura N2.2) and the network recharges with ordinary VAT (Agenzia delle Entrate ruling 10/2020).",
    )
    welfare_convention_ids = fields.One2many("welfare.convention", "partner_id", string="Conventions")
    welfare_certification_ids = fields.One2many("welfare.certification", "partner_id", string="Certifications")
    welfare_has_active_convention = fields.Boolean(
        string="Active Convention",
        compute="_compute_welfare_has_active_convention",
        compute_sudo=True,
        search="_search_welfare_has_active_convention",
    )
    welfare_has_valid_certification = fields.Boolean(
        string="Valid Certification",
        compute="_compute_welfare_has_valid_certification",
        search="_search_welfare_has_valid_certification",
    )

    _sql_constraints = [
        ("fiscalcode_unique", "unique(fiscalcode)", "Another contact already has this codice fiscale."),
    ]

    # ----------------------------------------------------------------------
    # computes
    # ----------------------------------------------------------------------
    @api.depends("city")
    def _compute_welfare_ambit_id(self):
        for partner in self:
            municipality = self.env["welfare.municipality"]._find_by_city(partner.city)
            if municipality.ambit_id:
                partner.welfare_ambit_id = municipality.ambit_id
            elif not partner.welfare_ambit_id:
                partner.welfare_ambit_id = False

    @api.depends("welfare_membership_ids.state")
    def _compute_welfare_current_membership_id(self):
        order = {"active": 0, "suspended": 1, "review": 2, "draft": 3, "ended": 4}
        for partner in self:
            memberships = partner.welfare_membership_ids.sorted(lambda m: (order[m.state], -(m.id or 0)))
            partner.welfare_current_membership_id = memberships[:1]

    @api.depends("welfare_membership_ids.state")
    def _compute_is_welfare_member(self):
        for partner in self:
            partner.is_welfare_member = any(m.state == "active" for m in partner.welfare_membership_ids)

    def _compute_welfare_employee_count(self):
        groups = self.env["res.partner"]._read_group(
            [("welfare_employer_id", "in", self.ids), ("is_welfare_worker", "=", True)],
            ["welfare_employer_id"],
            ["__count"],
        )
        counts = {employer.id: count for employer, count in groups}
        for partner in self:
            partner.welfare_employee_count = counts.get(partner.id, 0)

    def _compute_welfare_family_member_count(self):
        for partner in self:
            partner.welfare_family_member_count = len(partner.welfare_family_member_ids)

    @api.depends(
        "commercial_partner_id.welfare_convention_ids.state",
        "commercial_partner_id.welfare_convention_ids.date_start",
        "commercial_partner_id.welfare_convention_ids.date_end",
    )
    @api.depends_context("date")
    def _compute_welfare_has_active_convention(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.welfare_has_active_convention = bool(
                partner.commercial_partner_id.welfare_convention_ids.filtered(lambda c: c._is_valid_on(today))
            )

    def _search_welfare_has_active_convention(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        ids = self.env["welfare.convention"]._search_valid_on(fields.Date.context_today(self)).subselect("partner_id")
        positive = (operator == "=") == value
        return [("commercial_partner_id", "in" if positive else "not in", ids)]

    @api.depends("commercial_partner_id.welfare_certification_ids.is_expired")
    def _compute_welfare_has_valid_certification(self):
        for partner in self:
            partner.welfare_has_valid_certification = any(
                not c.is_expired for c in partner.commercial_partner_id.welfare_certification_ids
            )

    def _search_welfare_has_valid_certification(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        ids = self.env["welfare.certification"]._search([("is_expired", "=", False)]).subselect("partner_id")
        positive = (operator == "=") == value
        return [("commercial_partner_id", "in" if positive else "not in", ids)]

    # ----------------------------------------------------------------------
    # constraints and normalisation
    # ----------------------------------------------------------------------
    def write(self, vals):
        if vals.get("welfare_worker_state") == "left" and "welfare_leave_date" not in vals:
            vals["welfare_leave_date"] = fields.Date.context_today(self)
        return super().write(vals)

    @api.constrains(
        "is_welfare_worker",
        "fiscalcode",
        "welfare_employer_id",
        "is_company",
        "parent_id",
        "welfare_hire_date",
        "welfare_leave_date",
    )
    def _check_welfare_worker(self):
        """A worker is a person with a codice fiscale, employed by a member
        and not a child contact of it."""
        for partner in self.filtered("is_welfare_worker"):
            if partner.is_company:
                raise ValidationError(
                    self.env._("%(name)s is a company: only people can be welfare workers.", name=partner.display_name)
                )
            if not partner.fiscalcode:
                raise ValidationError(
                    self.env._("The worker %(name)s needs a codice fiscale.", name=partner.display_name)
                )
            if not partner.welfare_employer_id:
                raise ValidationError(self.env._("The worker %(name)s needs an employer.", name=partner.display_name))
            if not partner.welfare_employer_id.welfare_member_type:
                raise ValidationError(
                    self.env._(
                        "%(employer)s is not a member of the network, so it cannot employ the welfare worker %(name)s.",
                        employer=partner.welfare_employer_id.display_name,
                        name=partner.display_name,
                    )
                )
            user = self.env.user
            if (
                not self.env.su
                and user.has_group("welfare_network.group_welfare_hr_referent")
                and not user.has_group("welfare_network.group_welfare_backoffice")
                and partner.welfare_employer_id != user.welfare_employer_id
            ):
                # The record rules refuse it too; this says why, in the user's language.
                raise AccessError(
                    self.env._(
                        "You manage the workers of %(own)s only: %(name)s is employed by %(employer)s.",
                        own=user.welfare_employer_id.display_name,
                        name=partner.display_name,
                        employer=partner.welfare_employer_id.display_name,
                    )
                )
            if partner.parent_id:
                raise ValidationError(
                    self.env._(
                        "The worker %(name)s must not be a contact of %(parent)s: workers are "
                        "linked to their employer through the Employer field, so that their "
                        "personal purchases are never booked on the company.",
                        name=partner.display_name,
                        parent=partner.parent_id.display_name,
                    )
                )
            if (
                partner.welfare_hire_date
                and partner.welfare_leave_date
                and partner.welfare_leave_date < partner.welfare_hire_date
            ):
                raise ValidationError(
                    self.env._("The leave date of %(name)s is before the hire date.", name=partner.display_name)
                )

    # ----------------------------------------------------------------------
    # family rules used by vouchers and campaigns
    # ----------------------------------------------------------------------
    def _welfare_family_members_matching(
        self,
        relations=None,
        min_age=None,
        max_age=None,
        non_self_sufficient=None,
        dependent=None,
        on_date=None,
    ):
        """Family members (art. 12 TUIR) of these workers that match the criteria.

        ``min_age``/``max_age`` are inclusive ages in whole years on ``on_date``
        (today by default): "a child aged 0-3" is ``relations=['child'],
        min_age=0, max_age=3``.
        """
        on_date = on_date or fields.Date.context_today(self)
        domain = [("worker_id", "in", self.ids)]
        if relations:
            domain.append(("relation", "in", list(relations)))
        if min_age is not None:
            domain.append(("birth_date", "<=", on_date - relativedelta(years=min_age)))
        if max_age is not None:
            domain.append(("birth_date", ">", on_date - relativedelta(years=max_age + 1)))
        if non_self_sufficient is not None:
            domain.append(("is_non_self_sufficient", "=", non_self_sufficient))
        if dependent is not None:
            domain.append(("is_dependent", "=", dependent))
        return self.env["welfare.family.member"].search(domain)

    def _welfare_has_child_aged(self, min_age, max_age, on_date=None):
        """True when the worker has a child aged ``min_age``-``max_age``."""
        self.ensure_one()
        return bool(
            self._welfare_family_members_matching(
                relations=["child"], min_age=min_age, max_age=max_age, on_date=on_date
            )
        )

    def _welfare_cares_for_elderly_or_dependent(self, min_age=75, on_date=None):
        """True when the worker has a relative aged ``min_age``+ or non-self-sufficient
        (TUIR art. 51 c.2 lett. f-ter)."""
        self.ensure_one()
        return bool(
            self._welfare_family_members_matching(min_age=min_age, on_date=on_date)
            or self._welfare_family_members_matching(non_self_sufficient=True)
        )

    # ----------------------------------------------------------------------
    # actions
    # ----------------------------------------------------------------------
    def action_welfare_invite_portal(self):
        """Open Odoo's portal invitation for these workers, providers or producers."""
        return {
            "type": "ir.actions.act_window",
            "res_model": "portal.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"active_ids": self.ids, "active_model": "res.partner"},
        }

    def action_welfare_open_family(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("welfare_network.welfare_family_member_action")
        action["domain"] = [("worker_id", "=", self.id)]
        action["context"] = {"default_worker_id": self.id}
        return action

    def action_welfare_open_workers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("welfare_network.res_partner_worker_action")
        action["domain"] = [("welfare_employer_id", "=", self.id), ("is_welfare_worker", "=", True)]
        action["context"] = {
            "default_welfare_employer_id": self.id,
            "default_is_welfare_worker": True,
            "default_is_company": False,
            "welfare_network_worker": True,
        }
        return action

    @api.model
    def get_import_templates(self):
        if self.env.context.get("welfare_network_worker"):
            return [
                {
                    "label": self.env._("Import Template for Welfare Workers"),
                    "template": "/welfare_network/static/src/csv/welfare_workers_import.csv",
                }
            ]
        return super().get_import_templates()


def age_on(birth_date, on_date=None):
    """Age in whole years on ``on_date`` (today by default)."""
    if not birth_date:
        return 0
    on_date = on_date or date.today()
    return relativedelta(on_date, birth_date).years
