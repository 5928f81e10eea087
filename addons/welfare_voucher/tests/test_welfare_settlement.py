from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Date
from odoo.tests import HttpCase, tagged

from .common import WelfareVoucherCommon

EINVOICE = """<?xml version="1.0" encoding="UTF-8"?>
<p:FatturaElettronica versione="FPR12" xmlns:p="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2">
  <FatturaElettronicaHeader>
    <DatiTrasmissione>
      <IdTrasmittente><IdPaese>IT</IdPaese><IdCodice>{seller}</IdCodice></IdTrasmittente>
      <ProgressivoInvio>{number}</ProgressivoInvio>
      <FormatoTrasmissione>FPR12</FormatoTrasmissione>
      <CodiceDestinatario>0000000</CodiceDestinatario>
    </DatiTrasmissione>
    <CedentePrestatore>
      <DatiAnagrafici>
        <IdFiscaleIVA><IdPaese>IT</IdPaese><IdCodice>{seller}</IdCodice></IdFiscaleIVA>
        <Anagrafica><Denominazione>Nido test</Denominazione></Anagrafica>
        <RegimeFiscale>RF01</RegimeFiscale>
      </DatiAnagrafici>
      <Sede><Indirizzo>Via Roma 1</Indirizzo><CAP>24060</CAP><Comune>Endine Gaiano</Comune><Nazione>IT</Nazione></Sede>
    </CedentePrestatore>
    <CessionarioCommittente>
      <DatiAnagrafici>
        <IdFiscaleIVA><IdPaese>IT</IdPaese><IdCodice>{buyer}</IdCodice></IdFiscaleIVA>
        <Anagrafica><Denominazione>Consorzio</Denominazione></Anagrafica>
      </DatiAnagrafici>
      <Sede>
        <Indirizzo>Via Locatelli 7</Indirizzo><CAP>24069</CAP><Comune>Trescore Balneario</Comune><Nazione>IT</Nazione>
      </Sede>
    </CessionarioCommittente>
  </FatturaElettronicaHeader>
  <FatturaElettronicaBody>
    <DatiGenerali>
      <DatiGeneraliDocumento>
        <TipoDocumento>{document_type}</TipoDocumento>
        <Divisa>EUR</Divisa>
        <Data>{date}</Data>
        <Numero>{number}</Numero>
      </DatiGeneraliDocumento>
      <DatiOrdineAcquisto><IdDocumento>{order}</IdDocumento></DatiOrdineAcquisto>
    </DatiGenerali>
    <DatiBeniServizi>{lines}</DatiBeniServizi>
  </FatturaElettronicaBody>
</p:FatturaElettronica>"""

EINVOICE_LINE = """
      <DettaglioLinee>
        <NumeroLinea>{index}</NumeroLinea>
        <Descrizione>{description}</Descrizione>
        <Quantita>1.00</Quantita>
        <PrezzoUnitario>{amount:.2f}</PrezzoUnitario>
        <PrezzoTotale>{amount:.2f}</PrezzoTotale>
        <AliquotaIVA>{rate:.2f}</AliquotaIVA>{natura}
      </DettaglioLinee>"""


