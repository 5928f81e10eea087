import math
import secrets
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, format_date

from .welfare_redeem import RedeemBlockedError

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CRON_BATCH_SIZE = 500  # vouchers per committed batch of the nightly jobs
CODE_MASK = "••••-••••-••••-"
# In-person redemption (/my/redeem): what the provider's form may say.
SERVICE_DATE_DAYS = 30  # a declared service date is at most this many days ago
REDEEM_MAX_AMOUNT = 100000  # more than any service: a typo, not a redemption
REDEEM_MAX_TEXT = 200  # description of the service delivered


class VoucherCodeError(UserError):
    """A wrong or foreign voucher code: counted for throttling."""


def new_voucher_code():
    """16 random characters (80 bits) from a secure source, in groups of four."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalize_code(code):
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def mask_code(code):
    """A voucher code as shown to anyone but its worker: the last four characters."""
    return f"{CODE_MASK}{code[-4:]}" if code else ""


class WelfareVoucher(models.Model):
    """A nominative welfare voucher. Its balance is the sum of its append-only ledger."""

    _name = "welfare.voucher"
    _description = "Welfare Voucher"
    _inherit = ["mail.thread", "mail.activity.mixin", "portal.mixin", "welfare.action.guard.mixin"]
    _order = "date_end, id"
    # Fixed at issue or derived from the ledger: never edited, over RPC neither.
    _welfare_guarded_fields = frozenset(
        {
            "code",
            "worker_id",
            "fund_id",
            "campaign_id",
            "value",
            "balance",
            "state",
            "category_ids",
            "date_start",
            "date_end",
            "reminder_sent",
            "c3_year",
            "company_id",
            "employer_id",
        }
    )
    _rec_name = "code"
    _check_company_auto = True

    # A bearer secret: read in full by the network back office only (the worker reads
    # their own through the portal, after the ownership check); others see display_name.
    code = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        index=True,
        default=lambda self: new_voucher_code(),
        groups="welfare_network.group_welfare_backoffice",
    )
    worker_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        readonly=True,
        domain="[('is_welfare_worker', '=', True)]",
    )
    employer_id = fields.Many2one(related="worker_id.welfare_employer_id", store=True, string="Employer")
    fund_id = fields.Many2one("welfare.fund", required=True, index=True, readonly=True, check_company=True)
    campaign_id = fields.Many2one("welfare.campaign", index=True, readonly=True)
    company_id = fields.Many2one(related="fund_id.company_id", store=True)
    currency_id = fields.Many2one(related="fund_id.currency_id", store=True)
    value = fields.Monetary(required=True, readonly=True, tracking=True)
    balance = fields.Monetary(compute="_compute_balance", store=True, help="Sum of the voucher's ledger.")
    category_ids = fields.Many2many("welfare.service.category", string="Eligible Categories", readonly=True)
    date_start = fields.Date(string="Valid From", required=True, readonly=True)
    date_end = fields.Date(string="Valid Until", required=True, readonly=True, tracking=True, index=True)
    state = fields.Selection(
        [("active", "Active"), ("exhausted", "Exhausted"), ("expired", "Expired"), ("cancelled", "Cancelled")],
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
    )
    move_ids = fields.One2many("welfare.voucher.move", "voucher_id", string="Ledger")
    hold_ids = fields.One2many("welfare.voucher.hold", "voucher_id", string="Held on Carts")
    amount_held = fields.Monetary(
        string="Held", compute="_compute_amount_available", help="Reserved on carts not yet confirmed."
    )
    amount_available = fields.Monetary(
        string="Available", compute="_compute_amount_available", help="Balance minus what is held on carts."
    )
    c3_year = fields.Integer(
        string="Fringe-benefit Tax Year",
        readonly=True,
        index=True,
        help="Fringe-benefit vouchers (TUIR art. 51 c.3): the tax year whose ceiling counts "
        "this voucher's whole value, the year it was made available to the worker.",
    )
    reminder_sent = fields.Boolean(readonly=True, copy=False)
    qr_url = fields.Char(string="QR Code", compute="_compute_qr_url", groups="welfare_network.group_welfare_backoffice")

    _sql_constraints = [
        ("code_unique", "unique(code)", "Voucher codes are unique."),
        ("value_positive", "CHECK(value > 0)", "A voucher has a positive value."),
        ("balance_not_negative", "CHECK(balance >= 0)", "A voucher balance can never be negative."),
        ("dates_order", "CHECK(date_end >= date_start)", "A voucher cannot expire before it is valid."),
    ]

    @api.depends("move_ids.amount")
    def _compute_balance(self):
        groups = dict(
            self.env["welfare.voucher.move"]
            .sudo()
            ._read_group([("voucher_id", "in", self.ids)], ["voucher_id"], ["amount:sum"])
        )
        for voucher in self:
            voucher.balance = groups.get(voucher._origin, 0.0) if voucher.id else sum(voucher.move_ids.mapped("amount"))

    @api.depends("balance", "hold_ids.amount")
    def _compute_amount_available(self):
        held = self._held_amounts()
        for voucher in self:
            voucher.amount_held = held.get(voucher._origin, 0.0)
            voucher.amount_available = voucher.balance - voucher.amount_held

    def _held_amounts(self, exclude_order=None):
        """{voucher: amount held on carts}, without the holds of ``exclude_order`` (the
        cart being re-planned may use again what it holds)."""
        domain = [("voucher_id", "in", self._origin.ids)]
        if exclude_order:
            domain.append(("sale_order_id", "not in", exclude_order.ids))
        return dict(self.env["welfare.voucher.hold"].sudo()._read_group(domain, ["voucher_id"], ["amount:sum"]))

    @api.depends("balance", "move_ids.move_type")
    def _compute_state(self):
        # The kinds of line of the ledgers, in one query for the batch (a checkout, a
        # redemption, the expiry job), not the ledger lines themselves.
        kinds = dict(
            self.env["welfare.voucher.move"]
            .sudo()
            ._read_group([("voucher_id", "in", self._origin.ids)], ["voucher_id"], ["move_type:array_agg"])
        )
        for voucher in self:
            types = set(kinds.get(voucher._origin, ()) if voucher.id else voucher.move_ids.mapped("move_type"))
            if "cancel" in types:
                voucher.state = "cancelled"
            elif "lapse" in types:
                voucher.state = "expired"
            elif voucher.currency_id.is_zero(voucher.balance) and "issue" in types:
                voucher.state = "exhausted"
            else:
                voucher.state = "active"

    @api.depends("code", "worker_id")
    @api.depends_context("uid")
    def _compute_display_name(self):
        """Codes are bearer secrets: in full for the voucher's own worker and for the
        network back office, masked to the last four characters for everyone else (HR
        referents, providers, also where a ledger line names its voucher over RPC)."""
        user = self.env.user
        in_full = user.has_group("welfare_network.group_welfare_backoffice")
        for voucher in self:
            voucher_sudo = voucher.sudo()
            code = voucher_sudo.code or ""
            own = bool(voucher_sudo.worker_id) and voucher_sudo.worker_id == user.partner_id
            voucher.display_name = code if (in_full or own) else mask_code(code)

    @api.model
    def _search_display_name(self, operator, value):
        """Search as one sees: the back office by the full code, anyone else (who sees
        codes masked) by their last four characters only."""
        if self.env.su or self.env.user.has_group("welfare_network.group_welfare_backoffice"):
            return super()._search_display_name(operator, value)
        values = value if isinstance(value, (list, tuple)) else [value]
        suffixes = {normalize_code(v).replace("-", "")[-4:] for v in values if isinstance(v, str)} - {""}
        negative = operator in expression.NEGATIVE_TERM_OPERATORS
        if not suffixes:
            return expression.FALSE_DOMAIN if negative else expression.TRUE_DOMAIN
        matching = self.sudo()._search(expression.OR([[("code", "=like", f"%{suffix}")] for suffix in suffixes]))
        return [("id", "not in" if negative else "in", matching)]

    def _compute_qr_url(self):
        # A code is 21×21 modules (QR version 1): 252 px draws each module on 12 whole
        # pixels, with no blurred edge for the scanner to guess.
        for voucher in self:
            voucher.qr_url = f"/report/barcode/?barcode_type=QR&value={voucher.code}&width=252&height=252"

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for voucher in self:
            voucher.access_url = f"/my/welfare/voucher/{voucher.id}"
        return result

    # ------------------------------------------------------------------
    # rules
    # ------------------------------------------------------------------
    def _is_usable_on(self, on_date):
        """Active, started and not past its end date (expiry is enforced here, not only
        by the nightly job)."""
        self.ensure_one()
        return (
            self.state == "active"
            and self.date_start <= on_date <= self.date_end
            and self.currency_id.compare_amounts(self.balance, 0) > 0
        )

    def _covers_category(self, category):
        self.ensure_one()
        categories = self.category_ids or self.fund_id.category_ids
        return bool(category) and category._is_within(categories)

    def _check_spendable(self, category, worker, on_date):
        """Raise a clear UserError unless this voucher can pay for ``category``."""
        self.ensure_one()
        if self.worker_id != worker:
            raise UserError(self.env._("This voucher belongs to another worker."))
        if self.state == "cancelled":
            raise UserError(self.env._("Voucher %(code)s was cancelled.", code=self.code))
        if self.state == "expired" or on_date > self.date_end:
            raise UserError(self.env._("Voucher %(code)s expired on %(date)s.", code=self.code, date=self.date_end))
        if on_date < self.date_start:
            raise UserError(
                self.env._("Voucher %(code)s is valid from %(date)s.", code=self.code, date=self.date_start)
            )
        if self.currency_id.compare_amounts(self.balance, 0) <= 0:
            raise UserError(self.env._("Voucher %(code)s has no credit left.", code=self.code))
        if not self._covers_category(category):
            raise UserError(
                self.env._(
                    "Voucher %(code)s cannot pay for %(category)s.",
                    code=self.code,
                    category=category.display_name or self.env._("this service"),
                )
            )
        if self.fund_id.family_rules and not category._is_worker_eligible(worker, on_date):
            raise UserError(
                self.env._("%(category)s: %(rule)s.", category=category.name, rule=category.eligibility_summary)
            )

    def _lock(self):
        """Take the row locks on the vouchers at the moment credit is taken. A voucher
        being spent by another request makes this one fail at once with a clear message
        instead of overspending (no wait, no negative balance).

        The rows are also written (a no-op update): holds live in another table, so a
        request whose snapshot predates a hold committed meanwhile would otherwise lock
        the voucher and not see the hold; a written row makes such a request fail with
        a serialization error instead (PostgreSQL REPEATABLE READ)."""
        if not self:
            return
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        """UPDATE welfare_voucher SET write_date = write_date WHERE id IN (
                            SELECT id FROM welfare_voucher WHERE id IN %s ORDER BY id FOR UPDATE NOWAIT)""",
                        tuple(self.ids),
                    )
                )
        except (LockNotAvailable, SerializationFailure) as e:
            raise UserError(
                self.env._(
                    "This welfare credit is being used in another payment right now. Reload the page and try again."
                )
            ) from e
        # Read again after the lock: the ledger lines and holds of these vouchers (a line's
        # amount never changes, the ledger being append-only).
        self.invalidate_recordset(["balance", "state", "move_ids", "hold_ids", "amount_held", "amount_available"])

    @api.model
    def _c3_tax_year(self, made_available_on):
        """The tax year a fringe benefit counts in: the year it is made available to the
        worker, and by the "extended cash" rule of TUIR art. 51 c.1 what is made
        available by 12 January counts in the year before."""
        day = fields.Date.to_date(made_available_on)
        return day.year - 1 if (day.month == 1 and day.day <= 12) else day.year

    @api.model
    def _c3_ceilings(self, workers, year):
        """{worker id: the worker's exempt ceiling of ``year``} (TUIR art. 51 c.3): the
        higher one for workers who declared dependent children for that year."""
        with_children = self.env["welfare.c3.declaration"]._workers_with_children(workers, year)
        Ceiling = self.env["welfare.c3.ceiling"]
        plain, raised = Ceiling._ceiling_for(year, False), Ceiling._ceiling_for(year, True)
        return {worker.id: raised if worker in with_children else plain for worker in workers}

    @api.model
    def _c3_used(self, workers, year):
        """{worker id: fringe benefits made available in ``year``}: the whole value of
        the fringe-benefit vouchers issued for that year (spent or not: they count when
        made available), plus what the employer declared it gave outside the platform.
        Grant money never counts: grant funds do not apply the ceiling."""
        used = dict.fromkeys(workers.ids, 0.0)
        vouchers = self.sudo()._read_group(
            [
                ("worker_id", "in", workers.ids),
                ("c3_year", "=", year),
                ("fund_id.apply_c3_ceiling", "=", True),
                ("state", "!=", "cancelled"),
            ],
            ["worker_id"],
            ["value:sum"],
        )
        others = (
            self.env["welfare.fringe.benefit"]
            .sudo()
            ._read_group([("worker_id", "in", workers.ids), ("year", "=", year)], ["worker_id"], ["amount:sum"])
        )
        for worker, amount in vouchers + others:
            used[worker.id] += amount
        return used

    @api.model
    def _c3_room(self, worker, year):
        """What is left of the worker's exempt ceiling of ``year``."""
        return self._c3_ceilings(worker, year)[worker.id] - self._c3_used(worker, year)[worker.id]

    def _plan_spending(self, needs, worker, on_date, order=None):
        """Split what ``needs`` ask across these vouchers, earliest expiry first.

        ``needs``: list of (key, category, amount) for eligible services.
        Returns {key: [(voucher, amount), ...]} following each fund's rules:
        co-payment funds may cover part of a service and combine vouchers; full-value
        funds pay a service entirely from one voucher or not at all; the c.3 ceiling
        caps fringe-benefit categories. Credit held on other carts is not available;
        what ``order`` itself holds is (it is being re-planned)."""
        held = self._held_amounts(exclude_order=order)
        available = {
            v: v.balance - held.get(v, 0.0)
            for v in self.sorted(lambda v: (v.date_end, v.id))
            if v._is_usable_on(on_date)
        }
        plan = {}
        eligibility = {}

        def eligible(voucher, category):
            """Art. 12 TUIR family eligibility, asked once per category, for the funds
            that follow it (a grant follows its call, applied when it was issued)."""
            if not voucher.fund_id.family_rules:
                return True
            if category not in eligibility:
                eligibility[category] = category._is_worker_eligible(worker, on_date)
            return eligibility[category]

        for key, category, amount in needs:
            remaining = amount
            for voucher in available:
                currency = voucher.currency_id
                if currency.compare_amounts(remaining, 0) <= 0:
                    break
                balance = available[voucher]
                if (
                    currency.compare_amounts(balance, 0) <= 0
                    or not voucher._covers_category(category)
                    or not eligible(voucher, category)
                ):
                    continue
                if voucher.fund_id.payment_mode in ("full_value", "cumulative"):
                    # DM 25/3/2016 art. 6: one voucher pays the whole service, never a
                    # part of it, never topped up by the worker: not an order line that
                    # something else (a discount, another payment) already pays in part.
                    whole = key.price_total if isinstance(key, models.BaseModel) else amount
                    if (
                        # DPR 633/72 art. 6-bis: a single-purpose voucher is one whose
                        # VAT is known when it is issued; a shop line without exactly one
                        # VAT is not such a service (the employer's invoice, one VAT per
                        # line in the FatturaPA, could not carry it).
                        (
                            voucher.fund_id.payment_mode == "full_value"
                            and isinstance(key, models.BaseModel)
                            and len(key.sudo().tax_id) != 1
                        )
                        or currency.compare_amounts(remaining, amount) != 0
                        or currency.compare_amounts(amount, whole) != 0
                        or currency.compare_amounts(balance, amount) < 0
                    ):
                        continue
                    take = amount
                else:
                    take = currency.round(min(balance, remaining))
                if currency.compare_amounts(take, 0) <= 0:
                    continue
                plan.setdefault(key, []).append((voucher, take))
                available[voucher] = balance - take
                remaining -= take
        return plan

    @api.model
    def _worker_vouchers(self, worker):
        """The worker's active vouchers, with what a checkout reads of them (one query)."""
        return self.sudo().search_fetch(
            [("worker_id", "=", worker.id), ("state", "=", "active")],
            [
                "code",
                "worker_id",
                "fund_id",
                "company_id",
                "currency_id",
                "value",
                "balance",
                "state",
                "date_start",
                "date_end",
            ],
        )

    # ------------------------------------------------------------------
    # ledger operations
    # ------------------------------------------------------------------
    def _add_move(self, move_type, amount, reason_code, **values):
        """A new line of this voucher's ledger. It says why with ``reason_code`` and, in
        ``values``, its ``reason_params``: never a sentence, which is written when the line
        is read, in the reader's language."""
        self.ensure_one()
        move = (
            self.env["welfare.voucher.move"]
            .sudo()
            .create(
                {
                    "voucher_id": self.id,
                    "move_type": move_type,
                    "amount": amount,
                    "reason_code": reason_code,
                    **values,
                }
            )
        )
        self.flush_recordset(["balance", "state"])
        move._post_accounting_entry()
        return move

    def _redeem(self, amount, category, reason_code, **values):
        """Take ``amount`` from the locked voucher for ``category``; never below zero and
        never what is held on a cart."""
        self.ensure_one()
        currency = self.currency_id
        if currency.compare_amounts(amount, 0) <= 0:
            raise UserError(self.env._("The amount must be positive."))
        available = self.balance - self._held_amounts().get(self, 0.0)
        if currency.compare_amounts(amount, available) > 0:
            raise UserError(
                self.env._(
                    "Voucher %(code)s has %(balance)s left, not %(amount)s.",
                    code=self.code,
                    balance=currency.format(max(available, 0.0)),
                    amount=currency.format(amount),
                )
            )
        return self._add_move("redeem", -amount, reason_code, category_id=category.id, **values)

    def action_cancel(self):
        """Back office: cancel unused vouchers; their value goes back to the fund."""
        self._welfare_check_group("welfare_network.group_welfare_backoffice")
        self.check_access("write")
        for voucher in self:
            voucher._lock()
            if (
                voucher.state != "active"
                or voucher.currency_id.compare_amounts(voucher.balance, voucher.value) != 0
                or voucher._held_amounts()
            ):
                raise UserError(
                    self.env._(
                        "Voucher %(code)s was already used or closed: it cannot be cancelled.", code=voucher.code
                    )
                )
            voucher._add_move("cancel", -voucher.balance, "cancelled")
        return True

    @api.model
    def _cron_lapse_and_remind(self, batch_size=CRON_BATCH_SIZE):
        """Daily: lapse what is unspent after the end of validity (back to the fund) and
        remind workers 30 days before. In batches that the cron framework commits one
        by one (an interrupted night resumes where it stopped); a voucher locked by a
        payment in progress is skipped (SKIP LOCKED) and taken at the next run instead
        of failing the whole job."""
        today = fields.Date.context_today(self)
        self.env.cr.execute(
            SQL(
                """SELECT id FROM welfare_voucher
                    WHERE state = 'active' AND date_end < %s
                    ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""",
                today,
                batch_size,
            )
        )
        to_lapse = self.browse([row[0] for row in self.env.cr.fetchall()])
        # Credit held on carts by expired vouchers goes back first (those carts are re-planned).
        to_lapse.hold_ids.sale_order_id._welfare_release_holds(self.env._("Voucher expired"), replan=True)
        to_lapse.invalidate_recordset(["balance", "state"])
        # One create and one journal entry for the batch (aggregated per fund), no chatter.
        vals_list = []
        for voucher in to_lapse:
            unspent = voucher.currency_id.compare_amounts(voucher.balance, 0) > 0
            vals_list.append(
                {
                    "voucher_id": voucher.id,
                    "move_type": "lapse",
                    "amount": -voucher.balance if unspent else 0.0,
                    "reason_code": "expired_unspent" if unspent else "expired",
                }
            )
        lapses = self.env["welfare.voucher.move"].sudo().with_context(tracking_disable=True).create(vals_list)
        # The ledger says why each voucher closed: no tracking message per voucher.
        to_lapse.with_context(tracking_disable=True).flush_recordset(["balance", "state"])
        lapses._post_accounting_entries(self.env._("Expired vouchers"))
        template = self.env.ref("welfare_voucher.mail_template_voucher_expiry", raise_if_not_found=False)
        remind_domain = [
            ("state", "=", "active"),
            ("reminder_sent", "=", False),
            ("balance", ">", 0),
            ("date_end", ">=", today),
            ("date_end", "<=", today + relativedelta(days=30)),
        ]
        to_remind = self.search(remind_domain, limit=batch_size)
        if template and (with_email := to_remind.filtered("worker_id.email")):
            template.send_mail_batch(with_email.ids)  # queued, sent by the mail queue
        to_remind._welfare_action_write({"reminder_sent": True})
        remaining = self.search_count([("state", "=", "active"), ("date_end", "<", today)]) + self.search_count(
            remind_domain
        )
        self.env["ir.cron"]._notify_progress(done=len(to_lapse) + len(to_remind), remaining=remaining)
        return to_lapse, to_remind

    def _send_issue_email(self):
        """Queue the issue e-mails, rendered in batches and sent by the mail queue: a link
        to the voucher in the portal, where its PDF is rendered on demand."""
        template = self.env.ref("welfare_voucher.mail_template_voucher_issued", raise_if_not_found=False)
        vouchers = self.filtered("worker_id.email")
        if template and vouchers:
            template.send_mail_batch(vouchers.ids)

    def action_send_email(self):
        """Back office: e-mail the vouchers to their workers again."""
        self._welfare_check_group("welfare_network.group_welfare_backoffice")
        self.check_access("write")
        self._send_issue_email()
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_issued(self):
        if self.move_ids:
            raise UserError(self.env._("Issued vouchers cannot be deleted: cancel them."))

    @api.constrains("worker_id")
    def _check_worker(self):
        for voucher in self:
            if not voucher.worker_id.is_welfare_worker:
                raise ValidationError(
                    self.env._(
                        "Vouchers are nominative: %(name)s is not a welfare worker.", name=voucher.worker_id.name
                    )
                )

    # ------------------------------------------------------------------
    # in-person redemption by a provider
    # ------------------------------------------------------------------
    @api.model
    def _invalid_code_message(self):
        """The one answer to a wrong code or PIN: it never tells whether the code exists,
        whose it is or what is left on it."""
        return self.env._("Invalid code or PIN.")

    def _check_service_date(self, service_date, today):
        """The service date a provider declares is shown only: it is not in the future,
        not before the voucher is valid, at most SERVICE_DATE_DAYS ago."""
        self.ensure_one()
        if not service_date:
            return
        if service_date > today:
            raise UserError(self.env._("The service date cannot be in the future."))
        if service_date < today - relativedelta(days=SERVICE_DATE_DAYS):
            raise UserError(self.env._("The service date can be at most %(days)s days ago.", days=SERVICE_DATE_DAYS))
        if service_date < self.date_start:
            raise UserError(
                self.env._(
                    "The service date is before the voucher became valid (%(date)s).",
                    date=format_date(self.env, self.date_start),
                )
            )

    @api.model
    def _redeem_at_provider(
        self,
        code,
        provider,
        category,
        amount,
        description=None,
        service_date=None,
        listing=None,
        document_ref=None,
        service_price=None,
    ):
        """A provider with an active convention redeems a worker's voucher for a service
        delivered in person (same rules as the shop). Returns the ledger line.

        Everything is judged on the day the line is written, today: the voucher's
        validity and expiry, the convention and the date in the books. A
        ``service_date`` is only shown (see _check_service_date).

        Full-value credit (employer welfare, DM 25/3/2016 art. 6) pays exactly one
        service at its whole price, never topped up by the worker: the provider names
        the service among its published ``listing``s and pays itself its price, as in
        the shop; an amount typed by hand is refused.

        Other credit is a multi-purpose voucher (DPR 633/72 art. 6-quater): the provider
        sold the service to the worker and documents it; it may give its document's
        ``document_ref`` and the service's whole ``service_price`` (at least the amount
        redeemed), so that the funder's statement reports the worker's co-payment.

        The rules for trusted callers: the provider portal goes through _portal_redeem,
        which first asks for the worker's consent."""
        today = fields.Date.context_today(self)
        provider = provider.commercial_partner_id
        if not isinstance(amount, (int, float)) or not math.isfinite(amount):
            raise UserError(self.env._("The amount must be positive."))
        convention = provider.welfare_convention_ids.filtered(
            lambda c: c._is_valid_on(today) and c._covers_category(category)
        )
        if not convention:
            raise UserError(self.env._("You have no active convention for %(category)s.", category=category.name))
        voucher = self.sudo().search([("code", "=", normalize_code(code))], limit=1) if code else self.browse()
        if not voucher or voucher.company_id not in convention.company_id:
            # A voucher of another network is, for this provider, no voucher at all.
            raise VoucherCodeError(self._invalid_code_message())
        voucher._lock()
        voucher._check_spendable(category, voucher.worker_id, today)
        voucher._check_service_date(service_date, today)
        currency = voucher.currency_id
        if voucher.fund_id.payment_mode == "full_value":
            price = listing and listing._welfare_redeem_price(provider, category)
            if not price:
                raise UserError(
                    self.env._(
                        "This credit pays one service at its full price (DM 25 March 2016 art. 6): choose "
                        "the service among your published listings of %(category)s; its price is what is "
                        "paid, with nothing added by the worker.",
                        category=category.name,
                    )
                )
            if currency.compare_amounts(amount, price) != 0:
                raise UserError(
                    self.env._(
                        "%(service)s costs %(price)s: full-value credit pays exactly the price of one "
                        "service, never a part of it and never topped up.",
                        service=listing.name,
                        price=currency.format(price),
                    )
                )
            description = description or listing.name
            document_ref = service_price = None  # the service voucher is the document
        if service_price is not None and currency.compare_amounts(service_price, amount) < 0:
            raise UserError(
                self.env._(
                    "The whole price of the service (%(price)s) cannot be lower than what the voucher pays "
                    "(%(amount)s).",
                    price=currency.format(service_price),
                    amount=currency.format(amount),
                )
            )
        service_taxes = self.env["account.tax"]
        if voucher.fund_id.payment_mode == "full_value":
            service_taxes = self.env["welfare.settlement.line"]._service_taxes_of(listing, category, voucher.company_id)
            if not service_taxes:
                # DPR 633/72 art. 6-bis: the VAT of a single-purpose voucher is known
                # when it is issued; the employer is invoiced the service with it.
                raise UserError(
                    self.env._(
                        "%(service)s has no single VAT rate set by the network's back office: full-value credit "
                        "pays only a service whose VAT is known (DPR 633/72 art. 6-bis). Ask the back office to "
                        "review the listing.",
                        service=listing.name,
                    )
                )
        move = voucher._redeem(
            amount,
            category,
            "provider",
            reason_params={"provider": provider.name},
            provider_id=provider.id,
            description=description or False,
            date=today,
            service_date=service_date or False,
            listing_id=listing.id if listing else False,
            # The VAT of a single-purpose voucher is fixed when it is issued (art. 6-ter).
            tax_ids=[(6, 0, service_taxes.ids)],
            provider_document_ref=document_ref or False,
            service_price=service_price or 0.0,
        )
        voucher.message_post(
            body=self.env._(
                "%(provider)s redeemed %(amount)s for %(service)s.",
                provider=provider.name,
                amount=currency.format(amount),
                service=description or category.name,
            ),
            partner_ids=voucher.worker_id.ids,
            # The notice to the worker comes from the network, whether or not the
            # provider's user has an e-mail address.
            email_from=voucher.company_id.email_formatted or None,
        )
        return move

    @api.model
    def _parse_portal_redeem(self, values, provider):
        """Read the /my/redeem form. Malformed input is a UserError in the user's words,
        never a crash; a code or PIN that cannot be one is a VoucherCodeError (counted by
        the throttle, answered like any wrong code)."""

        def text(name, limit):
            value = values.get(name)
            if value is None:
                return ""
            if not isinstance(value, str):
                raise UserError(self.env._("The form is not valid: reload the page and try again."))
            value = value.strip()
            if len(value) > limit:
                raise UserError(self.env._("A field of the form is too long (at most %(max)s characters).", max=limit))
            return value

        code, pin = text("code", 64), text("pin", 16)
        if not code or not pin:
            raise UserError(self.env._("Enter the voucher code and the PIN the worker gives you."))

        def record(model, name):
            value = text(name, 12)
            valid = value.isdigit() and value.isascii() and len(value) <= 9
            return self.env[model].sudo().browse(int(value)).exists() if valid else self.env[model]

        today = fields.Date.context_today(self)
        category = record("welfare.service.category", "category_id")
        # Full-value credit pays one listed service at its price: the provider names it.
        listing = record("product.template", "listing_id")
        if listing and listing.welfare_provider_id.commercial_partner_id != provider:
            raise UserError(self.env._("Choose the service among your listings."))
        if listing and not category:
            category = listing.welfare_category_id
        amount_text = text("amount", 32)
        if listing and not amount_text and category:
            amount_text = str(listing._welfare_redeem_price(provider, category))
        if not category or not provider.welfare_convention_ids.filtered(
            lambda c: c._is_valid_on(today) and c._covers_category(category)
        ):
            raise UserError(self.env._("Choose the service."))

        def money(value_text):
            try:
                value = Decimal(value_text.replace(",", "."))
            except InvalidOperation as e:
                raise UserError(self.env._("Enter the amount in euro, for example 25.50.")) from e
            if (
                not value.is_finite()
                or value < Decimal("0.01")
                or value > REDEEM_MAX_AMOUNT
                or value != value.quantize(Decimal("0.01"))
            ):
                raise UserError(
                    self.env._(
                        "The amount must be between 0.01 and %(max)s euro, with at most two decimals.",
                        max=REDEEM_MAX_AMOUNT,
                    )
                )
            return float(value)

        amount = money(amount_text)
        price_text = text("service_price", 32)
        service_price = money(price_text) if price_text else None
        document_ref = text("document_ref", 64)
        description = text("description", REDEEM_MAX_TEXT)
        service_date = text("service_date", 10)
        if service_date:
            try:
                service_date = fields.Date.to_date(service_date)
            except ValueError as e:
                raise UserError(self.env._("The service date is not a valid date.")) from e
        code = normalize_code(code)
        raw = code.replace("-", "")
        if len(raw) != 16 or any(ch not in CODE_ALPHABET for ch in raw) or not (pin.isdigit() and pin.isascii()):
            raise VoucherCodeError(self._invalid_code_message())
        return {
            "code": code,
            "pin": pin,
            "category": category,
            "amount": amount,
            "description": description or False,
            "service_date": service_date or False,
            "listing": listing,
            "document_ref": document_ref or None,
            "service_price": service_price,
        }

    @api.model
    def _portal_redeem(self, values, ip=None):
        """/my/redeem: the current user's provider redeems a voucher for a service
        delivered in person, with the worker's consent: the voucher code and the one-time
        PIN the worker made in "Il mio welfare" (DM 25/3/2016 art. 6: a nominative voucher
        is spent by its worker only). Returns the ledger line or raises UserError.

        A wrong code or PIN gets one generic answer and is counted per user, provider and
        IP in a sliding window (a success erases nothing); past the limit nothing is even
        looked up. Balance and eligibility are told only once code and PIN are proven. A
        refused redemption writes nothing but the counted failure (savepoint)."""
        user = self.env.user
        provider = user.commercial_partner_id
        if not (provider.is_welfare_provider or provider.is_welfare_producer):
            raise AccessError(self.env._("Only network providers redeem vouchers."))
        Attempt = self.env["welfare.redeem.attempt"]
        if Attempt._is_blocked(user, provider, ip):
            raise RedeemBlockedError(self.env._("Too many failed attempts: try again in a few minutes."))
        try:
            data = self._parse_portal_redeem(values, provider)
            voucher = self.sudo().search([("code", "=", data["code"])], limit=1)
            pin = self.env["welfare.voucher.pin"]._find_valid(voucher, data["pin"])
            if not pin:
                raise VoucherCodeError(self._invalid_code_message())
            if voucher.fund_id.payment_mode != "full_value" and not data["document_ref"]:
                # Multi-purpose credit (DPR 633/72 art. 6-quater): the provider sold the
                # service to the worker and documents it; the network records which
                # document the voucher paid (the funder's rendicontazione asks for it).
                # The PIN stays valid: the provider completes the form and sends it again.
                raise UserError(
                    self.env._(
                        "This voucher pays a share of a service you sold to the worker: give the number of "
                        "your receipt or invoice to the worker."
                    )
                )
            with self.env.cr.savepoint():
                move = self._redeem_at_provider(
                    voucher.code,
                    provider,
                    data["category"],
                    data["amount"],
                    description=data["description"],
                    service_date=data["service_date"],
                    listing=data["listing"],
                    document_ref=data["document_ref"],
                    service_price=data["service_price"],
                )
                if not pin._consume():
                    raise VoucherCodeError(self._invalid_code_message())
        except VoucherCodeError:
            Attempt._record_failure(user, provider, ip)
            raise
        return move

    def _welfare_new_redeem_pin(self):
        """The worker's consent to one in-person redemption: a one-time PIN, short-lived,
        that the worker tells the provider. Only the voucher's own worker makes one, for a
        voucher spendable today. Returns (pin, expires_at)."""
        self.ensure_one()
        voucher = self.sudo()
        if voucher.worker_id != self.env.user.partner_id:
            raise UserError(self.env._("Only the worker who owns this voucher can create its PIN."))
        if not voucher._is_usable_on(fields.Date.context_today(self)):
            raise UserError(self.env._("This voucher cannot be spent today."))
        return self.env["welfare.voucher.pin"]._new_pin(voucher)
