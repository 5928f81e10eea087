from datetime import timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.fields import Date
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from ..models.welfare_redeem import MAX_FAILURES, RedeemBlockedError
from ..models.welfare_voucher import VoucherCodeError
from .common import WelfareVoucherCommon

INVALID = "Invalid code or PIN"


class RedeemCommon(WelfareVoucherCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        group_ids = [
            cls.env.ref("base.group_portal").id,
            cls.env.ref("welfare_network.group_welfare_portal_provider").id,
        ]
        Partner = cls.env["res.partner"]
        cls.user_nido, cls.user_nido_2 = cls.env["res.users"].create(
            [
                {
                    "login": login,
                    "password": login,
                    "name": name,
                    "partner_id": Partner.create({"name": name, "parent_id": cls.provider.id}).id,
                    "groups_id": [Command.set(group_ids)],
                }
                for login, name in (("nido_user", "Nido User"), ("nido_user_2", "Nido Second User"))
            ]
        )

    def fail_to_redeem(self, exception=VoucherCodeError, **kwargs):
        """portal_redeem expected to fail, keeping what the failure wrote (the counted
        attempt), as the portal does; assertRaises would roll it back."""
        try:
            self.portal_redeem(**kwargs)
        except exception as e:
            return e
        self.fail(f"{exception.__name__} not raised")

    def new_pin(self, voucher, user=None):
        return voucher.with_user(user or self.user_worker_a)._welfare_new_redeem_pin()[0]

    def portal_redeem(self, voucher=None, pin=None, user=None, ip="10.0.0.1", **values):
        form = {
            "code": voucher.code if voucher else "ZZZZ-ZZZZ-ZZZZ-ZZZZ",
            "pin": pin or "000000",
            "category_id": str(self.cat_nido.id),
            "amount": "40",
            "description": "Retta novembre",
            "document_ref": "RIC 2026/1",
            **values,
        }
        return self.env["welfare.voucher"].with_user(user or self.user_nido)._portal_redeem(form, ip=ip)


@tagged("post_install", "-at_install")
class TestRedeemAtProvider(RedeemCommon):
    def _redeem(self, code, amount=50.0, provider=None, category=None, service_date=None):
        return self.env["welfare.voucher"]._redeem_at_provider(
            code,
            provider or self.provider,
            category or self.cat_nido,
            amount,
            description="Retta novembre",
            service_date=service_date,
        )

    def test_redeem_and_errors(self):
        """Same rules as the shop: an active convention for the service, the voucher's
        balance never below zero (DM 25/3/2016 art. 6: no cash, no top-up)."""
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0)
        move = self._redeem(voucher.code.lower().replace("-", " "))
        self.assertEqual(move.provider_id, self.provider)
        self.assertEqual(voucher.balance, 50.0)
        self.assertIn("Retta novembre", voucher.message_ids[0].body)
        with self.assertRaisesRegex(VoucherCodeError, INVALID):
            self._redeem("AAAA-BBBB-CCCC-DDDD")
        with self.assertRaisesRegex(UserError, "no active convention"):
            self._redeem(voucher.code, provider=self.producer_a)
        with self.assertRaisesRegex(UserError, "left"):
            self._redeem(voucher.code, amount=60.0)
        for amount in (0.0, -5.0, float("nan"), float("inf")):
            with self.assertRaisesRegex(UserError, "positive"):
                self._redeem(voucher.code, amount=amount)
        self._redeem(voucher.code, amount=50.0)
        with self.assertRaisesRegex(UserError, "no credit left"):
            self._redeem(voucher.code, amount=1.0)
        self.assertEqual(voucher.balance, 0.0)
        self.assertEqual(len(voucher.move_ids), 3)

    def test_full_value_credit_pays_one_listed_service_at_its_price(self):
        """DM 25 March 2016 art. 6 (TUIR art. 51 c.3-bis): employer welfare is spent as a
        voucher for exactly one service at its whole price, never a part of it and never
        topped up by the worker. In person, the provider names the listed service and its
        price is what is paid; an amount typed by hand is refused."""
        voucher = self.issue(self.fund_c2, self.worker_a, 700.0)
        with self.assertRaisesRegex(UserError, "one service at its full price"):
            self._redeem(voucher.code, amount=300.0)
        with self.assertRaisesRegex(UserError, "costs"):
            self.env["welfare.voucher"]._redeem_at_provider(
                voucher.code, self.provider, self.cat_nido, 300.0, listing=self.listing_nido
            )
        with self.assertRaisesRegex(UserError, "one service at its full price"):
            # Another provider's listing is not a service this provider delivers.
            self.env["welfare.voucher"]._redeem_at_provider(
                voucher.code, self.provider, self.cat_nido, 14.64, listing=self.listing_a
            )
        self.assertEqual(voucher.balance, 700.0)
        move = self.env["welfare.voucher"]._redeem_at_provider(
            voucher.code, self.provider, self.cat_nido, 610.0, listing=self.listing_nido
        )
        self.assertEqual(move.amount, -610.0)
        self.assertTrue(move.service_voucher_number, "the service voucher is issued and numbered")
        self.assertEqual(move.description, self.listing_nido.name)
        self.assertEqual(voucher.balance, 90.0)
        # What is left cannot pay the next month: no top-up by the worker.
        with self.assertRaisesRegex(UserError, "left"):
            self.env["welfare.voucher"]._redeem_at_provider(
                voucher.code, self.provider, self.cat_nido, 610.0, listing=self.listing_nido
            )
        self.assertEqual(voucher.balance, 90.0)

    def test_multi_purpose_redemption_records_the_providers_document_and_copayment(self):
        """DPR 633/72 art. 6-quater (docs/fiscal-model.md, flow d): grant credit redeemed in
        person is a multi-purpose voucher; the provider sold the service to the worker and
        documents it. The network records the provider's document (required: the same PIN
        works once it is given) and the whole price, so that the funder's statement reports
        the worker's co-payment (the call's rendicontazione)."""
        voucher = self.issue(self.fund_grant, self.worker_a, 400.0)
        pin = self.new_pin(voucher)
        error = self.fail_to_redeem(UserError, voucher=voucher, pin=pin, amount="150", document_ref="")
        self.assertIn("receipt or invoice", str(error), "the provider's document is asked for")
        self.assertEqual(voucher.balance, 400.0)
        self.assertFalse(self.env["welfare.redeem.attempt"].search_count([]), "not a wrong code or PIN")
        error = self.fail_to_redeem(UserError, voucher=voucher, pin=pin, amount="150", service_price="120")
        self.assertIn("cannot be lower", str(error))
        self.assertEqual(voucher.balance, 400.0, "nothing is written for a refused redemption")
        move = self.portal_redeem(
            voucher, pin=self.new_pin(voucher), amount="150", service_price="380,00", document_ref="RIC 2026/118"
        )
        self.assertEqual((move.provider_document_ref, move.service_price), ("RIC 2026/118", 380.0))
        today = Date.today()
        values = self.fund_grant._statement_values(today - relativedelta(days=1), today)
        self.assertAlmostEqual(values["spent"], 150.0)
        self.assertAlmostEqual(values["copay"], 230.0)
        # Full-value credit needs none: the service voucher is the document.
        c2 = self.issue(self.fund_c2, self.worker_a, 700.0)
        use = self.env["welfare.voucher"]._redeem_at_provider(
            c2.code, self.provider, self.cat_nido, 610.0, listing=self.listing_nido, service_price=900.0
        )
        self.assertFalse(use.service_price)

    def test_no_backdating_expiry_is_judged_today(self):
        """Expiry is enforced on the day of the redemption (no date chosen by the
        provider can revive a voucher that expired yesterday, nor an ended convention)."""
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0)
        with self.assertRaises(TypeError):
            self.env["welfare.voucher"]._redeem_at_provider(
                voucher.code, self.provider, self.cat_nido, 10.0, on_date=voucher.date_end
            )
        with freeze_time(voucher.date_end + relativedelta(days=1)):
            with self.assertRaisesRegex(UserError, "expired"):
                self._redeem(voucher.code, amount=10.0, service_date=voucher.date_end)
        with freeze_time(self.convention_provider.date_end + relativedelta(days=1)):
            with self.assertRaisesRegex(UserError, "no active convention"):
                self._redeem(voucher.code, amount=10.0, service_date=self.convention_provider.date_end)
        self.assertEqual(voucher.balance, 100.0)

    def test_service_date_is_shown_only_and_bounded(self):
        """The ledger line is dated the day it is written, which is also the day the
        benefit is made available (TUIR art. 51 c.3 ceiling, counted in that year); the
        declared service date is only shown, and is not in the future, not before the
        voucher is valid, at most 30 days ago."""
        self.convention_provider.sudo().service_category_ids |= self.cat_km0
        today = Date.context_today(self.env.user)
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0, date_start=today - relativedelta(days=10))
        self.assertGreater(voucher.date_start, today - relativedelta(days=29))
        for service_date, error in (
            (today + relativedelta(days=1), "future"),
            (today - relativedelta(days=31), "30 days"),
            (voucher.date_start - relativedelta(days=1), "before the voucher"),
        ):
            with self.assertRaisesRegex(UserError, error):
                self._redeem(voucher.code, amount=10.0, service_date=service_date)
        move = self._redeem(voucher.code, amount=10.0, service_date=today - relativedelta(days=3))
        self.assertEqual(move.date, today)
        self.assertEqual(move.service_date, today - relativedelta(days=3))
        self.assertEqual(move.account_move_id.date, today, "the books follow the ledger date")

    def test_codes_are_masked_but_for_their_worker_and_back_office(self):
        """Voucher codes are bearer secrets (DM 25/3/2016 art. 6: the voucher is
        nominative): HR referents and providers see the last four characters only, and
        cannot read the code field."""
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0)
        masked = "••••-••••-••••-" + voucher.code[-4:]
        self.assertEqual(voucher.with_user(self.user_worker_a).display_name, voucher.code)
        self.assertEqual(voucher.with_user(self.user_backoffice).display_name, voucher.code)
        self.assertEqual(voucher.with_user(self.user_hr_a).display_name, masked)
        with self.assertRaises(AccessError):
            voucher.with_user(self.user_hr_a).read(["code"])
        with self.assertRaises(AccessError):
            self.env["welfare.voucher"].with_user(self.user_hr_a).search([("code", "=", voucher.code)])
        self.assertEqual(voucher.with_user(self.user_hr_a).read(["display_name"])[0]["display_name"], masked)
        # They search as they see: by the last four characters.
        found = self.env["welfare.voucher"].with_user(self.user_hr_a).name_search(voucher.code[-4:])
        self.assertEqual(found, [(voucher.id, masked)])
        self.assertEqual(
            self.env["welfare.voucher"].with_user(self.user_backoffice).name_search(voucher.code)[0][0], voucher.id
        )
        move = self._redeem(voucher.code, amount=10.0)
        row = move.with_user(self.user_nido).read(["voucher_id"])[0]
        self.assertEqual(row["voucher_id"], (voucher.id, masked))
        spec = {"voucher_id": {"fields": {"display_name": {}}}}
        self.assertEqual(move.with_user(self.user_nido).web_read(spec)[0]["voucher_id"]["display_name"], masked)

    def test_redemption_needs_the_worker_pin(self):
        """DM 25/3/2016 art. 6: only the worker spends a nominative voucher. The code
        alone redeems nothing: the worker's one-time PIN is needed, used once, and the
        worker is notified of every use."""
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0)
        with self.assertRaisesRegex(UserError, "PIN"):
            self.portal_redeem(voucher, pin="")
        with self.assertRaisesRegex(VoucherCodeError, INVALID):
            self.portal_redeem(voucher, pin="123456")
        pin = self.new_pin(voucher)
        self.assertRegex(pin, r"^\d{6}$")
        stored = self.env["welfare.voucher.pin"].search([("voucher_id", "=", voucher.id)])
        self.assertEqual(len(stored), 1)
        self.assertNotIn(pin, stored.pin_hash, "the PIN is stored as a keyed hash")
        move = self.portal_redeem(voucher, pin=pin, service_date=str(Date.today()))
        self.assertEqual(move.provider_id, self.provider)
        self.assertEqual(move.service_date, Date.today())
        self.assertEqual(voucher.balance, 60.0)
        notice = voucher.message_ids[0]
        self.assertIn(self.worker_a, notice.partner_ids)
        self.assertIn("Retta novembre", notice.body)
        # Used once.
        with self.assertRaisesRegex(VoucherCodeError, INVALID):
            self.portal_redeem(voucher, pin=pin)
        # A new PIN voids the previous one; an expired PIN is void.
        old = self.new_pin(voucher)
        new = self.new_pin(voucher)
        if old != new:
            with self.assertRaisesRegex(VoucherCodeError, INVALID):
                self.portal_redeem(voucher, pin=old, user=self.user_nido_2)
        with freeze_time(fields.Datetime.now() + timedelta(minutes=16)):
            with self.assertRaisesRegex(VoucherCodeError, INVALID):
                self.portal_redeem(voucher, pin=new, user=self.user_nido_2, ip="10.0.0.2")
        self.assertEqual(voucher.balance, 60.0)
        # Only the voucher's own worker makes a PIN.
        with self.assertRaises(UserError):
            voucher.with_user(self.user_hr_a)._welfare_new_redeem_pin()

    def test_wrong_code_or_pin_tells_nothing(self):
        """A failed code or PIN gets one answer: no hint that the code exists, whose it
        is or what is left on it. Balance errors come only once code and PIN are proven."""
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0)
        pin = self.new_pin(voucher)
        messages = set()
        for kwargs in (
            {"voucher": None},
            {"voucher": voucher, "pin": "999999" if pin != "999999" else "111111"},
            {"voucher": voucher, "pin": "12ab56"},
            {"voucher": None, "code": "x" * 60},
        ):
            with self.assertRaises(VoucherCodeError) as caught:
                self.portal_redeem(user=self.user_nido_2, ip=None, amount="500", **kwargs)
            messages.add(caught.exception.args[0])
        self.assertEqual(len(messages), 1)
        message = messages.pop()
        self.assertNotIn(self.worker_a.name, message)
        self.assertNotIn("100", message)
        with self.assertRaisesRegex(UserError, "left"):
            self.portal_redeem(voucher, pin=pin, amount="500")
        self.assertEqual(voucher.balance, 100.0)
        # The refused redemption did not use the PIN up.
        self.portal_redeem(voucher, pin=pin, amount="100")
        self.assertEqual(voucher.balance, 0.0)

    def test_throttle_is_a_sliding_window(self):
        """Guessing codes stops after MAX_FAILURES failures in the window, counted per
        user, per provider and per IP; a successful redemption does not reset it."""
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0)
        for _attempt in range(MAX_FAILURES - 1):
            self.fail_to_redeem()
        self.portal_redeem(voucher, pin=self.new_pin(voucher), amount="0.01")
        self.assertFalse(self.user_nido._welfare_redeem_blocked(ip="10.0.0.1"))
        self.fail_to_redeem()
        self.fail_to_redeem(RedeemBlockedError, voucher=voucher, pin=self.new_pin(voucher))
        self.assertTrue(self.user_nido._welfare_redeem_blocked())
        # The provider's other user is blocked too, from another IP.
        self.fail_to_redeem(
            RedeemBlockedError, voucher=voucher, pin=self.new_pin(voucher), user=self.user_nido_2, ip="10.9.9.9"
        )
        # Another provider from the same IP is blocked; from its own IP it is not.
        self.fail_to_redeem(RedeemBlockedError, user=self.user_producer_a, ip="10.0.0.1")
        self.assertFalse(self.user_producer_a._welfare_redeem_blocked(ip="10.7.7.7"))
        self.assertEqual(voucher.balance, 99.99)
        # The window slides: failures older than it no longer count; old ones are vacuumed.
        Attempt = self.env["welfare.redeem.attempt"]
        Attempt.search([]).write({"attempted_at": fields.Datetime.now() - timedelta(minutes=16)})
        self.assertFalse(self.user_nido._welfare_redeem_blocked(ip="10.0.0.1"))
        Attempt.search([], limit=1).write({"attempted_at": fields.Datetime.now() - timedelta(days=2)})
        Attempt._gc_old_attempts()
        self.assertEqual(Attempt.search_count([]), MAX_FAILURES - 1)

    def test_malformed_form_is_refused_in_words(self):
        """Whatever the form carries, the answer is a UserError (a form message), and
        nothing is written."""
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0)
        pin = self.new_pin(voucher)
        hostile = [
            {"category_id": "abc"},
            {"category_id": "-1"},
            {"category_id": "99999999999999"},
            {"category_id": str(self.cat_km0.id)},
            {"category_id": None},
            {"amount": "nan"},
            {"amount": "inf"},
            {"amount": "-Infinity"},
            {"amount": "-10"},
            {"amount": "0"},
            {"amount": "1e400"},
            {"amount": "sNaN"},
            {"amount": "10.001"},
            {"amount": "1" * 40},
            {"amount": ""},
            {"description": "x" * 5000},
            {"service_date": "2024-13-45"},
            {"service_date": "yesterday"},
            {"service_date": "x" * 300},
            {"code": ""},
        ]
        for values in hostile:
            with self.subTest(values=values), self.assertRaises(UserError):
                self.portal_redeem(voucher, pin=pin, user=self.user_nido_2, ip=None, **values)
        self.assertEqual(voucher.balance, 100.0)
        self.assertEqual(voucher.move_ids.mapped("move_type"), ["issue"])
        with self.assertRaises(AccessError):
            self.portal_redeem(voucher, pin=pin, user=self.user_worker_a)

    def test_credit_held_on_a_cart_cannot_be_redeemed(self):
        """Credit held on a cart (an authorised welfare payment) is not available to an
        in-person redemption: the balance never serves twice."""
        voucher = self.issue(self.fund_grant, self.worker_a, 300.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        order._welfare_apply_credit()
        self.assertEqual(voucher.amount_available, 0.0)
        with self.assertRaisesRegex(UserError, "left"):
            self.portal_redeem(voucher, pin=self.new_pin(voucher), amount="10")
        self.assertEqual(voucher.balance, 300.0)


@tagged("post_install", "-at_install")
class TestRedeemAtProviderHttp(RedeemCommon, HttpCase):
    """/my/redeem and the worker's pages with real requests, in Italian."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        italian = cls.env["res.lang"]._activate_lang("it_IT")
        for website in cls.env["website"].search([]):
            website.write({"language_ids": [Command.link(italian.id)], "default_lang_id": italian.id})
        (cls.user_nido | cls.user_worker_a | cls.user_hr_a).write({"lang": "it_IT"})

    def _csrf(self, url):
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        return page.text.split('name="csrf_token" value="')[1].split('"')[0]

    def _worker_pin(self, voucher):
        self.authenticate("worker_alfa", "worker_alfa")
        url = f"/my/welfare/voucher/{voucher.id}"
        page = self.url_open(f"{url}/pin", data={"csrf_token": self._csrf(url)})
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_welfare_pin_value", page.text, page.text[-3000:])
        return page.text.split("o_welfare_pin_value")[1].split("font-monospace")[1].split(">")[1].split("<")[0].strip()

    def _post(self, **values):
        data = {
            "csrf_token": self._csrf("/my/redeem"),
            "category_id": self.cat_nido.id,
            "amount": "40",
            "document_ref": "RIC 2026/1",
        }
        data.update(values)
        return self.url_open("/my/redeem", data=data)

    def _ledger(self):
        self.env.invalidate_all()
        return (
            self.env["welfare.voucher.move"].search_count([]),
            self.env["welfare.redeem.attempt"].search_count([]),
            sorted(self.env["welfare.voucher"].search([]).mapped("balance")),
        )

    @mute_logger("odoo.http")
    def test_portal_redeem_with_consent_and_hostile_inputs(self):
        """DM 25/3/2016 art. 6: the worker consents with a one-time PIN; hostile input
        gets an Italian answer on the page (200) and changes nothing."""
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0)
        pin = self._worker_pin(voucher)
        self.assertRegex(pin, r"^\d{6}$")
        self.authenticate("nido_user", "nido_user")
        before = self._ledger()
        hostile = [
            {"code": voucher.code, "pin": pin, "category_id": "abc"},
            {"code": voucher.code, "pin": pin, "amount": "nan"},
            {"code": voucher.code, "pin": pin, "amount": "inf"},
            {"code": voucher.code, "pin": pin, "amount": "-40"},
            {"code": voucher.code, "pin": pin, "amount": "1e308"},
            {"code": voucher.code, "pin": pin, "description": "x" * 10000},
            {"code": voucher.code, "pin": pin, "service_date": "2999-99-99"},
            {"code": voucher.code},
            {"pin": pin},
        ]
        for values in hostile:
            with self.subTest(values=values):
                page = self._post(**values)
                self.assertEqual(page.status_code, 200)
                self.assertIn("o_welfare_error", page.text)
                self.assertNotIn("o_welfare_success", page.text)
        self.assertIn("Scegli il servizio", self._post(code=voucher.code, pin=pin, category_id="abc").text)
        self.assertIn("Inserisci il codice del voucher e il PIN", self._post(code=voucher.code).text)
        self.assertEqual(self._ledger(), before)
        # Backdating is not a thing any more: the old date field is ignored.
        page = self._post(code=voucher.code.lower(), pin=pin, date="2020-01-01", description="Retta")
        self.assertIn("o_welfare_success", page.text)
        self.assertNotIn(voucher.code, page.text)
        self.assertIn(voucher.code[-4:], page.text)
        voucher.invalidate_recordset()
        self.assertEqual(voucher.balance, 60.0)
        self.assertEqual(voucher.move_ids.filtered(lambda m: m.move_type == "redeem").date, Date.today())
        # The PIN is used: a second try is a wrong code or PIN, in Italian, and counted.
        page = self._post(code=voucher.code, pin=pin)
        self.assertIn("Codice o PIN non validi", page.text)
        for _attempt in range(MAX_FAILURES - 1):
            page = self._post(code="ZZZZ-ZZZZ-ZZZZ-ZZZZ", pin="123456")
            self.assertIn("Codice o PIN non validi", page.text)
        page = self._post(code=voucher.code, pin=pin)
        self.assertIn("o_welfare_blocked", page.text)
        self.assertIn("Troppi tentativi", page.text)
        voucher.invalidate_recordset()
        self.assertEqual(voucher.balance, 60.0)

    @mute_logger("odoo.http", "odoo.models")
    def test_codes_stay_with_their_worker(self):
        """Codes are bearer secrets: the worker sees their own in full; the provider's
        settlements and the ledger over RPC show them masked; an HR referent cannot read
        them."""
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0)
        move = self.env["welfare.voucher"]._redeem_at_provider(voucher.code, self.provider, self.cat_nido, 30.0)
        masked = "••••-••••-••••-" + voucher.code[-4:]
        self.authenticate("worker_alfa", "worker_alfa")
        self.assertIn(voucher.code, self.url_open("/my/welfare").text)
        self.assertIn(voucher.code, self.url_open(f"/my/welfare/voucher/{voucher.id}").text)
        self.authenticate("nido_user", "nido_user")
        page = self.url_open("/my/settlements")
        self.assertEqual(page.status_code, 200)
        self.assertIn(masked, page.text)
        self.assertNotIn(voucher.code, page.text)
        self.assertNotIn(voucher.code, self.url_open("/my/redeem").text)
        rows = self.make_jsonrpc_request(
            "/web/dataset/call_kw/welfare.voucher.move/read",
            {"model": "welfare.voucher.move", "method": "read", "args": [move.ids, ["voucher_id"]], "kwargs": {}},
        )
        self.assertEqual(rows[0]["voucher_id"], [voucher.id, masked])
        self.authenticate("hr_alfa", "hr_alfa")
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/welfare.voucher/read",
                {"model": "welfare.voucher", "method": "read", "args": [voucher.ids, ["code"]], "kwargs": {}},
            )