@tagged("post_install", "-at_install")
class TestWelfareSettlement(WelfareVoucherCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The provider's and the network's VAT numbers, as the provider's e-invoice carries them.
        cls.provider.vat = "IT00743110157"
        cls.network_vat = (cls.env.company.vat or "IT02680270168")[2:]
        if not cls.env.company.vat:
            cls.env.company.vat = "IT02680270168"

    def _redeem(self, voucher, amount, provider=None, category=None, listing=None):
        return self.env["welfare.voucher"]._redeem_at_provider(
            voucher.code,
            provider or self.provider,
            category or self.cat_nido,
            amount,
            description="Retta",
            listing=listing,
        )

    def _settle(self, **vals):
        today = Date.today()
        settlement = self.env["welfare.settlement"].create(
            {
                "date_from": today - relativedelta(days=30),
                "date_to": today,
                "provider_ids": [(6, 0, self.provider.ids)],
                **vals,
            }
        )
        settlement.action_compute()
        return settlement

    def _einvoice(self, order_reference, lines, number="FT1", credit_note=False, natura=None):
        """The provider's FatturaPA, as it arrives from SdI and l10n_it_edi imports it:
        ``lines`` are (description, untaxed amount, VAT rate), ``natura`` the Natura code
        of lines without VAT."""
        xml = EINVOICE.format(
            seller=self.provider.vat[2:],
            buyer=self.network_vat,
            number=number,
            document_type="TD04" if credit_note else "TD01",
            date=Date.to_string(Date.today()),
            order=order_reference,
            lines="".join(
                EINVOICE_LINE.format(
                    index=index,
                    description=description,
                    amount=amount,
                    rate=rate,
                    natura=f"<Natura>{natura}</Natura>" if natura else "",
                )
                for index, (description, amount, rate) in enumerate(lines, start=1)
            ),
        )
        # SdI names the file <country><VAT>_<progressive>.xml (alphanumeric only).
        attachment = self.env["ir.attachment"].create({"name": f"IT00743110157_{number}.xml", "raw": xml.encode()})
        journal = self.env["account.journal"].search(
            [("type", "=", "purchase"), ("company_id", "=", self.env.company.id)], limit=1
        )
        bill = journal.with_context(default_move_type="in_invoice")._create_document_from_attachment(attachment.ids)
        self.assertEqual(bill.partner_id, self.provider, "the e-invoice is the provider's")
        return bill

    def _pay(self, lines):
        self.env["account.payment.register"].with_context(
            active_model="account.move.line", active_ids=lines.ids
        ).create({})._create_payments()

    def test_commission_arithmetic(self):
        """DPR 633/72 art. 6-quater (docs/fiscal-model.md, flows d, e, i): grant credit is a
        multi-purpose voucher; redeemed in person, the provider documents the sale to the
        worker and the network pays the voucher's share outside VAT, with no invoice from
        the provider and none drafted on its behalf. The network's commission is its own
        taxable service, on its own invoice with VAT, never a deduction."""
        voucher = self.issue(self.fund_grant, self.worker_a, 500.0)
        for amount in (100.0, 50.5, 20.0):
            self._redeem(voucher, amount)
        settlement = self._settle()
        self.assertFalse(settlement.bill_ids, "the network drafts no invoice for the provider")
        line = settlement.line_ids
        self.assertEqual(len(line), 1, "one line per provider, kind, category and VAT")
        self.assertEqual((line.kind, line.use_count, line.amount_total), ("third_party", 3, 170.5))
        self.assertFalse(line.tax_ids)
        self.assertEqual(settlement.invoice_state, "none", "nothing to invoice: nothing to wait for")
        # 5% commission of the nursery's convention on 170.50 = 8.53 (rounded once).
        commission = settlement.commission_invoice_ids
        self.assertEqual(commission.move_type, "out_invoice")
        self.assertEqual(commission.partner_id, self.provider)
        self.assertAlmostEqual(commission.amount_untaxed, 8.53)
        self.assertEqual(commission.invoice_line_ids.tax_ids, self.env.company.account_sale_tax_id)
        self.assertAlmostEqual(settlement.amount_redeemed, 170.5)
        self.assertAlmostEqual(settlement.amount_commission, 8.53)
        self.assertAlmostEqual(settlement.amount_due, 170.5)
        settlement.action_confirm()
        # The payment order: the providers to settle are cleared, the provider is owed 170.50.
        order = settlement.payment_order_ids
        self.assertEqual((order.move_type, order.state), ("entry", "posted"))
        payable = order.line_ids.filtered(lambda l: l.account_id.account_type == "liability_payable")
        self.assertEqual(payable.partner_id, self.provider)
        self.assertAlmostEqual(payable.credit, 170.5)
        self.assertEqual(order.line_ids.filtered("debit").account_id, self.env.company._welfare_accounts()["to_settle"])
        # The annex lists each use, with masked voucher codes.
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("welfare_voucher.action_report_welfare_settlement_annex", settlement.ids)[0]
            .decode()
        )
        self.assertEqual(html.count("o_welfare_settlement_annex"), 1)
        self.assertIn(voucher.code[-4:], html)
        self.assertNotIn(voucher.code, html)
        self.assertIn("50,50", html.replace(".", ","))

    def test_settled_exactly_once(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 500.0)
        self._redeem(voucher, 100.0)
        first = self._settle()
        first.action_confirm()
        self.assertEqual(first.state, "confirmed")
        # Running the period again settles only what is new.
        with self.assertRaisesRegex(UserError, "Nothing to settle"):
            self._settle()
        self._redeem(voucher, 40.0)
        second = self._settle()
        self.assertAlmostEqual(second.amount_redeemed, 40.0)
        self.assertEqual(len(first.move_ids), 1)
        self.assertEqual(len(second.move_ids), 1)
        # Pay once: the settlement follows its payment order.
        self._pay(first._payable_lines())
        self.assertEqual(first.state, "paid")
        with self.assertRaisesRegex(UserError, "Paid settlements"):
            first.action_cancel()

    def test_cancel_frees_the_uses(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 500.0)
        self._redeem(voucher, 100.0)
        settlement = self._settle()
        settlement.action_confirm()
        settlement.action_cancel()
        self.assertEqual(settlement.state, "cancelled")
        self.assertEqual(settlement.payment_order_ids.state, "cancel")
        self.assertEqual(settlement.commission_invoice_ids.state, "cancel")
        self.assertFalse(settlement.move_ids)
        self.assertFalse(settlement.line_ids)
        again = self._settle()
        self.assertAlmostEqual(again.amount_redeemed, 100.0)

    def test_refund_after_settlement_is_netted_next_time(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 500.0)
        redeem = self._redeem(voucher, 100.0)
        self._settle().action_confirm()
        redeem._refund("note", reason_params={"note": "Servizio non erogato"}, amount=30.0)
        self._redeem(voucher, 50.0)
        settlement = self._settle()
        self.assertAlmostEqual(settlement.amount_redeemed, 20.0)
        self.assertAlmostEqual(settlement.amount_due, 20.0)
        self.assertAlmostEqual(settlement.amount_commission, 1.0)

    def test_shop_sale_is_settled_at_its_whole_price_against_the_providers_einvoice(self):
        """DPR 633/72 art. 3 c.3 (docs/fiscal-model.md, flows a and e): the network sells
        the provider's listing in its own name, so it buys it at its whole price: the
        worker's co-payment, collected by the network, is the provider's as much as the
        grant credit. The provider invoices it with its own FatturaPA, which is matched
        to the statement (amount and VAT); the network never drafts the provider's
        invoice, and nothing is paid before the invoice matches."""
        self.issue(self.fund_grant, self.worker_a, 300.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        order._welfare_apply_credit()
        # Credit held on a cart that can still change is never settled to a provider.
        with self.assertRaises(UserError):
            self._settle()
        order.action_confirm()
        settlement = self._settle()
        line = settlement.line_ids
        self.assertEqual((line.kind, line.provider_id, line.use_count), ("purchase", self.provider, 1))
        self.assertAlmostEqual(line.amount_total, 610.0, msg="500 + 22% VAT: credit 300 and co-payment 310")
        self.assertAlmostEqual(line.amount_untaxed, 500.0)
        # The VAT the provider's invoice carries: the purchase tax of the listing's rate.
        self.assertEqual(line.tax_ids, self.listing_nido.supplier_taxes_id)
        self.assertEqual(line.tax_ids.amount, self.listing_nido.taxes_id.amount)
        self.assertAlmostEqual(settlement.amount_redeemed, 300.0)
        self.assertAlmostEqual(settlement.amount_due, 610.0)
        # The commission is on the welfare credit used (5% of 300).
        self.assertAlmostEqual(settlement.commission_invoice_ids.amount_untaxed, 15.0)
        self.assertFalse(settlement.bill_ids)
        self.assertEqual(settlement.invoice_state, "awaiting")
        with self.assertRaisesRegex(UserError, "do not match"):
            settlement.action_confirm()
        # The provider's e-invoice quotes the settlement: it is matched when it arrives.
        bill = self._einvoice(settlement.name, [("Retta nido ottobre", 500.0, 22.0)])
        settlement.action_match_invoices()
        self.assertEqual(bill.welfare_settlement_id, settlement)
        self.assertEqual(settlement.invoice_state, "matched")
        self.assertEqual(line.match_state, "matched")
        settlement.action_confirm()
        self.assertEqual(bill.state, "posted")
        self.assertEqual(
            bill.invoice_line_ids.account_id, self.listing_nido.product_variant_id._get_product_accounts()["expense"]
        )
        self.assertAlmostEqual(bill.amount_total, 610.0)
        self.assertFalse(settlement.payment_order_ids, "a shop sale is paid on the provider's invoice")
        # The sale is settled once.
        self.assertEqual(order.order_line.welfare_settlement_id, settlement)
        self._pay(bill.line_ids.filtered(lambda l: l.account_id.account_type == "liability_payable"))
        self.assertEqual(settlement.state, "paid")

    def test_einvoice_mismatch_blocks_payment_until_corrected(self):
        """docs/fiscal-model.md flow e: the provider's invoice is matched to the statement
        per VAT treatment; a difference is flagged and blocks the payment until a credit
        note (TD04, DPR 633/72 art. 26) or a new invoice makes it right."""
        self.issue(self.fund_grant, self.worker_a, 300.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        order._welfare_apply_credit()
        order.action_confirm()
        settlement = self._settle()
        # Too much, and at the wrong rate for part of it.
        self._einvoice(settlement.name, [("Retta nido", 450.0, 22.0), ("Iscrizione", 60.0, 10.0)])
        settlement.action_match_invoices()
        self.assertEqual(settlement.invoice_state, "mismatch")
        self.assertEqual(settlement.line_ids.match_state, "mismatch")
        self.assertIn("o_welfare_match_mismatch", settlement.invoice_match_html)
        with self.assertRaisesRegex(UserError, "do not match"):
            settlement.action_confirm()
        self.assertEqual(settlement.state, "draft")
        self.assertFalse(settlement.bill_ids.filtered(lambda b: b.state == "posted"), "nothing half-posted")
        # A second invoice for the missing 50 and a credit note for the wrong line.
        self._einvoice(settlement.name, [("Retta nido, saldo", 50.0, 22.0)], number="FT2")
        note = self._einvoice(settlement.name, [("Storno iscrizione", 60.0, 10.0)], number="NC1", credit_note=True)
        self.assertEqual(note.move_type, "in_refund")
        settlement.action_match_invoices()
        self.assertEqual(len(settlement.bill_ids), 3)
        self.assertEqual(settlement.invoice_state, "matched")
        settlement.action_confirm()
        self.assertEqual(set(settlement.bill_ids.mapped("state")), {"posted"})

    def test_service_voucher_invoiced_per_use(self):
        """DM 25/3/2016 art. 6 and DPR 633/72 art. 6-ter (docs/fiscal-model.md, flow d):
        full-value credit redeemed in person is a single-purpose service voucher for one
        service at its price, with the listing's VAT: the provider invoices it to the
        network. An invoice line naming the service voucher must carry its amount."""
        voucher = self.issue(self.fund_c2, self.worker_a, 700.0)
        price = self.listing_nido._welfare_redeem_price(self.provider, self.cat_nido)
        use = self._redeem(voucher, price, listing=self.listing_nido)
        self.assertEqual(use.listing_id, self.listing_nido)
        settlement = self._settle()
        line = settlement.line_ids
        self.assertEqual((line.kind, line.tax_ids), ("service_voucher", self.listing_nido.supplier_taxes_id))
        self.assertAlmostEqual(line.amount_total, price)
        untaxed = self.env.company.currency_id.round(price / 1.22)
        self.assertAlmostEqual(line.amount_untaxed, untaxed)
        # The right total, but the use named on a line with a different amount: flagged per use.
        self._einvoice(
            settlement.name,
            [(f"Buono servizio {use.service_voucher_number}", untaxed - 10, 22.0), ("Altro", 10.0, 22.0)],
        )
        settlement.action_match_invoices()
        self.assertEqual(settlement.invoice_state, "mismatch")
        self.assertIn(use.service_voucher_number, settlement.invoice_match_html)
        bill = settlement.bill_ids
        bill.invoice_line_ids.filtered(lambda l: l.name == "Altro").unlink()
        bill.invoice_line_ids.price_unit = untaxed
        self.assertEqual(settlement.invoice_state, "matched")
        settlement.action_confirm()
        self.assertEqual(
            bill.invoice_line_ids.account_id, self.listing_nido.product_variant_id._get_product_accounts()["expense"]
        )

    def test_bill_linked_by_hand_must_be_the_providers(self):
        """docs/fiscal-model.md flow e: an invoice without the settlement's number is linked
        by hand on the vendor bill, only to a draft settlement and only if its provider has
        something to invoice in it."""
        self.issue(self.fund_grant, self.worker_a, 300.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        order._welfare_apply_credit()
        order.action_confirm()
        settlement = self._settle()
        bill = self._einvoice("senza riferimento", [("Retta nido", 500.0, 22.0)])
        settlement.action_match_invoices()
        self.assertFalse(bill.welfare_settlement_id)
        accountant = self.env["res.users"].create(
            {
                "login": "acc_settle",
                "name": "Accountant",
                "groups_id": [(6, 0, [self.env.ref("account.group_account_invoice").id])],
            }
        )
        other = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.producer_a.id,
                "invoice_date": Date.today(),
                "invoice_line_ids": [(0, 0, {"name": "Formaggio", "price_unit": 10.0, "quantity": 1})],
            }
        )
        with self.assertRaises(ValidationError):
            other.with_user(accountant).write({"welfare_settlement_id": settlement.id})
        bill.with_user(accountant).write({"welfare_settlement_id": settlement.id})
        self.assertEqual(settlement.invoice_state, "matched")
        settlement.action_confirm()
        with self.assertRaises(UserError):
            bill.with_user(accountant).write({"welfare_settlement_id": False})

    def _shop_sale(self, amount=300.0):
        self.issue(self.fund_grant, self.worker_a, amount)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        order._welfare_apply_credit()
        order.action_confirm()
        return order

    def test_sale_cancelled_after_its_settlement_is_given_back(self):
        """docs/fiscal-model.md flow e (DPR 633/72 art. 26): a shop sale paid to its
        provider and cancelled afterwards (the worker's credit and card given back) is
        given back by the provider on the next statement, exactly once; a settled sale
        cannot be changed or deleted under its settlement."""
        order = self._shop_sale()
        first = self._settle()
        self._einvoice(first.name, [("Retta nido", 500.0, 22.0)])
        first.action_confirm()
        line = order.order_line
        with self.assertRaisesRegex(UserError, "already settled"):
            line.write({"price_unit": 400.0})
        order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(order.state, "cancel")
        second = self._settle()
        reversal = second.line_ids.filtered(lambda l: l.kind == "purchase")
        self.assertAlmostEqual(reversal.amount_total, -610.0)
        self.assertEqual(line.welfare_reversal_settlement_id, second)
        self.assertAlmostEqual(second.amount_redeemed, -300.0, msg="the credit given back to the worker")
        self._einvoice(second.name, [("Storno retta nido", 500.0, 22.0)], number="NC1", credit_note=True)
        second.action_confirm()
        with self.assertRaisesRegex(UserError, "Nothing to settle"):
            self._settle()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            line.unlink()

    def test_settlement_links_move_only_with_the_settlement(self):
        """Each sale is paid to its provider once: the links a settlement writes cannot
        be written over RPC, and the settlement's documents are its own."""
        order = self._shop_sale()
        settlement = self._settle()
        salesman = self.env["res.users"].create(
            {
                "login": "sales_settle",
                "name": "Salesman",
                "groups_id": [(6, 0, [self.env.ref("sales_team.group_sale_salesman_all_leads").id])],
            }
        )
        with self.assertRaisesRegex(UserError, "Only a provider settlement"):
            order.order_line.with_user(salesman).write({"welfare_settlement_id": False})
        accountant = self.env["res.users"].create(
            {
                "login": "acc_settle2",
                "name": "Accountant",
                "groups_id": [(6, 0, [self.env.ref("account.group_account_invoice").id])],
            }
        )
        with self.assertRaisesRegex(UserError, "Only a provider's invoice"):
            self.env["account.move"].with_user(accountant).create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.provider.id,
                    "welfare_settlement_id": settlement.id,
                }
            )
        bill = self._einvoice(settlement.name, [("Retta nido", 500.0, 22.0)])
        settlement.action_confirm()
        with self.assertRaisesRegex(UserError, "confirmed welfare settlement"):
            bill.with_user(accountant).button_draft()
        # Cancelling the settlement leaves the provider's invoice as it is, unlinked.
        settlement.action_cancel()
        self.assertEqual((bill.state, bill.welfare_settlement_id), ("posted", self.env["welfare.settlement"]))
        again = self._settle()
        again.action_match_invoices()
        self.assertFalse(bill.welfare_settlement_id, "it quotes the cancelled settlement's number")
        bill.with_user(accountant).write({"welfare_settlement_id": again.id})
        self.assertEqual(again.invoice_state, "matched")

    def test_rounding_of_the_providers_invoice_is_tolerated(self):
        """docs/fiscal-model.md flow e: VAT is computed once per rate on the provider's
        invoice and per line in the shop; the match tolerates that rounding (half a cent
        per use), not more."""
        voucher = self.issue(self.fund_c2, self.worker_a, 2000.0)
        self.listing_nido.sudo().list_price = 8.2  # 10.00 with 22% VAT (8.20 + 1.80)
        for _use in range(3):
            self._redeem(voucher, 10.0, listing=self.listing_nido)
        settlement = self._settle()
        self.assertAlmostEqual(settlement.line_ids.amount_total, 30.0)
        self.assertAlmostEqual(settlement.line_ids.amount_untaxed, 24.59, msg="taken once from the total")
        self._einvoice(settlement.name, [("Tre rette", 24.60, 22.0)])  # 24.60 + 5.41 = 30.01
        settlement.action_match_invoices()
        self.assertEqual(settlement.invoice_state, "matched")
        settlement.bill_ids.invoice_line_ids.price_unit = 25.0
        self.assertEqual(settlement.invoice_state, "mismatch")

    def test_release_unmatched_providers_pays_the_others(self):
        """DOMAIN.md (providers paid on time): one provider's missing invoice does not
        hold up the others; its items leave the settlement and wait for the next one."""
        voucher = self.issue(self.fund_grant, self.worker_b, 500.0)
        self.env["welfare.voucher"]._redeem_at_provider(voucher.code, self.provider, self.cat_nido, 100.0)
        order = self._shop_sale()
        settlement = self._settle()
        self.assertEqual(settlement.invoice_state, "awaiting")
        # The same provider sold in the shop (awaiting its invoice) and was paid in person.
        settlement.action_release_unmatched()
        self.assertFalse(settlement.line_ids)
        self.assertFalse(order.order_line.welfare_settlement_id)
        later = self._settle()
        self.assertEqual(set(later.line_ids.mapped("kind")), {"purchase", "third_party"})

    def test_late_use_of_an_earlier_period_is_settled(self):
        """Each use is paid once and never forgotten: a use dated before the period that
        no settlement took (it came in after that period was computed) is settled next."""
        voucher = self.issue(self.fund_grant, self.worker_a, 500.0)
        use = self._redeem(voucher, 100.0)
        # The ledger is append-only: only the database can date a line in the past.
        self.env.cr.execute(
            "UPDATE welfare_voucher_move SET date = %s WHERE id = %s", (Date.today() - relativedelta(days=60), use.id)
        )
        use.invalidate_recordset(["date"])
        settlement = self._settle()
        self.assertEqual(settlement.move_ids, use)

    def test_flat_rate_provider_invoices_without_vat(self):
        """Agenzia delle Entrate ruling 10/2020 and docs/fiscal-model.md §4: a provider
        under the flat-rate scheme (L. 190/2014) invoices the network without VAT
        (Natura N2.2), set at review; the network sells with the service's ordinary VAT
        and the statement expects the untaxed price."""
        self.provider.welfare_vat_regime = "flat_rate"
        listing = self.env["product.template"].create(
            {
                "name": "Babysitting 10 ore",
                "list_price": 100.0,
                "type": "service",
                "welfare_provider_id": self.provider.id,
                "welfare_category_id": self.cat_nido.id,
            }
        )
        with self.assertRaisesRegex(UserError, "N2.2"), self.env.cr.savepoint():
            self.publish(listing)
        no_vat = self.env["account.tax"].create(
            {
                "name": "Forfettario N2.2 test",
                "amount": 0.0,
                "amount_type": "percent",
                "type_tax_use": "purchase",
                "l10n_it_exempt_reason": "N2.2",
                "l10n_it_law_reference": "Art. 1 c. 54-89 L. 190/2014",
                "company_id": self.env.company.id,
            }
        )
        self.publish(listing)
        self.assertEqual(listing.supplier_taxes_id, no_vat)
        self.issue(self.fund_grant, self.worker_a, 50.0)
        order = self.cart(self.worker_a, (listing, 1))
        order._welfare_apply_credit()
        order.action_confirm()
        self.assertAlmostEqual(order.amount_total, 100.0 + order.amount_tax)
        settlement = self._settle()
        line = settlement.line_ids
        self.assertEqual(line.tax_ids, no_vat)
        self.assertAlmostEqual(line.amount_total, 100.0, msg="the untaxed price, without the provider's VAT")
        bill = self._einvoice(settlement.name, [("Babysitting", 100.0, 0.0)], natura="N2.2")
        self.assertEqual(bill.invoice_line_ids.tax_ids, no_vat)
        settlement.action_confirm()
        self.assertEqual(settlement.state, "confirmed")

    def test_commission_invoice_is_a_valid_fatturapa(self):
        """DPR 633/72 art. 21 and the SdI rules (docs/fiscal-model.md, principles 6 and 7,
        flow i): the network's commission invoice goes out as a FatturaPA through
        l10n_it_edi: one VAT per line, the network as seller, the provider as buyer."""
        company = self.env.company
        company.write({"l10n_it_tax_system": "RF01", "l10n_it_codice_fiscale": self.network_vat})
        if not (company.street and company.zip and company.city):
            company.write({"street": "Via Locatelli, 7", "zip": "24069", "city": "Trescore Balneario"})
        company.country_id = self.env.ref("base.it")
        self.provider.write({"street": "Via Roma, 1", "zip": "24060", "country_id": self.env.ref("base.it").id})
        voucher = self.issue(self.fund_grant, self.worker_a, 500.0)
        self._redeem(voucher, 200.0)
        settlement = self._settle()
        settlement.action_confirm()
        invoice = settlement.commission_invoice_ids
        self.assertEqual(invoice.state, "posted")
        errors = invoice._l10n_it_edi_export_data_check()
        # Only the SdI proxy registration (the Settings' terms) is left to the installer.
        self.assertEqual(set(errors) - {"l10n_it_edi_settings_l10n_it_edi_proxy_user_id"}, set(), errors)
        tree = etree.fromstring(invoice._l10n_it_edi_render_xml())
        self.assertEqual(tree.findtext(".//DatiGeneraliDocumento/TipoDocumento"), "TD01")
        self.assertEqual(tree.findtext(".//CedentePrestatore//IdFiscaleIVA/IdCodice"), self.network_vat)
        self.assertEqual(tree.findtext(".//CessionarioCommittente//IdFiscaleIVA/IdCodice"), "00743110157")
        rate = company.account_sale_tax_id.amount
        self.assertEqual(tree.findtext(".//DettaglioLinee/AliquotaIVA"), f"{rate:.2f}")
        self.assertEqual(tree.findtext(".//DatiRiepilogo/ImponibileImporto"), "10.00")
        self.assertEqual(float(tree.findtext(".//DatiGeneraliDocumento/ImportoTotaleDocumento")), invoice.amount_total)


