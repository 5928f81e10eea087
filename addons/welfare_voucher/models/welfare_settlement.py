from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.sql import escape_psql

from .welfare_settlement_line import INVOICED_KINDS, SERVICE_VOUCHER_NUMBER, is_out_of_scope, tax_key


class WelfareSettlement(models.Model):
    """Pays providers exactly once for what the network owes them for a period
    (docs/fiscal-model.md, flow e).

    The settlement is a statement, never the provider's invoice: per provider, one line
    per kind, service category and VAT treatment (welfare.settlement.line). For the shop
    sales and the service vouchers the provider issues its own e-invoice (FatturaPA),
    which arrives from SdI as a vendor bill and is matched to the statement per VAT
    treatment, and per service voucher where the invoice names it: a difference blocks
    the payment. The voucher share of services the provider sold to the worker itself
    (multi-purpose vouchers) is paid on a payment order, outside VAT. The network's
    commission is its own taxable service, on its own invoice with VAT, never a
    deduction on the provider's invoice."""

    _name = "welfare.settlement"
    _description = "Provider Settlement"
    _inherit = ["mail.thread", "mail.activity.mixin", "welfare.action.guard.mixin"]
    _order = "date_to desc, id desc"
    # The state moves only through action_compute/confirm/cancel (each use is paid once).
    _welfare_guarded_fields = frozenset(
        {
            "name",
            "state",
            "confirmed",
            "cancelled",
            "move_ids",
            "line_ids",
            "sale_line_ids",
            "sale_reversal_line_ids",
            "credit_line_ids",
            "bill_ids",
            "payment_order_ids",
            "commission_invoice_ids",
            "company_id",
        }
    )
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default=lambda self: self.env._("New"))
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", required=True, tracking=True)
    provider_ids = fields.Many2many(
        "res.partner", string="Only These Providers", help="Leave empty to settle every provider."
    )
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed"), ("paid", "Paid"), ("cancelled", "Cancelled")],
        compute="_compute_state",
        store=True,
        tracking=True,
    )
    confirmed = fields.Boolean(readonly=True, copy=False)
    cancelled = fields.Boolean(readonly=True, copy=False)
    move_ids = fields.One2many("welfare.voucher.move", "settlement_id", string="Voucher Uses")
    line_ids = fields.One2many("welfare.settlement.line", "settlement_id", string="Statement")
    sale_line_ids = fields.One2many("sale.order.line", "welfare_settlement_id", string="Shop Sales")
    sale_reversal_line_ids = fields.One2many(
        "sale.order.line", "welfare_reversal_settlement_id", string="Shop Sales Cancelled after Settlement"
    )
    credit_line_ids = fields.One2many("account.move.line", "welfare_settlement_id", string="Credit Notes to Workers")
    bill_ids = fields.One2many(
        "account.move",
        "welfare_settlement_id",
        string="Providers' Invoices",
        domain=[("move_type", "in", ("in_invoice", "in_refund"))],
    )
    payment_order_ids = fields.One2many(
        "account.move",
        "welfare_settlement_id",
        string="Payment Orders",
        domain=[("move_type", "=", "entry")],
    )
    commission_invoice_ids = fields.One2many(
        "account.move",
        "welfare_settlement_id",
        string="Commission Invoices",
        domain=[("move_type", "=", "out_invoice")],
    )
    bill_count = fields.Integer(compute="_compute_amounts")
    amount_redeemed = fields.Monetary(compute="_compute_amounts", string="Welfare Credit Used")
    amount_commission = fields.Monetary(compute="_compute_amounts", string="Commission")
    amount_due = fields.Monetary(compute="_compute_amounts", string="Due to Providers")
    invoice_state = fields.Selection(
        [
            ("none", "Nothing to invoice"),
            ("awaiting", "Awaiting invoices"),
            ("mismatch", "Mismatch"),
            ("matched", "Matched"),
        ],
        string="Invoice Match Status",
        compute="_compute_invoice_match",
    )
    invoice_match_html = fields.Html(string="Invoice Match", compute="_compute_invoice_match", sanitize=False)

    _sql_constraints = [
        ("dates_order", "CHECK(date_to >= date_from)", "The period ends before it starts."),
    ]

    @api.depends(
        "confirmed",
        "cancelled",
        "bill_ids.payment_state",
        "payment_order_ids.line_ids.amount_residual",
    )
    def _compute_state(self):
        for settlement in self:
            if settlement.cancelled:
                settlement.state = "cancelled"
            elif not settlement.confirmed:
                settlement.state = "draft"
            elif settlement._is_paid():
                settlement.state = "paid"
            else:
                settlement.state = "confirmed"

    def _payable_lines(self):
        """The payment orders' lines the providers are paid on."""
        return self.payment_order_ids.line_ids.filtered(lambda l: l.account_id.account_type == "liability_payable")

    def _is_paid(self):
        self.ensure_one()
        bills = self.bill_ids.filtered(lambda b: b.state == "posted")
        orders = self._payable_lines()
        if not bills and not orders:
            return False
        return all(b.payment_state in ("paid", "in_payment") for b in bills) and all(l.reconciled for l in orders)

    @api.depends("move_ids.amount", "line_ids.amount_total", "bill_ids", "commission_invoice_ids.amount_untaxed")
    def _compute_amounts(self):
        redeemed = dict(
            self.env["welfare.voucher.move"]
            .sudo()
            ._read_group([("settlement_id", "in", self._origin.ids)], ["settlement_id"], ["amount:sum"])
        )
        for settlement in self:
            settlement.amount_redeemed = -redeemed.get(settlement._origin, 0.0)
            settlement.amount_due = sum(settlement.line_ids.mapped("amount_total"))
            settlement.amount_commission = sum(settlement.commission_invoice_ids.mapped("amount_untaxed"))
            settlement.bill_count = len(settlement.bill_ids)

    @api.depends(
        "line_ids.amount_total",
        "bill_ids.state",
        "bill_ids.invoice_line_ids.price_total",
        "bill_ids.invoice_line_ids.tax_ids",
    )
    def _compute_invoice_match(self):
        for settlement in self:
            groups = settlement._invoice_match_groups()
            states = {group["state"] for group in groups.values()}
            if not groups:
                settlement.invoice_state = "none"
            elif "mismatch" in states:
                settlement.invoice_state = "mismatch"
            elif "awaiting" in states:
                settlement.invoice_state = "awaiting"
            else:
                settlement.invoice_state = "matched"
            settlement.invoice_match_html = settlement._invoice_match_table(groups)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("welfare.settlement") or self.env._("New")
        return super().create(vals_list)

    # --- what is settled -----------------------------------------------------

    def _lock(self):
        """Lock the settlements' rows: compute, match, confirm, cancel and linking an
        invoice by hand run one at a time on a settlement, and see its latest state."""
        if self.ids:
            self.env.cr.execute(
                SQL("SELECT id FROM welfare_settlement WHERE id IN %s ORDER BY id FOR NO KEY UPDATE", tuple(self.ids))
            )
            self.invalidate_recordset(["state", "confirmed", "cancelled"])

    def _lock_unsettled(self, records, table, column="welfare_settlement_id"):
        """Lock ``records`` still free, so that two settlements running at once cannot take
        the same use twice; returns those that are."""
        if not records:
            return records
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s AND %s IS NULL ORDER BY id FOR UPDATE",
                SQL.identifier(table),
                tuple(records.ids),
                SQL.identifier(column),
            )
        )
        locked = {row[0] for row in self.env.cr.fetchall()}
        records.invalidate_recordset([column])
        # Only the ids: reading the records again would fetch every column of each.
        return records.browse([record_id for record_id in records.ids if record_id in locked])

    def _provider_domain(self, field):
        return [(field, "in", self.provider_ids.ids)] if self.provider_ids else []

    def _candidate_moves(self):
        """Redemptions and refunds at providers up to the end of the period, not settled
        yet (also those of earlier periods that came in late), locked so that two
        settlements running at once cannot take the same use twice."""
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("move_type", "in", ("redeem", "refund")),
            ("provider_id", "!=", False),
            ("settlement_id", "=", False),
            ("date", "<=", self.date_to),
            *self._provider_domain("provider_id"),
        ]
        moves = self.env["welfare.voucher.move"].sudo().search(domain)
        return self._lock_unsettled(moves, "welfare_voucher_move", "settlement_id")

    def _period_end(self):
        """The end of the period as the database stores order dates (UTC), from the
        company's local midnight."""
        tz = pytz.timezone(self.env.user.tz or self.company_id.partner_id.tz or "Europe/Rome")
        end = tz.localize(datetime.combine(self.date_to + timedelta(days=1), time.min))
        return end.astimezone(pytz.utc).replace(tzinfo=None)

    def _candidate_sale_lines(self):
        """The providers' listings the network sold in the shop up to the end of the
        period (confirmed orders), whoever paid them: the network bought them at their
        whole price."""
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("state", "=", "sale"),
            ("display_type", "=", False),
            ("product_id.product_tmpl_id.welfare_provider_id", "!=", False),
            ("welfare_settlement_id", "=", False),
            ("order_id.date_order", "<", self._period_end()),
            *self._provider_domain("product_id.product_tmpl_id.welfare_provider_id.commercial_partner_id"),
        ]
        lines = self.env["sale.order.line"].sudo().search(domain)
        return self._lock_unsettled(lines, "sale_order_line")

    def _candidate_cancelled_sales(self):
        """Shop sales an earlier settlement paid whose order was cancelled since: the
        provider gives the price back, on this statement."""
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("state", "=", "cancel"),
            ("welfare_settlement_id", "!=", False),
            ("welfare_reversal_settlement_id", "=", False),
            *self._provider_domain("product_id.product_tmpl_id.welfare_provider_id.commercial_partner_id"),
        ]
        lines = self.env["sale.order.line"].sudo().search(domain)
        return self._lock_unsettled(lines, "sale_order_line", "welfare_reversal_settlement_id")

    def _candidate_credit_lines(self):
        """Credit notes to workers for the providers' listings, posted up to the end of
        the period: the provider credits the network in turn."""
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("parent_state", "=", "posted"),
            ("move_id.move_type", "=", "out_refund"),
            ("display_type", "=", "product"),
            ("sale_line_ids", "!=", False),
            ("product_id.product_tmpl_id.welfare_provider_id", "!=", False),
            ("welfare_settlement_id", "=", False),
            ("date", "<=", self.date_to),
            *self._provider_domain("product_id.product_tmpl_id.welfare_provider_id.commercial_partner_id"),
        ]
        lines = self.env["account.move.line"].sudo().search(domain)
        # The worker's credit notes only (never the employer's), and not those of a sale
        # whose cancellation the provider gives back anyway.
        lines = lines.filtered(
            lambda l: (
                l.move_id.commercial_partner_id in l.sale_line_ids.order_id.partner_id.commercial_partner_id
                and "cancel" not in l.sale_line_ids.mapped("state")
            )
        )
        return self._lock_unsettled(lines, "account_move_line")

    def _commission_percent(self, provider, category, on_date):
        """The commission of the convention covering ``category`` (never changed on an
        active convention: see welfare.convention.write)."""
        convention = provider.welfare_convention_ids.filtered(
            lambda c: (
                c.date_start <= on_date
                and (not c.date_end or c.date_end >= on_date)
                and c.state in ("active", "expired", "terminated")
                and c._covers_category(category)
            )
        )[:1]
        return convention.commission_percent if convention else 0.0

    def _free_settled(self):
        """Give back what this settlement took, so that it can be settled again."""
        self.move_ids.sudo().write({"settlement_id": False})
        self.sale_line_ids.sudo().write({"welfare_settlement_id": False})
        self.sale_reversal_line_ids.sudo().write({"welfare_reversal_settlement_id": False})
        self.credit_line_ids.sudo().write({"welfare_settlement_id": False})
        self.line_ids.sudo().unlink()

    def action_compute(self):
        """Collect every unsettled use and shop sale up to the end of the period, write
        the statement per provider, draft the network's commission invoices and match the
        providers' invoices already received."""
        self._welfare_check_settler()
        self._lock()
        for settlement in self:
            if settlement.state != "draft":
                raise UserError(self.env._("Only draft settlements can be computed."))
            if settlement.sudo().bill_ids:
                raise UserError(
                    self.env._(
                        "Providers have already invoiced the statement of %(name)s: it cannot change any more. "
                        "Cancel the settlement to start again.",
                        name=settlement.name,
                    )
                )
            accounts = settlement.company_id._welfare_accounts()
            # Its own draft documents, re-made below (the back office computes without posting rights).
            own = settlement.sudo().commission_invoice_ids | settlement.sudo().payment_order_ids
            own.filtered(lambda b: b.state == "draft").unlink()
            settlement.sudo()._free_settled()
            moves = settlement._candidate_moves()
            sale_lines = settlement._candidate_sale_lines()
            cancelled = settlement._candidate_cancelled_sales()
            credit_lines = settlement._candidate_credit_lines()
            if not (moves or sale_lines or cancelled or credit_lines):
                raise UserError(self.env._("Nothing to settle in this period."))
            moves.write({"settlement_id": settlement.id})
            sale_lines.write({"welfare_settlement_id": settlement.id})
            cancelled.write({"welfare_reversal_settlement_id": settlement.id})
            credit_lines.write({"welfare_settlement_id": settlement.id})
            line_values = settlement._statement_values(moves, sale_lines - cancelled, cancelled, credit_lines, accounts)
            self.env["welfare.settlement.line"].sudo().create(line_values)
            commissions = []
            for provider, provider_moves in moves.grouped("provider_id").items():
                if commission := settlement._commission_invoice_values(provider, provider_moves, accounts):
                    commissions.append(commission)
            self.env["account.move"].sudo().create(commissions)._welfare_set_stamp_duty()
        self._match_invoices()
        return True

    def _statement_values(self, moves, sale_lines, cancelled, credit_lines, accounts):
        """The statement: per provider, kind, category, VAT treatment and account, how
        many uses and how much (VAT included). The untaxed amount of a group is taken
        from its total once, as the provider's invoice does (never a sum of roundings)."""
        self.ensure_one()
        totals = {}
        line_model = self.env["welfare.settlement.line"]

        def add(provider, kind, category, taxes, account, amount):
            key = (provider, kind, category, taxes, account)
            count, total = totals.get(key, (0, 0.0))
            totals[key] = (count + 1, total + amount)

        currency = self.currency_id

        def owed(sale_taxes, supplier_taxes, untaxed, total):
            """What the provider invoices for a supply the network sells at ``total``:
            the same, or, under another VAT treatment (a flat-rate provider's N2.2), the
            untaxed price with the provider's own VAT."""
            if not supplier_taxes or tax_key(supplier_taxes) == tax_key(sale_taxes):
                return total
            return currency.round(supplier_taxes.compute_all(untaxed, currency=currency)["total_included"])

        def sale(line, sign):
            product = line.product_id
            template = product.product_tmpl_id
            provider = template.welfare_provider_id.commercial_partner_id
            account = product._get_product_accounts()["expense"]
            taxes = line.tax_id if line._name == "sale.order.line" else line.tax_ids
            supplier = line_model._supplier_taxes(template, self.company_id)
            amount = owed(taxes, supplier, line.price_subtotal, line.price_total)
            add(provider, "purchase", template.welfare_category_id, supplier or taxes, account, sign * amount)

        for line in sale_lines:
            sale(line, 1)
        # Sales an earlier statement paid, cancelled since, and credit notes to workers.
        for line in [*cancelled, *credit_lines]:
            sale(line, -1)
        # Voucher uses in the shop are paid with the sale they belong to, above.
        for move in moves.filtered(lambda m: not m.transaction_id and not m.sale_order_line_id):
            provider = move.provider_id.commercial_partner_id
            # A redemption is negative on the voucher, a refund positive.
            amount = -move.amount
            if move.fund_id.payment_mode == "full_value":
                listing = move.listing_id or move.origin_move_id.listing_id
                sale_taxes = line_model._service_taxes(move, self.company_id)
                supplier = line_model._supplier_taxes(listing, self.company_id)
                untaxed = line_model._untaxed(sale_taxes, amount, currency)
                amount = owed(sale_taxes, supplier, untaxed, amount)
                taxes = supplier or sale_taxes
                # Recharged to the employer with its VAT, the service is a purchase of the
                # network (the recharge clears the providers to settle); without a VAT of
                # its own it passes through the providers to settle.
                account = accounts["to_settle"]
                if listing and taxes:
                    account = listing.product_variant_id._get_product_accounts()["expense"]
                add(provider, "service_voucher", move.category_id, taxes, account, amount)
            else:
                add(provider, "third_party", move.category_id, self.env["account.tax"], accounts["to_settle"], amount)
        return [
            line_model._values(
                self,
                provider,
                kind,
                category,
                taxes,
                account,
                count,
                total,
                line_model._untaxed(taxes, self.currency_id.round(total), self.currency_id),
            )
            for (provider, kind, category, taxes, account), (count, total) in sorted(
                totals.items(), key=lambda kv: (kv[0][0].display_name or "", kv[0][1], kv[0][2].display_name or "")
            )
        ]

    def _commission_invoice_values(self, provider, moves, accounts):
        """The network's invoice to the provider for its commission: one line per rate of
        the conventions, on the net of the period's welfare uses, with the company's sales
        VAT (the network's own taxable service). None when there is no commission."""
        self.ensure_one()
        currency = self.currency_id
        bases, percents = {}, {}
        for move in moves:
            key = (move.category_id, move.date)
            if key not in percents:
                percents[key] = self._commission_percent(provider, move.category_id, move.date)
            bases[percents[key]] = bases.get(percents[key], 0.0) - move.amount
        taxes = self.company_id.account_sale_tax_id
        lines = []
        for percent, base in sorted(bases.items()):
            commission = currency.round(base * percent / 100.0)
            if currency.compare_amounts(commission, 0) > 0:
                lines.append(
                    Command.create(
                        {
                            "name": self.env._(
                                "Network commission %(percent)s%% on %(base)s of welfare uses (settlement %(name)s)",
                                percent=percent,
                                base=currency.format(base),
                                name=self.name,
                            ),
                            "quantity": 1,
                            "price_unit": commission,
                            "account_id": accounts["commission"].id,
                            "tax_ids": [Command.set(taxes.ids)],
                        }
                    )
                )
        if not lines:
            return None
        return {
            "move_type": "out_invoice",
            "partner_id": provider.id,
            "invoice_date": self.date_to,
            "date": self.date_to,
            "ref": self.env._("Welfare settlement %(name)s", name=self.name),
            "company_id": self.company_id.id,
            "welfare_settlement_id": self.id,
            "invoice_line_ids": lines,
        }

    # --- the providers' invoices ---------------------------------------------

    def _match_tolerance(self, uses):
        """Rounding the provider's invoice may differ by: VAT is computed once per rate
        on the invoice, per line in the shop; half a cent per use, at most 1.00."""
        return min(max(0.01, 0.005 * uses), 1.0)

    def _invoice_match_groups(self):
        """Per provider and VAT treatment, what the statement expects the provider to
        invoice and what its invoices linked to the settlement carry.

        Returns {(provider, tax_key): {"expected", "expected_untaxed", "invoiced",
        "invoiced_untaxed", "uses", "state", "label", "vouchers"}}; ``vouchers`` lists
        the service vouchers the invoices name, alone on their lines, for another amount
        (summed over the lines and credit notes naming each). Lines outside VAT under
        art. 15 (Natura N1, e.g. the provider's stamp duty) are not matched."""
        self.ensure_one()
        currency = self.currency_id
        groups = {}

        def group(provider, key, label):
            return groups.setdefault(
                (provider, key),
                {
                    "expected": 0.0,
                    "expected_untaxed": 0.0,
                    "invoiced": 0.0,
                    "invoiced_untaxed": 0.0,
                    "uses": 0,
                    "label": label,
                    "vouchers": [],
                },
            )

        for line in self.line_ids.filtered(lambda l: l.kind in INVOICED_KINDS):
            data = group(line.provider_id, tax_key(line.tax_ids), ", ".join(line.tax_ids.mapped("name")))
            data["expected"] += line.amount_total
            data["expected_untaxed"] += line.amount_untaxed
            data["uses"] += line.use_count
        bills = self.bill_ids.filtered(lambda b: b.state != "cancel")
        # The service vouchers of this statement, per provider: {number: (provider, amount)}.
        vouchers = {
            move.service_voucher_number: (move.provider_id.commercial_partner_id, -move.amount)
            for move in self._service_voucher_moves()
            if move.move_type == "redeem"
        }
        invoiced_vouchers = {}
        for bill in bills:
            sign = -1 if bill.move_type == "in_refund" else 1
            provider = bill.commercial_partner_id
            for bill_line in bill.invoice_line_ids.filtered(lambda l: l.display_type == "product"):
                if is_out_of_scope(bill_line.tax_ids):
                    continue
                key = tax_key(bill_line.tax_ids)
                data = group(provider, key, ", ".join(bill_line.tax_ids.mapped("name")))
                data["invoiced"] += sign * bill_line.price_total
                data["invoiced_untaxed"] += sign * bill_line.price_subtotal
                numbers = set(SERVICE_VOUCHER_NUMBER.findall(bill_line.name or ""))
                if len(numbers) == 1 and (number := numbers.pop()) in vouchers and vouchers[number][0] == provider:
                    total = invoiced_vouchers.get(number, (key, 0.0))[1]
                    invoiced_vouchers[number] = (key, total + sign * bill_line.price_total)
        for number, (key, invoiced) in invoiced_vouchers.items():
            provider, expected = vouchers[number]
            if currency.compare_amounts(expected, invoiced):
                group(provider, key, "")["vouchers"].append((number, expected, invoiced))
        invoiced_providers = bills.commercial_partner_id
        for (provider, _key), data in groups.items():
            tolerance = self._match_tolerance(data["uses"])
            if provider not in invoiced_providers:
                data["state"] = "awaiting"
            elif (
                abs(data["expected"] - data["invoiced"]) > tolerance + 1e-9
                or abs(data["expected_untaxed"] - data["invoiced_untaxed"]) > tolerance + 1e-9
                or data["vouchers"]
            ):
                data["state"] = "mismatch"
            else:
                data["state"] = "matched"
        return groups

    def _invoice_match_table(self, groups):
        """The match, as the back office and accounting read it on the settlement."""
        if not groups:
            return False
        currency = self.currency_id
        labels = dict(self.env["welfare.settlement.line"]._fields["match_state"]._description_selection(self.env))
        rows = Markup("").join(
            Markup(
                "<tr class='o_welfare_match_%s'><td>%s</td><td>%s</td><td class='text-end'>%s</td>"
                "<td class='text-end'>%s</td><td>%s</td></tr>"
            )
            % (
                data["state"],
                provider.display_name,
                data["label"] or self.env._("No VAT"),
                currency.format(data["expected"]),
                currency.format(data["invoiced"]),
                labels[data["state"]]
                + "".join(
                    self.env._(
                        " · %(number)s: %(expected)s expected, %(invoiced)s invoiced",
                        number=number,
                        expected=currency.format(expected),
                        invoiced=currency.format(invoiced),
                    )
                    for number, expected, invoiced in data["vouchers"]
                ),
            )
            for (provider, _key), data in sorted(groups.items(), key=lambda kv: kv[0][0].display_name or "")
        )
        head = Markup(
            "<tr><th>%s</th><th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th><th>%s</th></tr>"
        ) % (
            self.env._("Provider"),
            self.env._("VAT"),
            self.env._("Expected"),
            self.env._("Invoiced"),
            self.env._("Status"),
        )
        return Markup(
            "<table class='table table-sm o_welfare_invoice_match'><thead>%s</thead><tbody>%s</tbody></table>"
        ) % (
            head,
            rows,
        )

    def _match_invoices(self):
        """Link the providers' invoices received for this settlement: vendor bills and
        credit notes of a provider of the statement that quote the settlement's number
        (FatturaPA <DatiOrdineAcquisto><IdDocumento>, imported as the bill's origin, or
        its reference or payment reference). Others are linked by hand on the bill."""
        for settlement in self.filtered(lambda s: s.state == "draft"):
            providers = settlement.line_ids.filtered(lambda l: l.kind in INVOICED_KINDS).provider_id
            if not providers:
                continue
            # The settlement's number as such, not as a pattern.
            reference = escape_psql(settlement.name)
            bills = (
                self.env["account.move"]
                .sudo()
                .search(
                    [
                        ("company_id", "=", settlement.company_id.id),
                        ("move_type", "in", ("in_invoice", "in_refund")),
                        ("state", "!=", "cancel"),
                        ("commercial_partner_id", "in", providers.ids),
                        ("welfare_settlement_id", "=", False),
                        "|",
                        "|",
                        ("invoice_origin", "ilike", reference),
                        ("ref", "ilike", reference),
                        ("payment_reference", "ilike", reference),
                    ]
                )
            )
            if bills:
                bills.write({"welfare_settlement_id": settlement.id})
                settlement.sudo().message_post(
                    body=self.env._(
                        "Providers' invoices matched: %(bills)s.",
                        bills=", ".join(bills.mapped(lambda b: b.ref or b.name)),
                    )
                )
        return True

    def action_match_invoices(self):
        """Look for the providers' invoices received since the statement was made."""
        self._welfare_check_settler()
        self._lock()
        self._match_invoices()
        return True

    def action_release_unmatched(self):
        """Pay the providers whose invoices match without waiting for the others: the
        providers still awaited or not matching leave this settlement (their uses and
        sales, statement lines, invoices and commission go back to be settled again)."""
        self._welfare_check_settler()
        self._lock()
        for settlement in self:
            if settlement.state != "draft":
                raise UserError(self.env._("Only draft settlements can be changed."))
            released = {
                provider
                for (provider, _key), data in settlement._invoice_match_groups().items()
                if data["state"] != "matched"
            }
            if not released:
                continue
            released = self.env["res.partner"].union(*released)
            sudo = settlement.sudo()
            sudo._release(released)
            remaining = sudo.line_ids.provider_id
            sudo.provider_ids = remaining
            sudo.message_post(
                body=self.env._(
                    "Released to a later settlement, their invoices not matching yet: %(providers)s.",
                    providers=", ".join(released.mapped("display_name")),
                )
            )
        return True

    # --- confirmation, payment, cancellation ---------------------------------

    def _welfare_check_settler(self):
        self._welfare_check_group("welfare_network.group_welfare_backoffice", "account.group_account_invoice")
        self.check_access("write")

    def _release(self, providers):
        """Take ``providers``' uses, sales, statement lines, invoices and draft commission
        out of this draft settlement (sudo)."""
        self.ensure_one()

        def released(partner):
            return partner.commercial_partner_id in providers

        self.move_ids.filtered(lambda m: released(m.provider_id)).write({"settlement_id": False})
        for lines, field in (
            (self.sale_line_ids, "welfare_settlement_id"),
            (self.sale_reversal_line_ids, "welfare_reversal_settlement_id"),
            (self.credit_line_ids, "welfare_settlement_id"),
        ):
            lines.filtered(lambda l: released(l.product_id.product_tmpl_id.welfare_provider_id)).write({field: False})
        self.line_ids.filtered(lambda l: released(l.provider_id)).unlink()
        self.bill_ids.filtered(lambda b: released(b.commercial_partner_id)).write({"welfare_settlement_id": False})
        self.commission_invoice_ids.filtered(lambda b: released(b.partner_id) and b.state == "draft").unlink()

    def _check_invoices_match(self):
        self.ensure_one()
        problems = [
            self.env._(
                "%(provider)s, VAT %(vat)s: expected %(expected)s, invoiced %(invoiced)s",
                provider=provider.display_name,
                vat=data["label"] or self.env._("none"),
                expected=self.currency_id.format(data["expected"]),
                invoiced=self.currency_id.format(data["invoiced"]),
            )
            for (provider, _key), data in self._invoice_match_groups().items()
            if data["state"] != "matched"
        ]
        if problems:
            raise UserError(
                self.env._(
                    "The providers' invoices do not match the statement of %(name)s, so nothing can be paid yet:\n"
                    "%(problems)s\nLink the missing invoices, or ask the provider for a credit note or a corrected "
                    "invoice, or release these providers to a later settlement.",
                    name=self.name,
                    problems="\n".join(problems),
                )
            )

    def _service_voucher_moves(self):
        """The uses of this settlement that are single-purpose service vouchers, with
        what matching reads of them (a settlement may hold 100,000 uses: not all read)."""
        self.ensure_one()
        if not self._origin.id:
            return self.env["welfare.voucher.move"]  # a settlement not saved yet holds none
        return (
            self.env["welfare.voucher.move"]
            .sudo()
            .search_fetch(
                # The saved settlement's (a form being edited holds a new record).
                [("settlement_id", "=", self._origin.id), ("service_voucher_number", "!=", False)],
                ["service_voucher_number", "provider_id", "category_id", "amount", "move_type", "currency_id"],
                order="id",
            )
        )

    def _book_matched_bills(self):
        """Put each line of the providers' draft invoices on the statement's account:
        the account of the service voucher the line names, else the one account of its
        provider and VAT treatment (shop sales and service vouchers recharged with VAT:
        the product's expense; other service vouchers: the providers to settle)."""
        self.ensure_one()
        accounts, by_voucher = {}, {}
        for line in self.line_ids.filtered(lambda l: l.kind in INVOICED_KINDS):
            accounts.setdefault((line.provider_id, tax_key(line.tax_ids)), set()).add(line.account_id)
        voucher_accounts = {}
        for line in self.line_ids.filtered(lambda l: l.kind == "service_voucher" and l.account_id):
            voucher_accounts.setdefault((line.provider_id, line.category_id), set()).add(line.account_id)
        for move in self._service_voucher_moves():
            candidates = voucher_accounts.get((move.provider_id.commercial_partner_id, move.category_id), set())
            if len(candidates) == 1:
                by_voucher[move.service_voucher_number] = next(iter(candidates))
        for bill in self.bill_ids.filtered(lambda b: b.state == "draft"):
            for bill_line in bill.invoice_line_ids.filtered(lambda l: l.display_type == "product"):
                if is_out_of_scope(bill_line.tax_ids):
                    continue
                numbers = set(SERVICE_VOUCHER_NUMBER.findall(bill_line.name or ""))
                account = by_voucher.get(numbers.pop()) if len(numbers) == 1 else None
                if not account:
                    candidates = accounts.get((bill.commercial_partner_id, tax_key(bill_line.tax_ids)), set())
                    account = next(iter(candidates)) if len(candidates) == 1 else None
                if account and bill_line.account_id != account:
                    taxes = bill_line.tax_ids
                    bill_line.account_id = account
                    if bill_line.tax_ids != taxes:
                        bill_line.tax_ids = taxes  # the provider's VAT, whatever the account's default

    def _payment_order_values(self):
        """Per provider, the voucher share of the services it sold to workers itself
        (multi-purpose vouchers): outside VAT, no invoice, paid on a payment order
        (Dr providers to settle / Cr the provider's payable)."""
        self.ensure_one()
        totals = {}
        for line in self.line_ids.filtered(lambda l: l.kind == "third_party"):
            totals[line.provider_id] = totals.get(line.provider_id, 0.0) + line.amount_total
        return [
            (provider, amount)
            for provider, amount in totals.items()
            if self.currency_id.compare_amounts(amount, 0) != 0
        ]

    def action_confirm(self):
        """Accounting: the providers' invoices match the statement; post them, the
        payment orders and the commission invoices. The providers are owed what the
        statement says."""
        self._welfare_check_group("account.group_account_invoice")
        self.check_access("write")
        self._lock()
        for settlement in self:
            if settlement.state != "draft" or not settlement.line_ids:
                raise UserError(self.env._("Compute the settlement before confirming it."))
            settlement._match_invoices()
            settlement._book_matched_bills()
            # Checked once the lines are on their accounts (nothing changed the amounts).
            settlement._check_invoices_match()
        for settlement in self:
            accounts = settlement.company_id._welfare_accounts()
            settlement.bill_ids.filtered(lambda b: b.state == "draft").action_post()
            orders = self.env["account.move"]
            for provider, amount in settlement._payment_order_values():
                payable = provider.with_company(settlement.company_id).property_account_payable_id
                label = self.env._(
                    "Welfare vouchers redeemed at %(provider)s, settlement %(name)s",
                    provider=provider.name,
                    name=settlement.name,
                )
                orders |= settlement.company_id._welfare_post_entry(
                    settlement.date_to,
                    self.env._("Welfare settlement %(name)s", name=settlement.name),
                    [(accounts["to_settle"], provider, amount, label), (payable, provider, -amount, label)],
                )
            orders.sudo().write({"welfare_settlement_id": settlement.id})
            settlement.commission_invoice_ids.filtered(lambda b: b.state == "draft").action_post()
            settlement._welfare_action_write({"confirmed": True})
        return True

    def action_cancel(self):
        """Accounting: cancel the settlement. Its payment orders and commission invoices
        are cancelled; the providers' invoices stay as they are (a received FatturaPA is
        the provider's document) and are unlinked, to be matched again; its uses and
        sales can be settled again."""
        self._welfare_check_group("account.group_account_invoice")
        self.check_access("write")
        self._lock()
        for settlement in self:
            if settlement.state == "cancelled":
                raise UserError(self.env._("This settlement is already cancelled."))
            received = settlement.bill_ids.filtered(lambda b: not b.welfare_drafted_by_network)
            own = settlement.payment_order_ids | settlement.commission_invoice_ids | (settlement.bill_ids - received)
            if any(b.payment_state in ("paid", "in_payment", "partial") for b in own | received) or any(
                l.matched_debit_ids or l.matched_credit_ids for l in settlement._payable_lines()
            ):
                raise UserError(self.env._("Paid settlements cannot be cancelled: refund the bills first."))
            posted = own.filtered(lambda b: b.state == "posted")
            # An invoice already sent through SdI is reversed by a credit note (TD04), never
            # deleted; the others go back to draft and are cancelled.
            sent = posted.filtered(lambda b: b.is_invoice() and b.l10n_it_edi_state)
            if sent:
                sent._reverse_moves(
                    [{"ref": self.env._("Settlement %(name)s cancelled", name=settlement.name)}] * len(sent),
                    cancel=True,
                )
            (posted - sent).with_context(welfare_voucher_settlement_cancel=True).button_draft()
            (own - sent).button_cancel()
            received.sudo().write({"welfare_settlement_id": False})
            for bill in received:
                bill.sudo().message_post(
                    body=self.env._(
                        "Settlement %(name)s was cancelled: this invoice waits for the settlement that replaces it.",
                        name=settlement.name,
                    )
                )
            settlement.sudo()._free_settled()
            settlement._welfare_action_write({"cancelled": True})
        return True

    def action_open_bills(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_in_invoice_type")
        action["domain"] = [("welfare_settlement_id", "=", self.id), ("move_type", "in", ("in_invoice", "in_refund"))]
        action["context"] = {"default_move_type": "in_invoice"}
        return action
