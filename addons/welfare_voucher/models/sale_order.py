from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class SaleOrder(models.Model):
    _inherit = "sale.order"

    welfare_move_ids = fields.One2many(
        "welfare.voucher.move",
        "sale_order_id",
        string="Welfare Ledger",
        groups="welfare_network.group_welfare_backoffice",
    )
    welfare_hold_ids = fields.One2many(
        "welfare.voucher.hold",
        "sale_order_id",
        string="Welfare Credit Held",
        groups="welfare_network.group_welfare_backoffice",
    )
    welfare_amount = fields.Monetary(
        string="Paid with Welfare",
        compute="_compute_welfare_amount",
        help="Welfare credit held on the cart or, once the order is confirmed, spent on it (net of refunds).",
    )

    def _compute_welfare_amount(self):
        for order in self:
            moves = order.sudo().welfare_move_ids.filtered(lambda m: m.move_type in ("redeem", "refund"))
            order.welfare_amount = sum(order.sudo().welfare_hold_ids.mapped("amount")) - sum(moves.mapped("amount"))

    def _welfare_worker(self):
        self.ensure_one()
        worker = self.partner_id.commercial_partner_id
        return worker if worker.is_welfare_worker else self.env["res.partner"]

    def _welfare_needs(self):
        """Eligible lines and what is left to pay on each: listings on sale, of a
        provider with an active convention, in a welfare category; never more in all
        than the order still costs (discount and reward lines included)."""
        self.ensure_one()
        needs = []
        moves = self.sudo().welfare_move_ids
        room = self._welfare_room()
        for line in self.order_line.filtered(lambda l: not l.display_type and l.product_id):
            template = line.product_id.product_tmpl_id.sudo()
            category = template.welfare_category_id
            if not (category and template.welfare_sellable):
                continue
            paid = -sum(moves.filtered(lambda m, line=line: m.sale_order_line_id == line).mapped("amount"))
            remaining = self.currency_id.round(min(line.price_total - paid, room))
            if self.currency_id.compare_amounts(remaining, 0) > 0:
                needs.append((line, category, remaining))
                room -= remaining
        return needs

    def _welfare_room(self):
        """What welfare credit may still pay on this order: its total less what other
        means of payment paid or authorised (the order's own welfare credit aside)."""
        self.ensure_one()
        order = self.sudo()
        others = order.transaction_ids.filtered(
            lambda t: t.provider_code != "welfare" and t.state in ("authorized", "done") and t.operation != "refund"
        )
        return order.amount_total - sum(others.mapped("amount"))

    def _welfare_plan(self):
        """How the worker's vouchers would pay this cart now: {line: [(voucher, amount)]}."""
        self.ensure_one()
        worker = self._welfare_worker()
        if not worker or self.state not in ("draft", "sent"):
            return {}
        vouchers = self._welfare_vouchers(worker)
        return vouchers._plan_spending(self._welfare_needs(), worker, fields.Date.context_today(self), order=self)

    def _welfare_vouchers(self, worker):
        """The worker's active vouchers that can pay this order (same currency)."""
        self.ensure_one()
        return (
            self.env["welfare.voucher"]._worker_vouchers(worker).filtered(lambda v: v.currency_id == self.currency_id)
        )

    def _welfare_checkout_summary(self):
        """What the checkout shows: credit available, what it can still pay in this cart
        (beyond what it already holds: once applied, the panel offers no second apply)."""
        self.ensure_one()
        worker = self._welfare_worker()
        vouchers = self._welfare_vouchers(worker) if worker else self.env["welfare.voucher"]
        plan = self._welfare_plan()
        coverable = sum(amount for parts in plan.values() for _v, amount in parts)
        return {
            "worker": worker,
            "credit": sum(
                vouchers.filtered(lambda v: v._is_usable_on(fields.Date.context_today(self))).mapped("amount_available")
            )
            + sum(self.sudo().welfare_hold_ids.mapped("amount")),
            "coverable": max(self.currency_id.round(coverable - self.welfare_amount), 0.0),
            "paid": self.welfare_amount,
            "lines": plan,
        }

    def _welfare_provider(self):
        return (
            self.env["payment.provider"]
            .sudo()
            .search_fetch(
                [("code", "=", "welfare"), ("company_id", "=", self.company_id.id)],
                # With what the welfare transactions read of it (one query, not two).
                ["code", "state", "company_id", "name"],
                limit=1,
            )
        )

    def _welfare_apply_credit(self, confirm=True):
        """Hold welfare credit on the eligible part of the cart (earliest expiry first),
        under the vouchers' row locks: authorised welfare payment transactions (one for
        single-purpose credit, one for the rest) and one hold per voucher and line.
        Nothing is spent until the order is confirmed (``_welfare_capture_holds``);
        ``confirm``: confirm the order at once when the credit covers what confirmation
        needs (the worker has nothing left to pay)."""
        self.ensure_one()
        order = self.sudo()
        if order.state not in ("draft", "sent"):
            raise UserError(self.env._("This order can no longer be paid."))
        worker = order._welfare_worker()
        if not worker:
            raise UserError(self.env._("Only workers of the network can pay with welfare credit."))
        provider = order._welfare_provider()
        if not provider:
            raise UserError(
                self.env._("Welfare payments are not configured for %(company)s.", company=order.company_id.name)
            )
        vouchers = order._welfare_vouchers(worker)
        vouchers._lock()
        plan = vouchers._plan_spending(order._welfare_needs(), worker, fields.Date.context_today(self), order=order)
        total = order.currency_id.round(sum(amount for parts in plan.values() for _v, amount in parts))
        if order.currency_id.compare_amounts(total, 0) <= 0:
            raise UserError(self.env._("Nothing in this cart can be paid with your welfare credit."))
        order._welfare_release_holds(self.env._("Credit planned again"))
        # Single-purpose credit (full value, employer welfare c.2) pays lines that are the
        # employer's to be invoiced, other credit pays the worker's invoice: one payment
        # each, so that each settles its own document on the worker's receivable.
        shares = {}
        for line, parts in plan.items():
            for voucher, amount in parts:
                shares.setdefault(voucher.fund_id.payment_mode == "full_value", []).append((line, voucher, amount))
        Transaction = self.env["payment.transaction"].sudo()
        txs = Transaction
        hold_values = []
        for single_purpose in sorted(shares):
            share = shares[single_purpose]
            tx = Transaction.create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": provider.payment_method_ids[:1].id,
                    "reference": Transaction._compute_reference("welfare", prefix=order.name),
                    "amount": order.currency_id.round(sum(amount for _line, _voucher, amount in share)),
                    "currency_id": order.currency_id.id,
                    "partner_id": order.partner_invoice_id.id,
                    "operation": "offline",
                    "sale_order_ids": [Command.set(order.ids)],
                }
            )
            txs |= tx
            hold_values += [
                {
                    "voucher_id": voucher.id,
                    "sale_order_id": order.id,
                    "sale_order_line_id": line.id,
                    "transaction_id": tx.id,
                    "amount": amount,
                    "category_id": line.product_id.product_tmpl_id.welfare_category_id.id,
                    "provider_id": line.product_id.product_tmpl_id.welfare_provider_id.id,
                }
                for line, voucher, amount in share
            ]
        self.env["welfare.voucher.hold"].sudo().create(hold_values)
        # Logged on the order below, unless the same step captures it.
        txs.with_context(welfare_voucher_unlogged=True)._set_authorized()
        # An authorised hold is not a payment yet: nothing for the post-processing to do
        # (no confirmation e-mail for a cart that can still change).
        txs.is_post_processed = True
        # The new transactions are in the order's transaction_ids already (the ORM adds
        # created records to the inverse many2many): only what is computed from them.
        order.invalidate_recordset(["amount_paid", "welfare_amount"])
        if confirm and order._is_confirmation_amount_reached():
            order.with_context(welfare_voucher_locked=vouchers).action_confirm()
            order._welfare_queue_confirmation_mail()
            # Done: invoice (if automatic) and the welfare payment. The worker just got the
            # order's confirmation: no second "payment succeeded" e-mail for it.
            txs.with_context(welfare_voucher_confirmed_order_ids=order.ids)._post_process()
        else:
            txs._log_received_message()  # the credit stays held on the cart
        return txs

    def _welfare_queue_confirmation_mail(self):
        """The order's confirmation e-mail, queued as Odoo's sale_async_emails queues order
        e-mails: the order keeps it pending and Odoo's job, woken up now, renders it (with
        the order's PDF) and sends it. The checkout waits for neither."""
        # The job's id from the registry's cache of XML ids (env.ref would also query that
        # the record still exists; deleting a record deletes its XML id).
        job_id = self.env["ir.model.data"]._xmlid_to_res_id("sale_async_emails.cron", raise_if_not_found=False)
        if not job_id:
            return self._send_order_confirmation_mail()
        for order in self:
            order.pending_email_template_id = order._get_confirmation_template()
        self.env["ir.cron"].browse(job_id)._trigger()

    def _send_payment_succeeded_for_order_mail(self):
        """One e-mail per checkout: an order that welfare credit paid and confirmed in the
        same step already sent its confirmation."""
        confirmed = self.env.context.get("welfare_voucher_confirmed_order_ids") or []
        orders = self.filtered(lambda o: o.id not in confirmed)
        return orders and super(SaleOrder, orders)._send_payment_succeeded_for_order_mail()

    def _welfare_capture_holds(self):
        """On confirmation the held credit becomes a payment: each hold becomes a
        redemption in the vouchers' ledger (dated today, the day the benefit is made
        available), its transaction is done and booked against the welfare liability.
        A hold that can no longer be honoured (voucher expired or cancelled since)
        stops the confirmation with a clear message."""
        today = fields.Date.context_today(self)
        # Vouchers that the checkout confirming this order has just locked (a recordset,
        # which no client can put in a context): not locked twice.
        locked = self.env.context.get("welfare_voucher_locked")
        if not (isinstance(locked, models.BaseModel) and locked._name == "welfare.voucher"):
            locked = self.env["welfare.voucher"]
        for order in self.sudo().filtered("welfare_hold_ids"):
            holds = order.welfare_hold_ids
            (holds.voucher_id - locked)._lock()
            worker = order._welfare_worker()
            parts = [
                (h.voucher_id, h.amount, h.category_id, h.sale_order_line_id, h.provider_id, h.transaction_id)
                for h in holds
            ]
            txs = holds.transaction_id
            # A hold never pays more than its line, nor the holds more than the order, costs
            # now, whatever path changed the cart.
            too_much = (
                any(
                    order.currency_id.compare_amounts(sum(line_holds.mapped("amount")), line.price_total) > 0
                    for line, line_holds in holds.grouped("sale_order_line_id").items()
                )
                or order.currency_id.compare_amounts(sum(holds.mapped("amount")), order._welfare_room()) > 0
            )
            if too_much:
                raise UserError(self.env._("The cart changed after the welfare credit was applied: apply it again."))
            holds._drop()
            for voucher, amount, category, line, provider, tx in parts:
                voucher._check_spendable(category, worker, today)
                voucher._redeem(
                    amount,
                    category,
                    "order",
                    reason_params={"order": order.name},
                    sale_order_id=order.id,
                    sale_order_line_id=line.id,
                    provider_id=provider.id,
                    transaction_id=tx.id,
                    description=line.name,
                )
            # Lines single-purpose credit paid are the employer's to be invoiced, not the
            # worker's (welfare.fund._invoice_employer).
            order.env.add_to_compute(order.order_line._fields["qty_to_invoice"], order.order_line)
            for tx in txs:
                tx._set_done()
                if not tx.payment_id:
                    tx._create_payment()
                tx.is_post_processed = True

    def _welfare_release_holds(self, reason, replan=False):
        """Give back the credit held on these carts (their welfare transactions are
        cancelled); ``replan``: then hold again what the cart can still use."""
        for order in self.sudo().filtered("welfare_hold_ids"):
            holds = order.welfare_hold_ids
            txs = holds.transaction_id
            holds._drop()
            txs.filtered(lambda t: t.state in ("draft", "pending", "authorized"))._set_canceled(state_message=reason)
            txs.is_post_processed = True
            order.invalidate_recordset(["amount_paid", "transaction_ids", "welfare_amount"])
            if replan:
                order._welfare_hold_again()
        return True

    def _welfare_hold_again(self):
        """After the cart changed: hold again what the cart can use now, without
        confirming it; when nothing can, the worker pays by other means."""
        for order in self.sudo().filtered(lambda o: o.state in ("draft", "sent")):
            try:
                with self.env.cr.savepoint():
                    order._welfare_apply_credit(confirm=False)
            except UserError:
                continue

    def _welfare_holds_match_plan(self):
        """Whether what this cart holds is exactly what it would hold now."""
        self.ensure_one()
        order = self.sudo()
        held = sorted((h.sale_order_line_id.id, h.voucher_id.id, h.amount) for h in order.welfare_hold_ids)
        planned = sorted(
            (line.id, voucher.id, order.currency_id.round(amount))
            for line, parts in order._welfare_plan().items()
            for voucher, amount in parts
        )
        return len(held) == len(planned) and all(
            h[:2] == p[:2] and not order.currency_id.compare_amounts(h[2], p[2]) for h, p in zip(held, planned)
        )

    def _welfare_cart_changed(self):
        """Money follows the cart: after any change to a cart holding welfare credit,
        the hold is planned again (or released when nothing can use it any more)."""
        for order in self.sudo().filtered(lambda o: o.state in ("draft", "sent") and o.welfare_hold_ids):
            if not order._welfare_holds_match_plan():
                order._welfare_release_holds(self.env._("The cart changed"), replan=True)

    def write(self, vals):
        result = super().write(vals)
        if {"partner_id", "partner_invoice_id", "pricelist_id", "currency_id", "company_id"} & set(vals):
            self._welfare_cart_changed()
        return result

    def _action_confirm(self):
        self._welfare_capture_holds()
        return super()._action_confirm()

    def get_portal_last_transaction(self):
        """While welfare credit paid only part of a cart, the cart stays open for the
        rest: the welfare transaction does not count as the cart's payment."""
        self.ensure_one()
        if (
            self.state in ("draft", "sent")
            and self.currency_id.compare_amounts(self.amount_paid, self.amount_total) < 0
        ):
            others = self.transaction_ids.sudo().filtered(lambda t: t.provider_code != "welfare")
            return others._get_last()
        return super().get_portal_last_transaction()

    def _welfare_release_credit(self, reason):
        """The order is cancelled: every welfare amount of it goes back to the voucher it
        came from (holds are released with ``reason``, redemptions refunded exactly once)."""
        self._welfare_release_holds(reason)
        for order in self.sudo():
            redeems = order.welfare_move_ids.filtered(lambda m: m.move_type == "redeem")
            refunds = redeems._refund("order_cancelled", reason_params={"order": order.name})
            for tx, moves in refunds.grouped("transaction_id").items():
                amount = sum(moves.mapped("amount"))
                if tx and tx.state == "done":
                    refund_tx = tx._create_child_transaction(
                        amount, is_refund=True, sale_order_ids=[Command.set(order.ids)]
                    )
                    refund_tx._set_done()
                    refund_tx._post_process()
            order.invalidate_recordset(["amount_paid", "transaction_ids", "welfare_amount"])
        return True

    def _welfare_remove_credit(self):
        """Worker: take the welfare credit off a cart not yet confirmed."""
        for order in self:
            if order.state not in ("draft", "sent"):
                raise UserError(self.env._("The order is confirmed: cancel it instead."))
        return self._welfare_release_holds(self.env._("Removed from the cart"))

    @api.model
    def _cron_welfare_release_abandoned(self, hours=48, batch_size=500):
        """Daily: welfare credit held by carts left unpaid for ``hours`` goes back to the
        vouchers (the worker can apply it again). In batches the cron framework commits;
        a cart being paid right now (its order row locked) is left for the next run."""
        limit = fields.Datetime.now() - timedelta(hours=hours)
        domain = [
            ("state", "in", ("draft", "sent")),
            ("welfare_hold_ids.create_date", "<", limit),
            ("write_date", "<", limit),
        ]
        candidates = self.sudo().search(domain, limit=batch_size)
        orders = self.sudo().browse()
        if candidates:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM sale_order WHERE id IN %s FOR NO KEY UPDATE SKIP LOCKED",
                    tuple(candidates.ids),
                )
            )
            orders = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        orders._welfare_release_holds(self.env._("Cart abandoned"))
        self.env["ir.cron"]._notify_progress(done=len(orders), remaining=self.sudo().search_count(domain))
        return orders

    def _action_cancel(self):
        result = super()._action_cancel()
        self._welfare_release_credit(self.env._("Order cancelled"))
        return result

    def action_draft(self):
        """A cancelled order the provider already gave back in a settlement cannot be sold
        again: make a new order (its sale is settled anew)."""
        if self.sudo().order_line.filtered("welfare_reversal_settlement_id"):
            raise UserError(
                self.env._(
                    "This order was cancelled after its provider was paid and given back in a settlement: "
                    "create a new order instead."
                )
            )
        return super().action_draft()

    def _force_lines_to_invoice_policy_order(self):
        """Automatic invoicing of paid orders: still nothing to invoice to the worker on
        the lines single-purpose credit paid (they are the employer's)."""
        result = super()._force_lines_to_invoice_policy_order()
        for line in self.order_line._welfare_single_purpose_paid():
            line.qty_to_invoice = 0.0
        return result

    def _get_invoiceable_lines(self, final=False):
        """Lines paid by single-purpose welfare credit are invoiced to the employer, with
        the service's VAT, never to the worker (DPR 633/72 art. 6-ter; docs/fiscal-model.md
        flow b): see welfare.fund._invoice_employer."""
        lines = super()._get_invoiceable_lines(final=final)
        return lines - lines._welfare_single_purpose_paid()

    def _welfare_single_purpose_transactions(self):
        """The welfare payments of single-purpose credit (and their refunds): they paid
        lines that are the employer's, settled by the recharge's clearing entry
        (welfare.fund._invoice_employer), never by an invoice to the worker."""
        moves = self.sudo().welfare_move_ids.filtered("transaction_id")
        single_purpose = moves.filtered(lambda m: m.fund_id.payment_mode == "full_value")
        # A payment made when one welfare payment paid all the credit of a cart (it paid
        # other credit too) is not one of them: it settles the worker's invoice as before.
        paid_by = single_purpose.transaction_id - (moves - single_purpose).transaction_id
        return self.sudo().transaction_ids.filtered(lambda t: (t.source_transaction_id or t) in paid_by)

    def _generate_downpayment_invoices(self):
        """A down payment invoices the worker for what the worker's means paid, never
        for single-purpose credit: it paid lines that are the employer's (DPR 633/72
        art. 6-ter; welfare.fund._invoice_employer)."""
        others = self.browse()
        invoices = self.env["account.move"]
        for order in self:
            single_purpose = order._welfare_single_purpose_transactions().filtered(
                lambda t: t.state in ("authorized", "done")
            )
            if not single_purpose:
                others |= order
                continue
            amount = order.currency_id.round(order.amount_paid - sum(single_purpose.mapped("amount")))
            if order.currency_id.compare_amounts(amount, 0) <= 0:
                continue
            wizard = order.env["sale.advance.payment.inv"].create(
                {"sale_order_ids": order, "advance_payment_method": "fixed", "fixed_amount": amount}
            )
            invoices |= wizard._create_invoices(order)
        return invoices | super(SaleOrder, others)._generate_downpayment_invoices()

    def _prepare_invoice(self):
        """The worker's invoice is paid by everything but single-purpose credit (Odoo
        reconciles an invoice with its transactions' payments when it is posted)."""
        values = super()._prepare_invoice()
        single_purpose = self._welfare_single_purpose_transactions()
        if single_purpose and values.get("transaction_ids"):
            linked = self.env["payment.transaction"].browse(values["transaction_ids"][0][2])
            values["transaction_ids"] = [Command.set((linked - single_purpose).ids)]
        return values

    def _welfare_reconcile_invoices(self):
        """Reconcile the welfare payments' receivable lines with the order's invoices to
        the worker (never with the employer's recharge of the same order)."""
        for order in self.sudo():
            worker = order.partner_id.commercial_partner_id
            invoices = order.invoice_ids.filtered(
                lambda m, worker=worker: (
                    m.state == "posted"
                    and m.move_type == "out_invoice"
                    and m.commercial_partner_id == worker
                    and m.payment_state not in ("paid", "in_payment")
                )
            )
            payments = (
                order.transaction_ids.filtered(lambda t: t.provider_code == "welfare" and t.state == "done")
                - order._welfare_single_purpose_transactions()
            ).payment_id
            for invoice in invoices:
                receivable = invoice.line_ids.filtered(lambda l: l.account_id.account_type == "asset_receivable")
                payment_lines = payments.move_id.line_ids.filtered(
                    lambda l, r=receivable: l.account_id in r.account_id and not l.reconciled
                )
                if payment_lines:
                    (receivable + payment_lines).reconcile()
