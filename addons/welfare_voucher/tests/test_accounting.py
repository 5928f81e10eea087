from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import UserError
from odoo.fields import Date
from odoo.tests import new_test_user, tagged

from .common import WelfareVoucherCommon, register_employer_payment


@tagged("post_install", "-at_install")
class TestWelfareAccounting(WelfareVoucherCommon):
    def _liability_balance(self):
        accounts = self.env.company._welfare_accounts()
        self.env.flush_all()
        lines = self.env["account.move.line"].search(
            [("account_id", "=", accounts["liability"].id), ("parent_state", "=", "posted")]
        )
        return round(sum(lines.mapped("credit")) - sum(lines.mapped("debit")), 2)

    def _open_balances(self):
        vouchers = self.env["welfare.voucher"].search([("company_id", "=", self.env.company.id)])
        return round(sum(vouchers.mapped("balance")), 2)

    def assertBooksMatch(self):
        """The liability moves exactly like the open balances (what existed before the
        test, e.g. demo data, is the same on both sides of the offset)."""
        self.assertAlmostEqual(self._liability_balance() - self._open_balances(), self.offset)

    def setUp(self):
        super().setUp()
        self.offset = self._liability_balance() - self._open_balances()

    def test_branch_company_shares_the_root_accounts(self):
        """A branch gets its chart from its root company (Odoo's own rule): it uses the
        root's welfare accounts, with journals and payment provider of its own."""
        root = self.env.company
        branch = self.env["res.company"].create({"name": "Filiale Sarnico", "parent_id": root.id})
        self.env.cr.precommit.run()  # Odoo loads a new branch's chart before commit
        self.assertEqual(branch.chart_template, root.chart_template)
        root_accounts, branch_accounts = root._welfare_accounts(), branch._welfare_accounts()
        for key in ("liability", "funds_receivable", "to_settle", "commission"):
            self.assertEqual(branch_accounts[key], root_accounts[key], key)
        self.assertEqual(branch_accounts["journal"].company_id, branch)
        self.assertEqual(branch_accounts["operations_journal"].company_id, branch)
        self.assertEqual(len(self.env["account.account"].search([("code", "=", "WLF01")])), 1)

    def test_demo_company_is_italian_in_euro(self):
        """The demo company is the network's Italian lead organisation, in euro on the
        Italian chart of accounts (never Odoo's generic one)."""
        company = self.env.ref("base.main_company")
        if not self.env.ref("welfare_network.provider_nido_girotondo", raise_if_not_found=False):
            self.skipTest("no demo data")
        self.assertEqual(company.country_id.code, "IT")
        self.assertEqual(company.chart_template, "it")
        self.assertEqual(company.sudo().with_context(active_test=False).partner_id.vat, "IT02680270168")
        vouchers = self.env["welfare.voucher"].search([("company_id", "=", company.id)])
        self.assertTrue(vouchers)
        self.assertEqual(set(vouchers.currency_id.mapped("name")), {"EUR"})
        prices = self.env["product.pricelist"].search([("company_id", "in", (company.id, False))])
        self.assertEqual(set(prices.currency_id.mapped("name")), {"EUR"})

    def test_setup_on_install(self):
        accounts = self.env.company._welfare_accounts()
        for key in ("liability", "funds_receivable", "to_settle", "commission", "journal", "operations_journal"):
            self.assertTrue(accounts[key], key)
        provider = self.env["payment.provider"].search(
            [("code", "=", "welfare"), ("company_id", "=", self.env.company.id)]
        )
        self.assertEqual(provider.state, "enabled")
        self.assertEqual(provider.journal_id, accounts["journal"])

    def test_each_kind_of_move_keeps_liability_equal_to_open_balances(self):
        # issue
        voucher = self.issue(self.fund_grant, self.worker_a, 400.0)
        issue = voucher.move_ids
        self.assertTrue(issue.account_move_id)
        self.assertEqual(issue.account_move_id.state, "posted")
        self.assertBooksMatch()
        # redeem at a provider, and its refund
        redeem = self.env["welfare.voucher"]._redeem_at_provider(voucher.code, self.provider, self.cat_nido, 100.0)
        self.assertTrue(redeem.account_move_id)
        self.assertBooksMatch()
        refund = redeem._refund("note", reason_params={"note": "Errore"}, amount=25.0)
        self.assertTrue(refund.account_move_id)
        self.assertBooksMatch()
        # spend in the shop (welfare payment), cancel the order (refund payment)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        order._welfare_apply_credit()
        self.assertBooksMatch()
        order.action_cancel()
        self.assertBooksMatch()
        # cancellation of another voucher
        other = self.issue(self.fund_grant, self.worker_b, 50.0)
        other.action_cancel()
        self.assertBooksMatch()
        # lapse
        with freeze_time(voucher.date_end + relativedelta(days=1)):
            self.env["welfare.voucher"]._cron_lapse_and_remind()
        self.assertEqual(voucher.state, "expired")
        self.assertBooksMatch()

    def test_credit_note_books_the_credit_back(self):
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", True)
        self.issue(self.fund_employer, self.worker_a, 50.0)
        order = self.cart(self.worker_a, (self.listing_a, 2))
        order._welfare_apply_credit()
        self.assertBooksMatch()
        credit_note = order.invoice_ids._reverse_moves([{"invoice_date": Date.today()}])
        credit_note.action_post()
        self.assertBooksMatch()
        self.assertIn(credit_note.payment_state, ("paid", "in_payment", "reversed"))

    def _make_e_invoicing_ready(self):
        """The data l10n_it_edi puts on a FatturaPA: the network's tax system and codice
        fiscale, addresses and VAT numbers."""
        italy = self.env.ref("base.it")
        company = self.env.company
        company.write({"l10n_it_tax_system": "RF01", "l10n_it_codice_fiscale": "02680270168", "country_id": italy.id})
        if not (company.street and company.zip and company.city):
            company.write({"street": "Via Locatelli, 7", "zip": "24069", "city": "Trescore Balneario"})
        if not company.vat:
            company.vat = "IT02680270168"
        self.employer_a.write(
            {"vat": "IT00743110157", "street": "Via Roma, 1", "zip": "24060", "city": "Endine", "country_id": italy.id}
        )

    def _assert_valid_fatturapa(self, invoice, document_total=None):
        errors = invoice._l10n_it_edi_export_data_check()
        # Only the SdI proxy registration (the Settings' terms) is left to the installer.
        self.assertEqual(set(errors) - {"l10n_it_edi_settings_l10n_it_edi_proxy_user_id"}, set(), errors)
        tree = etree.fromstring(invoice._l10n_it_edi_render_xml())
        self.assertEqual(tree.findtext(".//CessionarioCommittente//IdFiscaleIVA/IdCodice"), "00743110157")
        total = float(tree.findtext(".//DatiGeneraliDocumento/ImportoTotaleDocumento"))
        self.assertEqual(total, invoice.amount_total if document_total is None else document_total)
        return tree

    def _balance(self, account, **domain):
        lines = self.env["account.move.line"].search(
            [("account_id", "=", account.id), ("parent_state", "=", "posted")]
            + [(field, "=", value) for field, value in domain.items()]
        )
        return sum(lines.mapped("balance"))

    def test_employer_recharge_invoice(self):
        """DPR 633/72 art. 3 c.3 and art. 6-ter, Agenzia delle Entrate ruling 10/2020
        (docs/fiscal-model.md, flows d and f): a service voucher of employer welfare
        (TUIR art. 51 c.2) redeemed in person is recharged to the employer as a supply,
        with the service's VAT, one line per voucher, as a valid FatturaPA; each use once.
        The credit the employer owed is cleared against the provider's use."""
        self._make_e_invoicing_ready()
        accounts = self.env.company._welfare_accounts()
        voucher = self.issue(self.fund_c2, self.worker_a, 700.0)
        price = self.listing_nido._welfare_redeem_price(self.provider, self.cat_nido)
        use = self.env["welfare.voucher"]._redeem_at_provider(
            voucher.code, self.provider, self.cat_nido, price, listing=self.listing_nido
        )
        owed = self._balance(accounts["funds_receivable"], partner_id=self.employer_a.id)
        to_settle = self._balance(accounts["to_settle"], partner_id=self.provider.id)
        today = Date.today()
        wizard = self.env["welfare.fund.recharge"].create(
            {"fund_id": self.fund_c2.id, "date_from": today.replace(day=1), "date_to": today}
        )
        invoice = self.env["account.move"].browse(wizard.action_invoice()["res_id"])
        self.assertEqual(
            (invoice.move_type, invoice.partner_id, invoice.state), ("out_invoice", self.employer_a, "posted")
        )
        self.assertAlmostEqual(invoice.amount_total, price)
        line = invoice.invoice_line_ids
        self.assertEqual(line.product_id, self.listing_nido.product_variant_id)
        self.assertEqual(line.tax_ids, self.listing_nido.taxes_id)
        self.assertIn(use.service_voucher_number, line.name)
        self.assertEqual(use.recharge_invoice_id, invoice)
        tree = self._assert_valid_fatturapa(invoice)
        self.assertEqual(len(tree.findall(".//DettaglioLinee")), 1)
        # A deferred invoice of the period's services (DPR 633/72 art. 21 c.4 lett. a).
        self.assertEqual(tree.findtext(".//DatiGeneraliDocumento/TipoDocumento"), "TD24")
        # The employer owes the invoice now, no longer the credit; the provider's use is
        # no longer waiting to be recharged.
        self.assertAlmostEqual(self._balance(accounts["funds_receivable"], partner_id=self.employer_a.id), owed - price)
        self.assertAlmostEqual(self._balance(accounts["to_settle"], partner_id=self.provider.id), to_settle + price)
        self.assertBooksMatch()
        # Each use is recharged once.
        with self.assertRaisesRegex(Exception, "Nothing was spent"):
            self.fund_c2._invoice_employer(today.replace(day=1), today)
        # A use given back afterwards: a credit note referring to the invoice (TD04, art. 26).
        use._refund("note", reason_params={"note": "Servizio non erogato"})
        note = self.fund_c2._invoice_employer(today.replace(day=1), today)
        self.assertEqual((note.move_type, note.reversed_entry_id), ("out_refund", invoice))
        self.assertAlmostEqual(note.amount_total, price)
        tree = self._assert_valid_fatturapa(note)
        self.assertEqual(tree.findtext(".//DatiGeneraliDocumento/TipoDocumento"), "TD04")
        self.assertEqual(tree.findtext(".//DatiFattureCollegate/IdDocumento"), invoice.name)
        self.assertBooksMatch()

    def test_credit_note_names_every_recharge_it_reverses(self):
        """DPR 633/72 art. 26 (docs/fiscal-model.md, flow f): a credit note to the employer
        that gives back service vouchers recharged on two earlier invoices refers to both
        in the FatturaPA (DatiFattureCollegate), each use once."""
        self._make_e_invoicing_ready()
        today = Date.today()
        first_day = today.replace(day=1)
        price = self.listing_nido._welfare_redeem_price(self.provider, self.cat_nido)
        invoices, uses = self.env["account.move"], self.env["welfare.voucher.move"]
        for _month in range(2):
            voucher = self.issue(self.fund_c2, self.worker_a, 700.0)
            use = self.env["welfare.voucher"]._redeem_at_provider(
                voucher.code, self.provider, self.cat_nido, price, listing=self.listing_nido
            )
            uses |= use
            invoices |= self.fund_c2._invoice_employer(first_day, today)
        self.assertEqual(len(invoices), 2)
        self.assertEqual(uses.recharge_invoice_id, invoices)
        for use in uses:
            use._refund("note", reason_params={"note": "Servizio non erogato"})
        note = self.fund_c2._invoice_employer(first_day, today)
        self.assertEqual(note.move_type, "out_refund")
        self.assertAlmostEqual(note.amount_total, 2 * price)
        tree = self._assert_valid_fatturapa(note)
        self.assertEqual(tree.findtext(".//DatiGeneraliDocumento/TipoDocumento"), "TD04")
        self.assertEqual(
            sorted(tree.xpath(".//DatiFattureCollegate/IdDocumento/text()")), sorted(invoices.mapped("name"))
        )
        self.assertBooksMatch()

    def _reverse(self, moves, date):
        """Odoo's own Reverse button on journal entries."""
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create({"journal_id": moves.journal_id[:1].id, "date": date})
        )
        return wizard.refund_moves()

    def _recharge_one_service_voucher(self):
        voucher = self.issue(self.fund_c2, self.worker_a, 700.0)
        price = self.listing_nido._welfare_redeem_price(self.provider, self.cat_nido)
        use = self.env["welfare.voucher"]._redeem_at_provider(
            voucher.code, self.provider, self.cat_nido, price, listing=self.listing_nido
        )
        today = Date.today()
        return self.fund_c2._invoice_employer(today.replace(day=1), today), use, price

    def test_employer_advance_pays_its_invoices_and_is_given_back(self):
        """Civil code art. 1719 and DPR 633/72 art. 2 c.3 lett. a (docs/fiscal-model.md,
        flow g): the employer advances the means of the mandate (provvista); money, not a
        supply, it is a debt to the employer outside VAT, not a down payment. The
        employer's invoices are paid from it; a credit note gives the money back to it;
        what is left is given back, never more."""
        accounts = self.env.company._welfare_accounts()
        today = Date.today()
        with self.assertRaisesRegex(UserError, "register its payment first"):
            self.fund_c2._register_advance("receive", 1000.0, today)
        payment = register_employer_payment(self.env, self.employer_a, 1000.0)
        wizard = self.env["welfare.fund.advance"].create(
            {"fund_id": self.fund_c2.id, "operation": "receive", "amount": 1000.0}
        )
        self.assertAlmostEqual(wizard.employer_open_credit, 1000.0)
        received = self.env["account.move"].browse(wizard.action_post()["res_id"])
        self.assertEqual(received.welfare_fund_id, self.fund_c2)
        self.assertFalse(received.line_ids.tax_ids, "money, not a supply: no VAT")
        self.assertEqual(received.line_ids.partner_id, self.employer_a)
        self.assertAlmostEqual(self.fund_c2.advance_balance, 1000.0)
        self.assertAlmostEqual(self.fund_c2._employer_open_credit(), 0.0)
        self.assertAlmostEqual(self._balance(accounts["advance"], partner_id=self.employer_a.id), -1000.0)
        # A service voucher invoiced to the employer is paid from the advance.
        invoice, use, price = self._recharge_one_service_voucher()
        self.assertEqual((invoice.move_type, invoice.payment_state), ("out_invoice", "paid"))
        self.assertAlmostEqual(self.fund_c2.advance_balance, 1000.0 - price)
        # Its credit note gives the money back to the advance.
        use._refund("note", reason_params={"note": "Servizio non erogato"})
        note = self.fund_c2._invoice_employer(today.replace(day=1), today)
        self.assertEqual(note.move_type, "out_refund")
        self.assertAlmostEqual(note.amount_residual, 0.0)
        self.assertAlmostEqual(self.fund_c2.advance_balance, 1000.0)
        # The payment that became the advance stays: the advance is reversed first.
        with self.assertRaisesRegex(UserError, "is the advance of"), self.env.cr.savepoint():
            payment.action_draft()
        with self.assertRaisesRegex(UserError, "on their own"), self.env.cr.savepoint():
            self._reverse(received | payment.move_id, today)
        # A use whose credit note gave the money back cannot be reversed afterwards.
        used = self.env["account.move"].search(
            [("welfare_fund_id", "=", self.fund_c2.id), ("welfare_advance_operation", "=", "use")]
        )
        with self.assertRaisesRegex(UserError, "more than it holds or was given back"), self.env.cr.savepoint():
            self._reverse(used, today)
        # Never reversed at a later date (a draft reversal would escape the checks).
        with self.assertRaisesRegex(UserError, "reversed on today's date or earlier"), self.env.cr.savepoint():
            self._reverse(received, today + relativedelta(days=1))
        # Reversed with Odoo's own button, an advance entry leaves the balance right,
        # and the employer's payment is open again.
        self._reverse(received, today)
        self.assertAlmostEqual(self.fund_c2.advance_balance, 0.0)
        self.assertAlmostEqual(self.fund_c2._employer_open_credit(), 1000.0)
        # Never more given back than is left; nothing written when refused.
        with self.assertRaisesRegex(UserError, "left to give back"):
            self.fund_c2._register_advance("return", 1.0, today)
        self.assertBooksMatch()
        # A grant is not advanced by an employer; the fund's link is not written by hand.
        with self.assertRaisesRegex(UserError, "Only the funds an employer is invoiced for"):
            self.fund_grant._register_advance("receive", 100.0, today)
        accountant = new_test_user(self.env, login="adv_accountant", groups="account.group_account_invoice")
        with self.assertRaisesRegex(UserError, "set by the welfare settlement and recharge only"):
            received.with_user(accountant).write({"welfare_fund_id": False})
        # Corrected by reversing only, never reset or cancelled.
        with self.assertRaisesRegex(UserError, "corrected by reversing it"):
            received.with_user(accountant).button_draft()

    def test_employer_advance_received_late_pays_the_open_invoices(self):
        """docs/fiscal-model.md, flow g: an advance that arrives after the employer's
        invoices pays those still open, oldest first; what is left stays the employer's
        and goes back to its account."""
        accounts = self.env.company._welfare_accounts()
        today = Date.today()
        invoice, _use, price = self._recharge_one_service_voucher()
        self.assertEqual(invoice.payment_state, "not_paid")
        register_employer_payment(self.env, self.employer_a, 1000.0)
        self.fund_c2._register_advance("receive", 1000.0, today)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertAlmostEqual(self.fund_c2.advance_balance, 1000.0 - price)
        given_back = self.fund_c2._register_advance("return", 1000.0 - price, today)
        self.assertAlmostEqual(self.fund_c2.advance_balance, 0.0)
        self.assertAlmostEqual(self._balance(accounts["advance"], partner_id=self.employer_a.id), 0.0)
        # Back on the employer's account: a credit accounting pays back the usual way
        # (it is not a payment, so it never becomes an advance again by itself).
        self.assertEqual(given_back.welfare_fund_id, self.fund_c2)
        self.assertAlmostEqual(self.fund_c2._employer_open_credit(), 0.0)
        owed = given_back.line_ids.filtered(lambda l: l.account_id == self.employer_a.property_account_receivable_id)
        self.assertAlmostEqual(owed.amount_residual, -(1000.0 - price))
        # Reversing the receipt now would take more than the advance holds: refused.
        received = self.env["account.move"].search(
            [("welfare_fund_id", "=", self.fund_c2.id), ("welfare_advance_operation", "=", "receive")]
        )
        with self.assertRaisesRegex(UserError, "more than it holds"):
            self._reverse(received, today)

    def test_credit_note_settles_its_invoice_before_the_advance(self):
        """DPR 633/72 art. 26, docs/fiscal-model.md flows f and g: a credit note first
        settles what its invoice still owes; only what the advance paid goes back to the
        advance. A credit the employer got otherwise (not a payment) never becomes an
        advance."""
        today = Date.today()
        other = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.employer_a.id,
                "invoice_line_ids": [Command.create({"name": "Abbuono", "price_unit": 50.0, "tax_ids": []})],
            }
        )
        other.action_post()
        self.assertAlmostEqual(self.fund_c2._employer_open_credit(), 0.0)
        register_employer_payment(self.env, self.employer_a, 100.0)
        self.fund_c2._register_advance("receive", 100.0, today)
        invoice, use, price = self._recharge_one_service_voucher()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertAlmostEqual(invoice.amount_residual, price - 100.0)
        self.assertAlmostEqual(self.fund_c2.advance_balance, 0.0)
        use._refund("note", reason_params={"note": "Servizio non erogato"})
        note = self.fund_c2._invoice_employer(today.replace(day=1), today)
        self.assertAlmostEqual(invoice.amount_residual, 0.0)
        self.assertAlmostEqual(note.amount_residual, 0.0)
        self.assertAlmostEqual(self.fund_c2.advance_balance, 100.0)

    def test_recharge_of_exempt_services_declares_the_stamp_duty(self):
        """DPR 642/72 Tariff art. 13 n. 1 (docs/fiscal-model.md, flow f): an invoice with
        more than €77.47 exempt from VAT (here a nursery, DPR 633/72 art. 10 n. 21, Natura
        N4) carries €2 of stamp duty, declared in the FatturaPA."""
        self._make_e_invoicing_ready()
        self.listing_nido.sudo().taxes_id = self._exempt_tax()
        voucher = self.issue(self.fund_c2, self.worker_a, 700.0)
        self.env["welfare.voucher"]._redeem_at_provider(
            voucher.code, self.provider, self.cat_nido, 500.0, listing=self.listing_nido
        )
        today = Date.today()
        invoice = self.fund_c2._invoice_employer(today.replace(day=1), today)
        self.assertAlmostEqual(invoice.amount_total, 500.0)
        self.assertEqual(invoice.l10n_it_stamp_duty, 2.0)
        tree = self._assert_valid_fatturapa(invoice)
        self.assertEqual(tree.findtext(".//DatiBollo/ImportoBollo"), "2.00")
        self.assertEqual(tree.findtext(".//DatiRiepilogo/Natura"), "N4")

    def _exempt_tax(self):
        return self.env["account.tax"].create(
            {
                "name": "Esente art. 10 n. 21 test",
                "amount": 0.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "l10n_it_exempt_reason": "N4",
                "l10n_it_law_reference": "Art. 10 c.1 n. 21 DPR 633/72",
                "company_id": self.env.company.id,
            }
        )

    def test_service_voucher_keeps_the_vat_of_its_issue(self):
        """DPR 633/72 art. 6-ter: the VAT of a single-purpose voucher is known, and fixed,
        when it is issued; a later change of the listing's VAT does not change what the
        employer is recharged with."""
        voucher = self.issue(self.fund_c2, self.worker_a, 700.0)
        price = self.listing_nido._welfare_redeem_price(self.provider, self.cat_nido)
        use = self.env["welfare.voucher"]._redeem_at_provider(
            voucher.code, self.provider, self.cat_nido, price, listing=self.listing_nido
        )
        issued_with = self.listing_nido.taxes_id
        self.assertEqual(use.tax_ids, issued_with)
        self.listing_nido.sudo().taxes_id = self._exempt_tax()
        today = Date.today()
        invoice = self.fund_c2._invoice_employer(today.replace(day=1), today)
        self.assertEqual(invoice.invoice_line_ids.tax_ids, issued_with)
        self.assertAlmostEqual(invoice.amount_total, price)

    def test_workers_invoice_of_exempt_services_declares_the_stamp_duty(self):
        """DPR 642/72 Tariff art. 13 n. 1: the shop's invoice to the worker for an exempt
        service (a nursery, DPR 633/72 art. 10 n. 21) over €77.47 declares €2 of stamp
        duty in its FatturaPA."""
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", True)
        self.listing_nido.sudo().taxes_id = self._exempt_tax()
        self.issue(self.fund_grant, self.worker_a, 600.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        order._welfare_apply_credit()
        self.assertEqual(order.state, "sale")
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.l10n_it_stamp_duty, 2.0)

    def test_c2_shop_line_is_invoiced_to_the_employer_not_the_worker(self):
        """DPR 633/72 art. 6-ter and ruling 10/2020 (docs/fiscal-model.md, flow b): a shop
        line paid by a single-purpose voucher of employer welfare is documented once,
        with its VAT, on the invoice to the employer; the worker gets no invoice for it."""
        self._make_e_invoicing_ready()
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", True)
        self.issue(self.fund_c2, self.worker_a, 700.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        order._welfare_apply_credit()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.invoice_ids, "no invoice to the worker for a line the voucher pays")
        self.assertFalse(order._get_invoiceable_lines())
        today = Date.today()
        invoice = self.fund_c2._invoice_employer(today.replace(day=1), today)
        self.assertEqual(invoice.partner_id, self.employer_a)
        self.assertAlmostEqual(invoice.amount_total, order.amount_total)
        self.assertEqual(invoice.invoice_line_ids.tax_ids, order.order_line.tax_id)
        self.assertEqual(order.order_line.qty_to_invoice, 0.0, "nothing left to invoice to the worker")
        # The employer's invoice is not a document of the worker's order (portal).
        self.assertNotIn(invoice, order.invoice_ids)
        self.assertNotIn(order.order_line.product_id.name, invoice.invoice_line_ids.name)
        self._assert_valid_fatturapa(invoice)
        # The welfare payment on the worker's receivable is settled by the recharge.
        payment_lines = order.transaction_ids.payment_id.move_id.line_ids.filtered(
            lambda l: l.account_id.account_type == "asset_receivable"
        )
        self.assertTrue(payment_lines and all(payment_lines.mapped("reconciled")))
        self.assertBooksMatch()

    def test_mixed_cart_leaves_no_open_item_on_the_workers_receivable(self):
        """DPR 633/72 art. 6-ter and 6-quater (docs/fiscal-model.md, flows b and c): in one
        cart, a line paid by a single-purpose voucher (employer welfare, c.2) is the
        employer's to be invoiced, a line paid in part by a regional grant (multi-purpose)
        and by card for the rest is the worker's. Each payment settles its own document: after the worker's invoice and
        the employer's recharge, nothing stays open on the worker's receivable."""
        self._make_e_invoicing_ready()
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", True)
        self.issue(self.fund_c2, self.worker_a, 700.0)
        self.issue(self.fund_grant, self.worker_a, 100.0)
        # The c.2 voucher pays the first month whole; it cannot pay a part of the second.
        order = self.cart(self.worker_a, (self.listing_nido, 1), (self.listing_nido, 1))
        welfare_txs = order._welfare_apply_credit()
        self.assertEqual(order.state, "draft", "the card pays the rest")
        self.assertEqual(len(welfare_txs), 2, "single-purpose credit is a payment of its own")
        self.assertAlmostEqual(order.welfare_amount, 610.0 + 100.0)
        demo = self.env.ref("payment.payment_provider_demo")
        demo.write({"state": "test"})
        card = self.env["payment.transaction"].create(
            {
                "provider_id": demo.id,
                "payment_method_id": demo.payment_method_ids[:1].id,
                "reference": "WELFARE-MIXED-CARD",
                "operation": "online_direct",
                "amount": order.amount_total - order.welfare_amount,
                "currency_id": order.currency_id.id,
                "partner_id": self.worker_a.id,
                "sale_order_ids": [Command.set(order.ids)],
            }
        )
        card._set_done()
        card._post_process()
        self.assertEqual(order.state, "sale")
        invoice = order.invoice_ids
        self.assertEqual(invoice.invoice_line_ids.sale_line_ids, order.order_line[1])
        self.assertEqual(invoice.payment_state, "paid")
        today = Date.today()
        self.fund_c2._invoice_employer(today.replace(day=1), today)
        receivable = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.worker_a.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
            ]
        )
        self.assertTrue(receivable)
        self.assertFalse(receivable.filtered(lambda l: not l.reconciled), "no open item on the worker")
        self.assertBooksMatch()

    def test_payment_of_both_kinds_of_credit_made_before_the_split_still_pays_the_workers_invoice(self):
        """DPR 633/72 art. 6-quater (docs/fiscal-model.md, flow b): a cart paid before
        single-purpose credit had a payment of its own (one welfare payment for both
        kinds of credit) keeps its worker's invoice paid, as it was then."""
        self._make_e_invoicing_ready()
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", True)
        self.issue(self.fund_c2, self.worker_a, 700.0)
        self.issue(self.fund_grant, self.worker_a, 700.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1), (self.listing_nido, 1))
        txs = order._welfare_apply_credit(confirm=False)
        self.assertEqual(len(txs), 2)
        # As the suite did before: one welfare payment holds all the credit of the cart.
        first, second = txs.sorted("id")
        self.env.cr.execute(
            "UPDATE welfare_voucher_hold SET transaction_id = %s WHERE sale_order_id = %s", (first.id, order.id)
        )
        self.env.cr.execute("UPDATE payment_transaction SET amount = %s WHERE id = %s", (1220.0, first.id))
        self.env.cr.execute("DELETE FROM sale_order_transaction_rel WHERE transaction_id = %s", (second.id,))
        self.env.invalidate_all()
        order.action_confirm()
        first._post_process()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order._welfare_single_purpose_transactions(), "a payment of both kinds is not one")
        invoice = order.invoice_ids
        self.assertEqual(len(invoice.invoice_line_ids), 1, "the employer's line is not the worker's")
        self.assertEqual(invoice.payment_state, "paid")

    def test_down_payment_never_invoices_single_purpose_credit_to_the_worker(self):
        """DPR 633/72 art. 6-ter (docs/fiscal-model.md, flow b): a cart confirmed on a
        prepayment, paid by single-purpose credit (the employer's line) and by a grant
        (multi-purpose): the worker's down payment is what the grant paid, once, never
        the employer's share; the employer is invoiced for its line."""
        self._make_e_invoicing_ready()
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", True)
        self.issue(self.fund_c2, self.worker_a, 700.0)
        self.issue(self.fund_grant, self.worker_a, 100.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1), (self.listing_nido, 1))
        order.write({"require_payment": True, "prepayment_percent": 0.5})
        order._welfare_apply_credit()
        self.assertEqual(order.state, "sale", "610 + 100 paid of 1,220: the prepayment is reached")
        self.assertEqual(len(order.invoice_ids), 1, "one down payment, not one per welfare payment")
        self.assertAlmostEqual(order.invoice_ids.amount_total, 100.0)
        today = Date.today()
        invoice = self.fund_c2._invoice_employer(today.replace(day=1), today)
        self.assertAlmostEqual(invoice.amount_total, 610.0)
        self.assertBooksMatch()

    def test_public_administration_employer_pays_by_split_payment_against_its_order(self):
        """DPR 633/72 art. 17-ter and L. 136/2010 art. 3 (docs/fiscal-model.md, flow f): a
        public administration that recharges its employer welfare gets a FatturaPA at its
        office code, with the VAT in split payment (it pays the VAT to the State, the
        network collects the taxable amount) and naming its order with the CIG. Without
        the order, nothing is invoiced."""
        if self.env.company.chart_template != "it":
            self.skipTest("the Italian chart of accounts is not loaded")
        self._make_e_invoicing_ready()
        chart = self.env["account.chart.template"]
        vat_22, split = chart.ref("22v"), chart.ref("split_payment_fiscal_position")
        self.listing_nido.taxes_id = vat_22
        self.employer_a.write({"l10n_it_pa_index": "UFABCD", "property_account_position_id": split.id})
        self.issue(self.fund_c2, self.worker_a, 700.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        order._welfare_apply_credit()
        self.assertEqual(order.state, "sale")
        today = Date.today()
        invoices = self.env["account.move"].search_count([("partner_id", "=", self.employer_a.id)])
        with self.assertRaisesRegex(UserError, "public administration"):
            self.fund_c2._invoice_employer(today.replace(day=1), today)
        self.assertEqual(self.env["account.move"].search_count([("partner_id", "=", self.employer_a.id)]), invoices)
        self.fund_c2.write(
            {
                "employer_order_type": "purchase_order",
                "employer_order_ref": "Det. 12/2026",
                "employer_order_date": today,
                "employer_cig": "Z1234567890",
            }
        )
        invoice = self.fund_c2._invoice_employer(today.replace(day=1), today)
        self.assertEqual(invoice.fiscal_position_id, split)
        self.assertEqual(invoice.invoice_line_ids.tax_ids, split.map_tax(vat_22))
        self.assertAlmostEqual(invoice.amount_untaxed, 500.0)
        self.assertAlmostEqual(invoice.amount_residual, 500.0, msg="the administration pays the VAT to the State")
        # The document's total includes the VAT, which the administration pays to the State.
        tree = self._assert_valid_fatturapa(invoice, document_total=610.0)
        self.assertEqual(tree.findtext(".//DatiTrasmissione/CodiceDestinatario"), "UFABCD")
        self.assertEqual(tree.findtext(".//DatiRiepilogo/EsigibilitaIVA"), "S")
        self.assertEqual(tree.findtext(".//DatiOrdineAcquisto/IdDocumento"), "Det. 12/2026")
        self.assertEqual(tree.findtext(".//DatiOrdineAcquisto/CodiceCIG"), "Z1234567890")
        self.assertBooksMatch()

    def test_fringe_benefits_are_not_invoiced_to_the_employer(self):
        """DPR 633/72 art. 6-quater (docs/fiscal-model.md, flow c): fringe-benefit credit
        (TUIR art. 51 c.3) is a multi-purpose voucher; the employer owes the credit made
        available, outside VAT, on the fund's statement, and gets no invoice for it."""
        self.issue(self.fund_employer, self.worker_a, 60.0)
        order = self.cart(self.worker_a, (self.listing_a, 1))
        order._welfare_apply_credit()
        today = Date.today()
        invoices = self.env["account.move"].search_count([("partner_id", "=", self.employer_a.id)])
        with self.assertRaisesRegex(UserError, "multi-purpose voucher"):
            self.fund_employer._invoice_employer(today.replace(day=1), today)
        self.assertEqual(self.env["account.move"].search_count([("partner_id", "=", self.employer_a.id)]), invoices)

    def test_funder_statement_and_worker_statement_render(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 400.0)
        self.env["welfare.voucher"]._redeem_at_provider(voucher.code, self.provider, self.cat_nido, 100.0)
        today = Date.today()
        wizard = self.env["welfare.fund.statement"].create(
            {"fund_id": self.fund_grant.id, "date_from": today - relativedelta(days=30), "date_to": today}
        )
        action = wizard.action_print()
        self.assertTrue(action)  # the report, or the document-layout wizard on a new company
        data = {"date_from": str(wizard.date_from), "date_to": str(wizard.date_to)}
        html = self.env["ir.actions.report"]._render_qweb_html(
            "welfare_voucher.action_report_welfare_fund_statement", self.fund_grant.ids, data=data
        )[0]
        self.assertIn(b"o_welfare_fund_statement", html)
        self.assertIn(self.provider.name.encode(), html)
        # The real PDF (wkhtmltopdf fetching the assets from a live server) is produced
        # in tests/test_funder_statement_pdf.py, outside Odoo's test mode.
        values = self.fund_grant._statement_values(today - relativedelta(days=30), today)
        self.assertAlmostEqual(values["spent"], 100.0)
        self.assertEqual(values["workers_reached"], 1)
        # worker's yearly fringe-benefit statement
        html = self.env["ir.actions.report"]._render_qweb_html(
            "welfare_voucher.action_report_worker_c3_statement", self.worker_a.ids, data={"year": today.year}
        )[0]
        self.assertIn(b"o_welfare_c3_statement", html)

    def test_italian_chart_gets_the_welfare_books(self):
        """l10n_it: loading the Italian chart on a new company adds the welfare accounts,
        journals and payment provider."""
        if self.env["ir.module.module"]._get("l10n_it").state != "installed":
            self.skipTest("l10n_it is not installed")
        company = self.env["res.company"].create({"name": "Rete IT", "country_id": self.env.ref("base.it").id})
        self.env.user.company_ids |= company
        self.env["account.chart.template"].try_loading("it", company=company, install_demo=False)
        self.assertEqual(company.chart_template, "it")
        # Account codes are per company: read them in the new company.
        accounts = (
            self.env["account.account"]
            .with_company(company)
            .search([("code", "like", "WLF0%"), ("company_ids", "in", company.id)])
        )
        self.assertEqual(sorted(accounts.mapped("code")), ["WLF01", "WLF02", "WLF03", "WLF04", "WLF05"])
        journals = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("code", "in", ("WLF", "WLFO"))]
        )
        self.assertEqual(len(journals), 2)
        provider = self.env["payment.provider"].search([("code", "=", "welfare"), ("company_id", "=", company.id)])
        self.assertEqual(provider.state, "enabled")
        self.assertEqual(provider.journal_id.code, "WLF")
