from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# L. 208/2015 art. 1 c.182: productivity bonuses enjoy the special regime up to €3,000
# gross a year; c.184: the worker may choose to receive them, in whole or in part, as
# the welfare benefits of TUIR art. 51 c.2, tax-free.
PRODUCTIVITY_BONUS_CAP = 3000.0


class WelfareBonusConversion(models.Model):
    """A worker's recorded choice to take (part of) their productivity bonus as welfare
    (L. 208/2015 art. 1 c.184). A productivity-bonus fund issues credit only from these
    choices, once each, for the amount chosen; the cap is checked in the year of the
    choice."""

    _name = "welfare.bonus.conversion"
    _description = "Productivity Bonus Converted to Welfare"
    _inherit = ["mail.thread", "welfare.worker.document.mixin", "welfare.action.guard.mixin"]
    _welfare_guarded_fields = frozenset({"state"})
    _order = "date desc, id desc"

    date = fields.Date(string="Chosen On", required=True, tracking=True, default=fields.Date.context_today)
    year = fields.Integer(string="Year of the Choice", compute="_compute_year", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    bonus_amount = fields.Monetary(string="Productivity Bonus", required=True, tracking=True)
    amount = fields.Monetary(string="Converted to Welfare", required=True, tracking=True)
    document = fields.Binary(string="Signed Choice", attachment=True)
    document_name = fields.Char()
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed"), ("issued", "Issued")],
        default="draft",
        required=True,
        tracking=True,
    )
    campaign_line_ids = fields.One2many("welfare.campaign.line", "bonus_conversion_id", string="Campaign Lines")

    _sql_constraints = [
        (
            "amounts_positive",
            "CHECK(amount > 0 AND bonus_amount >= amount)",
            "The converted amount is part of the bonus.",
        ),
    ]

    @api.depends("date")
    def _compute_year(self):
        for conversion in self:
            conversion.year = conversion.date.year if conversion.date else 0

    @api.constrains("worker_id", "year", "amount", "state")
    def _check_cap(self):
        """The worker's conversions of one year stay within the bonus regime's cap."""
        for conversion in self:
            total = sum(
                self.sudo()
                .search([("worker_id", "=", conversion.worker_id.id), ("year", "=", conversion.year)])
                .mapped("amount")
            )
            if conversion.currency_id.compare_amounts(total, PRODUCTIVITY_BONUS_CAP) > 0:
                raise ValidationError(
                    self.env._(
                        "%(worker)s would convert %(total)s of productivity bonus in %(year)s, over the "
                        "cap of %(cap)s (L. 208/2015 art. 1 c.182).",
                        worker=conversion.worker_id.name,
                        total=conversion.currency_id.format(total),
                        year=conversion.year,
                        cap=conversion.currency_id.format(PRODUCTIVITY_BONUS_CAP),
                    )
                )

    def write(self, vals):
        if set(vals) - {"state", "document", "document_name"} and self.filtered(lambda c: c.state != "draft"):
            raise UserError(self.env._("A confirmed choice cannot be changed."))
        return super().write(vals)

    def action_confirm(self):
        """HR referent or back office: the worker's signed choice is recorded; a
        productivity-bonus campaign may now issue it."""
        self._welfare_check_group(
            "welfare_network.group_welfare_hr_referent", "welfare_network.group_welfare_backoffice"
        )
        self.check_access("write")
        if self.filtered(lambda c: c.state != "draft"):
            raise UserError(self.env._("Only draft choices can be confirmed."))
        self._welfare_action_write({"state": "confirmed"})
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        if self.filtered(lambda c: c.state != "draft"):
            raise UserError(self.env._("A confirmed choice cannot be deleted."))
