from dateutil.relativedelta import relativedelta
from stdnum.it import codicefiscale

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .res_partner import age_on
from .welfare_fiscalcode_mixin import normalize_fiscalcode


class WelfareFamilyMember(models.Model):
    """A family member of a worker as defined by art. 12 TUIR
    (de-facto partners are not family members for welfare purposes)."""

    _name = "welfare.family.member"
    _description = "Worker's Family Member"
    _inherit = ["mail.thread", "welfare.fiscalcode.mixin"]
    _order = "worker_id, birth_date"

    name = fields.Char(required=True, tracking=True)
    worker_id = fields.Many2one(
        "res.partner",
        required=True,
        ondelete="cascade",
        index=True,
        domain="[('is_welfare_worker', '=', True)]",
        tracking=True,
    )
    # The worker's codice fiscale is what a family spreadsheet knows about the worker:
    # it finds them in every language, where a name may be ambiguous.
    worker_fiscalcode = fields.Char(
        string="Worker's Codice Fiscale",
        compute="_compute_worker_fiscalcode",
        inverse="_inverse_worker_fiscalcode",
        help="Codice fiscale of the worker this person is a family member of; "
        "used by the import template to find the worker among those you manage.",
    )
    employer_id = fields.Many2one(
        related="worker_id.welfare_employer_id",
        store=True,
        string="Employer",
        index=True,
    )
    relation = fields.Selection(
        [
            ("child", "Child"),
            ("spouse", "Spouse or civil partner"),
            ("parent", "Parent"),
            ("other", "Other relative (art. 12 TUIR)"),
        ],
        required=True,
        tracking=True,
    )
    birth_date = fields.Date(required=True, tracking=True)
    is_dependent = fields.Boolean(
        string="Fiscally Dependent",
        tracking=True,
        help="Fiscally dependent family member (familiare a carico), as the worker states it to a public "
        "call. Employer welfare reads the worker's declaration of each tax year instead: dependency "
        "depends on the year's income (art. 12 c.2 TUIR).",
    )
    # Health data (GDPR art. 9): read and searched only by the network back office, which
    # checks eligibility to care services, and by the worker (record rules: their own
    # family); never by the employer's HR referent, never copied into the chatter.
    is_non_self_sufficient = fields.Boolean(
        string="Non-self-sufficient",
        groups="welfare_network.group_welfare_backoffice,welfare_network.group_welfare_portal_worker",
        help="Not self-sufficient (non autosufficiente), as certified.",
    )
    age = fields.Integer(compute="_compute_age", search="_search_age")
    active = fields.Boolean(default=True)
    note = fields.Text()

    _sql_constraints = [
        (
            "worker_fiscalcode_unique",
            "unique(worker_id, fiscalcode)",
            "This family member is already registered for the worker.",
        ),
    ]

    @api.depends("worker_id.fiscalcode")
    def _compute_worker_fiscalcode(self):
        for member in self:
            member.worker_fiscalcode = member.worker_id.fiscalcode

    def _inverse_worker_fiscalcode(self):
        for member in self.filtered("worker_fiscalcode"):
            code = normalize_fiscalcode(member.worker_fiscalcode)
            member.worker_id = self._welfare_workers_by_fiscalcode({code: member.name})[code]

    @api.model
    def _welfare_workers_by_fiscalcode(self, names_by_code):
        """Map each normalised codice fiscale of ``names_by_code`` to its welfare worker.

        The search runs with the current user's rights, so an HR referent only finds
        the workers of their own employer. ``names_by_code`` gives, for each code, the
        family member it comes from, named in the error raised when a code finds no
        worker (the import reports that error on the member's row).
        """
        workers = self.env["res.partner"].search(
            [("is_welfare_worker", "=", True), ("fiscalcode", "in", list(names_by_code))]
        )
        by_code = {worker.fiscalcode: worker for worker in workers}
        for code, name in names_by_code.items():
            if code not in by_code:
                raise ValidationError(
                    self.env._(
                        "Family member %(name)s: none of the workers you manage has the codice fiscale "
                        "%(code)s. Check the code, or import the worker first.",
                        name=name,
                        code=code,
                    )
                )
        return by_code

    @api.model_create_multi
    def create(self, vals_list):
        """Find the worker from ``worker_fiscalcode`` (the family import template) before
        creating, since the worker is required. The values are copied, not changed: the
        import retries the very same values row by row to report which row is wrong."""
        if any("worker_fiscalcode" in vals for vals in vals_list):
            codes = [normalize_fiscalcode(vals.get("worker_fiscalcode")) for vals in vals_list]
            names_by_code = {}
            for vals, code in zip(vals_list, codes):
                if code:
                    names_by_code.setdefault(code, vals.get("name") or "")
            workers = self._welfare_workers_by_fiscalcode(names_by_code) if names_by_code else {}
            vals_list = [
                {key: value for key, value in vals.items() if key != "worker_fiscalcode"}
                | ({"worker_id": workers[code].id} if code else {})
                for vals, code in zip(vals_list, codes)
            ]
        return super().create(vals_list)

    def load(self, fields, data):
        """Report each bad row of an import once, on its own row.

        When a batch fails, ``load`` retries it row by row, which reports every bad
        row, and then repeats the batch's error on the batch's first row: the import
        screen would show the error "at multiple rows" although a single row is wrong.
        Drop that repetition (a record error, not tied to a column) when the same
        error is also reported on another row.
        """
        result = super().load(fields, data)
        messages = result["messages"]
        if messages and messages[0].get("type") == "error" and "field" not in messages[0]:
            first = messages[0]
            if any(
                other.get("message") == first.get("message") and other.get("rows") != first.get("rows")
                for other in messages[1:]
            ):
                result["messages"] = messages[1:]
        return result

    @api.depends("birth_date")
    @api.depends_context("date")
    def _compute_age(self):
        today = fields.Date.context_today(self)
        for member in self:
            member.age = age_on(member.birth_date, today)

    def _search_age(self, operator, value):
        """Translate an age condition into a birth-date condition (today)."""
        today = fields.Date.context_today(self)
        value = int(value)
        # age >= n  <=> birth_date <= today - n years
        # age <= n  <=> birth_date >  today - (n+1) years
        youngest_born_for = today - relativedelta(years=value)
        oldest_born_for = today - relativedelta(years=value + 1)
        if operator == ">=":
            return [("birth_date", "<=", youngest_born_for)]
        if operator == ">":
            return [("birth_date", "<=", oldest_born_for)]
        if operator == "<=":
            return [("birth_date", ">", oldest_born_for)]
        if operator == "<":
            return [("birth_date", ">", youngest_born_for)]
        if operator == "=":
            return [("birth_date", "<=", youngest_born_for), ("birth_date", ">", oldest_born_for)]
        if operator == "!=":
            return ["|", ("birth_date", ">", youngest_born_for), ("birth_date", "<=", oldest_born_for)]
        raise NotImplementedError(operator)

    @api.constrains("fiscalcode", "birth_date")
    def _check_fiscalcode_birth_date(self):
        """The codice fiscale encodes the birth date: both must agree."""
        today = fields.Date.context_today(self)
        for member in self:
            if member.birth_date and member.birth_date > today:
                raise ValidationError(self.env._("The birth date of %(name)s is in the future.", name=member.name))
            if not member.fiscalcode:
                continue
            if len(member.fiscalcode) == 16 and member.birth_date and codicefiscale.is_valid(member.fiscalcode):
                encoded = codicefiscale.get_birth_date(member.fiscalcode)
                if (encoded.month, encoded.day, encoded.year % 100) != (
                    member.birth_date.month,
                    member.birth_date.day,
                    member.birth_date.year % 100,
                ):
                    raise ValidationError(
                        self.env._(
                            "The codice fiscale of %(name)s encodes the birth date %(encoded)s, not %(birth)s.",
                            name=member.name,
                            encoded=encoded.strftime("%d/%m/%y"),
                            birth=member.birth_date.strftime("%d/%m/%y"),
                        )
                    )

    @api.constrains("worker_id")
    def _check_worker(self):
        for member in self:
            if not member.worker_id.is_welfare_worker:
                raise ValidationError(
                    self.env._(
                        "%(name)s is not a welfare worker: family members belong to workers.",
                        name=member.worker_id.display_name,
                    )
                )

    @api.model
    def get_import_templates(self):
        return [
            {
                "label": self.env._("Import Template for Family Members"),
                "template": "/welfare_network/static/src/csv/welfare_family_members_import.csv",
            }
        ]