@tagged("post_install", "-at_install")
class TestSettlementPortalAndAccess(WelfareVoucherCommon, HttpCase):
    def test_provider_sees_own_settlement_and_hr_sees_own_vouchers(self):
        voucher_a = self.issue(self.fund_grant, self.worker_a, 200.0)
        voucher_b = self.issue(self.fund_grant, self.worker_b, 100.0)
        self.env["welfare.voucher"]._redeem_at_provider(voucher_a.code, self.provider, self.cat_nido, 80.0)
        today = Date.today()
        settlement = self.env["welfare.settlement"].create(
            {"date_from": today - relativedelta(days=1), "date_to": today, "provider_ids": [(6, 0, self.provider.ids)]}
        )
        settlement.action_compute()
        settlement.action_confirm()
        self.env["res.users"].create(
            {
                "login": "nido_portal",
                "password": "nido_portal",
                "name": "Nido Portal",
                "partner_id": self.env["res.partner"].create({"name": "Nido Portal", "parent_id": self.provider.id}).id,
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            self.env.ref("base.group_portal").id,
                            self.env.ref("welfare_network.group_welfare_portal_provider").id,
                        ],
                    )
                ],
            }
        )
        self.authenticate("nido_portal", "nido_portal")
        page = self.url_open("/my/settlements")
        self.assertEqual(page.status_code, 200)
        self.assertIn(settlement.name, page.text)
        # Codes are bearer secrets: the provider sees the last four characters only.
        self.assertIn(voucher_a.code[-4:], page.text)
        self.assertNotIn(voucher_a.code, page.text)
        self.assertNotIn(voucher_b.code[-4:], page.text)
        # HR referents see the vouchers of their own employer's workers only.
        visible = self.env["welfare.voucher"].with_user(self.user_hr_a).search([])
        self.assertIn(voucher_a, visible)
        self.assertNotIn(voucher_b, visible)
