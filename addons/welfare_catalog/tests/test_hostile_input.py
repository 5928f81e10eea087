"""Bad input gets a clear answer, never a 500.

A data-driven suite over HTTP: every route and form that the welfare addons add
or override (shop filters, providers' pages, the listing portal, family and
conventions, the welfare checkout routes) receives wrong types, missing fields,
huge and negative numbers, nan, unicode, very long strings, other users' ids,
replayed forms and missing CSRF tokens. Each case asserts a 4xx, a redirect or a
form error in Italian, and that nothing changed in the database (a fingerprint of
the tables that hold money, listings and people, taken before and after).
"""

import hashlib
import hmac
import html
import json
import logging
import time
from typing import NamedTuple

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL, mute_logger

from .common import WelfareCatalogCommon

_logger = logging.getLogger(__name__)

# Status codes a case may expect.
FORM = (200,)  # the form again, with its error
BAD = (400,)
FORBIDDEN = (403,)
NOT_FOUND = (404,)
NOT_ALLOWED = (405,)
REDIRECT = (301, 302, 303)
RPC_ERROR = "rpc_error"  # JSON-RPC: an error that names the refusal, not a server error

# Tables whose rows must not change (counts, last write, and a hash of every row).
FINGERPRINT_TABLES = (
    "product_template",
    "product_product",
    "welfare_family_member",
    "welfare_convention",
    "welfare_certification",
    "sale_order",
    "sale_order_line",
    "payment_transaction",
    "welfare_voucher",
    "welfare_voucher_move",
    "mail_message",
)
# Refusals a JSON-RPC route may answer with (a TypeError or ValueError is a server error).
RPC_CLIENT_ERRORS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.AccessDenied",
    "werkzeug.exceptions.NotFound",
    "werkzeug.exceptions.BadRequest",
    "werkzeug.exceptions.Forbidden",
}


class Case(NamedTuple):
    name: str
    user: str | None  # login (password = login), None for a visitor
    method: str  # GET, POST or JSON (JSON-RPC call)
    url: str  # with {placeholders} of the fixture's ids
    expect: tuple | str
    data: dict | None = None  # form fields; a value None drops the field
    csrf: str | bool = True  # POST: True (valid), False (none), "bogus", "expired", "foreign"
    error: str | None = None  # Italian text the answer must show
    files: dict | None = None
    location: str | None = None  # where a redirect must go
    before: dict | None = None  # a request (url, data) made first, e.g. the original of a replayed form
    requires: str | None = None  # module that adds the route
    known_issue: str | None = None  # a failure reported to another route's owner: expected until fixed


def listing_form(**changes):
    """The new-listing form as a producer fills it in, with some fields changed."""
    form = {
        "name": "Miele di castagno",
        "list_price": "9,50",
        "welfare_category_id": "{cat_km0}",
        "uom_id": "{uom_unit}",
        "welfare_delivery_place": "provider",
        "description_sale": "Dal Sebino",
        "welfare_available_sent": "1",
        "welfare_available": "1",
    }
    form.update(changes)
    return form


def edit_form(**changes):
    """The form of listing_a exactly as the producer sees it, with some fields changed."""
    return listing_form(**{"name": "Olio del Sebino", "list_price": "12.0", "description_sale": "", **changes})


PRODUCER = "producer_alfa"
WORKER = "worker_alfa"
PROVIDER = "nido_test"
NEW = "/my/listings/new"
EDIT = "/my/listings/{listing_a}"
LONG = "x" * 5000
HUGE_ID = "99999999999999999999"

CASES = [
    # ---- shop filters (the shop of website_sale, with the welfare filters) ----
    Case("ambit not a number", None, "GET", "/shop?welfare_ambit=abc", BAD, error="Questo ambito non esiste"),
    Case("ambit as float", WORKER, "GET", "/shop?welfare_ambit=1e5", BAD, error="Questo ambito non esiste"),
    Case("ambit negative", WORKER, "GET", "/shop?welfare_ambit=-1", BAD, error="Questo ambito non esiste"),
    Case("ambit huge", WORKER, "GET", f"/shop?welfare_ambit={HUGE_ID}", BAD, error="Questo ambito non esiste"),
    Case("ambit unknown", WORKER, "GET", "/shop?welfare_ambit=2147483647", BAD, error="Questo ambito non esiste"),
    Case("ambit unicode digits", WORKER, "GET", "/shop?welfare_ambit=%D9%A3", BAD, error="Questo ambito non esiste"),
    Case("ambit sql", WORKER, "GET", "/shop?welfare_ambit=1%27%20OR%201%3D1--", BAD, error="Questo ambito"),
    Case("ambit on a shop page", WORKER, "GET", "/shop/page/2?welfare_ambit=abc", BAD, error="Questo ambito"),
    Case("certification unknown", WORKER, "GET", "/shop?welfare_certification=abc", BAD, error="certificazione"),
    Case("certification long", WORKER, "GET", f"/shop?welfare_certification={LONG}", BAD, error="certificazione"),
    Case("km0 not a switch", WORKER, "GET", "/shop?welfare_km0=abc", BAD, error="Il filtro km 0"),
    Case("filters posted without csrf", WORKER, "POST", "/shop", BAD, data={"welfare_ambit": "abc"}, csrf=False),
    # ---- providers' public pages ----
    Case("provider page zero", None, "GET", "/shop/welfare/provider/0", NOT_FOUND),
    Case("provider page huge id", None, "GET", f"/shop/welfare/provider/{HUGE_ID}", NOT_FOUND),
    Case("provider page negative", None, "GET", "/shop/welfare/provider/-1", NOT_FOUND),
    Case("provider page text", None, "GET", "/shop/welfare/provider/abc", NOT_FOUND),
    Case("provider page of a worker", WORKER, "GET", "/shop/welfare/provider/{worker_a}", NOT_FOUND),
    Case("provider page, nothing on sale", None, "GET", "/shop/welfare/provider/{producer_b}", NOT_FOUND),
    # ---- family (welfare_network) ----
    Case("family as visitor", None, "GET", "/my/family", REDIRECT, location="/web/login"),
    Case("family as provider", PROVIDER, "GET", "/my/family", FORBIDDEN),
    Case("other worker's member", WORKER, "GET", "/my/family/{parent_b}", REDIRECT, location="/my"),
    Case("other member, token", WORKER, "GET", "/my/family/{parent_b}?access_token=x", REDIRECT, location="/my"),
    Case("other member, long token", WORKER, "GET", f"/my/family/{{parent_b}}?access_token={LONG}", REDIRECT),
    Case("member huge id", WORKER, "GET", f"/my/family/{HUGE_ID}?access_token=x", REDIRECT, location="/my"),
    Case("member zero", WORKER, "GET", "/my/family/0", REDIRECT, location="/my"),
    Case("member as provider", PROVIDER, "GET", "/my/family/{child_a}", REDIRECT, location="/my"),
    Case("family posted without csrf", WORKER, "POST", "/my/family", BAD, data={"name": "x"}, csrf=False),
    # ---- conventions (welfare_network) ----
    Case("conventions as worker", WORKER, "GET", "/my/conventions", FORBIDDEN),
    Case("conventions page text", PROVIDER, "GET", "/my/conventions?page=abc", BAD, error="numero di pagina"),
    Case("conventions sort unknown", PROVIDER, "GET", "/my/conventions?sortby=evil", BAD, error="Ordina le"),
    Case(
        "conventions page and sort",
        PROVIDER,
        "GET",
        "/my/conventions?page=abc&sortby=name%27%3B--",
        BAD,
        error="numero di pagina",
    ),
    Case("conventions page negative", PROVIDER, "GET", "/my/conventions?page=-1", BAD, error="numero di pagina"),
    Case("conventions page huge", PROVIDER, "GET", f"/my/conventions?page={HUGE_ID}", BAD, error="numero di pagina"),
    Case("conventions page zero", PROVIDER, "GET", "/my/conventions/page/0", BAD, error="numero di pagina"),
    # ---- listing portal: who ----
    Case("listings as visitor", None, "GET", "/my/listings", REDIRECT, location="/web/login"),
    Case("listings as worker", WORKER, "GET", "/my/listings", FORBIDDEN),
    Case("worker creates a listing", WORKER, "POST", NEW, FORBIDDEN, data=listing_form()),
    Case("visitor creates a listing", None, "POST", NEW, REDIRECT, data=listing_form()),
    Case("other's listing, edit", PRODUCER, "POST", "/my/listings/{listing_b}", FORBIDDEN, data=edit_form()),
    Case("other's listing, read", PRODUCER, "GET", "/my/listings/{listing_b}", REDIRECT, location="/my/listings"),
    Case("other's listing, withdraw", PRODUCER, "POST", "/my/listings/{listing_b}/withdraw", FORBIDDEN),
    Case("other's listing, submit", PRODUCER, "POST", "/my/listings/{listing_b}/submit", FORBIDDEN),
    Case("unknown listing, edit", PRODUCER, "POST", "/my/listings/2147483647", NOT_FOUND, data=edit_form()),
    Case("huge listing id, edit", PRODUCER, "POST", f"/my/listings/{HUGE_ID}", NOT_FOUND, data=edit_form()),
    Case("huge listing id, submit", PRODUCER, "POST", f"/my/listings/{HUGE_ID}/submit", NOT_FOUND),
    Case("self-publish", PRODUCER, "POST", "/my/listings/{listing_a}/publish", NOT_FOUND),
    Case("action by GET", PRODUCER, "GET", "/my/listings/{listing_a}/submit", NOT_ALLOWED),
    # ---- listing portal: CSRF and replays ----
    Case("new without csrf", PRODUCER, "POST", NEW, BAD, data=listing_form(), csrf=False),
    Case("new with bogus csrf", PRODUCER, "POST", NEW, BAD, data=listing_form(), csrf="bogus"),
    Case("new with expired csrf", PRODUCER, "POST", NEW, BAD, data=listing_form(), csrf="expired"),
    Case("new with another session's csrf", PRODUCER, "POST", NEW, BAD, data=listing_form(), csrf="foreign"),
    Case("edit without csrf", PRODUCER, "POST", EDIT, BAD, data=edit_form(name="Senza token"), csrf=False),
    Case("submit without csrf", PRODUCER, "POST", "/my/listings/{listing_a}/submit", BAD, csrf=False),
    Case(
        "new form sent twice",
        PRODUCER,
        "POST",
        NEW,
        FORM,
        data=listing_form(name="Miele di acacia del Sebino"),
        before={"url": NEW, "data": listing_form(name="Miele di acacia del Sebino")},
        error="Hai già un'offerta chiamata Miele di acacia del Sebino",
    ),
    Case(
        "new listing, name of another (other case)",
        PRODUCER,
        "POST",
        NEW,
        FORM,
        data=listing_form(name="  OLIO DEL SEBINO "),
        error="Hai già un'offerta chiamata OLIO DEL SEBINO",
    ),
    Case("edit form sent again unchanged", PRODUCER, "POST", EDIT, REDIRECT, data=edit_form()),
    Case(
        "edit smuggling fields",
        PRODUCER,
        "POST",
        EDIT,
        REDIRECT,
        data={
            "welfare_provider_id": "{producer_b}",
            "welfare_listing_state": "published",
            "is_published": "1",
            "welfare_sellable": "1",
            "type": "combo",
            "taxes_id": "1",
            "id": "{listing_b}",
        },
    ),
    Case("withdraw a draft (replayed)", PRODUCER, "POST", "/my/listings/{listing_a}/withdraw", FORM, error="stato"),
    Case("submit a submitted (replayed)", PRODUCER, "POST", "/my/listings/{listing_sub}/submit", FORM, error="stato"),
    Case(
        "submit without category",
        PRODUCER,
        "POST",
        "/my/listings/{listing_nocat}/submit",
        FORM,
        error="categoria welfare",
    ),
    # ---- listing portal: the form's fields ----
    Case("no name", PRODUCER, "POST", NEW, FORM, data=listing_form(name=None), error="L'offerta deve avere un nome"),
    Case("blank name", PRODUCER, "POST", NEW, FORM, data=listing_form(name=" \t "), error="deve avere un nome"),
    Case("name with NUL", PRODUCER, "POST", NEW, FORM, data=listing_form(name="Miele\x00"), error="caratteri non"),
    Case("name with newline", PRODUCER, "POST", EDIT, FORM, data=edit_form(name="Olio\r\nX"), error="caratteri non"),
    Case("name too long", PRODUCER, "POST", NEW, FORM, data=listing_form(name=LONG), error="al massimo 200"),
    Case(
        "name as a file",
        PRODUCER,
        "POST",
        NEW,
        FORM,
        data=listing_form(name=None),
        files={"name": ("name.txt", b"Miele", "text/plain")},
        error="Il nome deve essere un testo",
    ),
    Case(
        "description with NUL",
        PRODUCER,
        "POST",
        NEW,
        FORM,
        data=listing_form(description_sale="Buono\x00"),
        error="La descrizione contiene caratteri non ammessi",
    ),
    Case(
        "description too long",
        PRODUCER,
        "POST",
        EDIT,
        FORM,
        data=edit_form(description_sale="é" * 10_001),
        error="al massimo 10000",
    ),
    Case("no category", PRODUCER, "POST", NEW, FORM, data=listing_form(welfare_category_id=None), error="Scegli una"),
    Case("empty category", PRODUCER, "POST", EDIT, FORM, data=edit_form(welfare_category_id=""), error="categoria"),
    Case("category text", PRODUCER, "POST", NEW, FORM, data=listing_form(welfare_category_id="abc"), error="Scegli"),
    Case("category huge", PRODUCER, "POST", NEW, FORM, data=listing_form(welfare_category_id=HUGE_ID), error="Scegli"),
    Case("category negative", PRODUCER, "POST", EDIT, FORM, data=edit_form(welfare_category_id="-1"), error="Scegli"),
    Case(
        "category unknown",
        PRODUCER,
        "POST",
        EDIT,
        FORM,
        data=edit_form(welfare_category_id="2147483647"),
        error="Scegli una categoria welfare",
    ),
    Case("no price", PRODUCER, "POST", NEW, FORM, data=listing_form(list_price=None), error="Indica il prezzo"),
    Case("empty price", PRODUCER, "POST", EDIT, FORM, data=edit_form(list_price=""), error="Indica il prezzo"),
    Case("price nan", PRODUCER, "POST", NEW, FORM, data=listing_form(list_price="nan"), error="deve essere un numero"),
    Case("price 1e400", PRODUCER, "POST", EDIT, FORM, data=edit_form(list_price="1e400"), error="essere un numero"),
    Case("price inf", PRODUCER, "POST", EDIT, FORM, data=edit_form(list_price="-inf"), error="essere un numero"),
    Case("price text", PRODUCER, "POST", NEW, FORM, data=listing_form(list_price="dieci"), error="essere un numero"),
    Case("price hex", PRODUCER, "POST", NEW, FORM, data=listing_form(list_price="0x10"), error="essere un numero"),
    Case("price underscores", PRODUCER, "POST", NEW, FORM, data=listing_form(list_price="1_000"), error="un numero"),
    Case("price unicode digits", PRODUCER, "POST", NEW, FORM, data=listing_form(list_price="٣"), error="un numero"),
    Case("price negative", PRODUCER, "POST", EDIT, FORM, data=edit_form(list_price="-5"), error="non può essere neg"),
    Case("price huge", PRODUCER, "POST", EDIT, FORM, data=edit_form(list_price="1000000000"), error="non può superare"),
    Case("price 3 decimals", PRODUCER, "POST", NEW, FORM, data=listing_form(list_price="9.999"), error="due decimali"),
    Case(
        "price as a file",
        PRODUCER,
        "POST",
        EDIT,
        FORM,
        data=edit_form(list_price=None),
        error="un numero",
        files={"list_price": ("price.txt", b"12", "text/plain")},
    ),
    Case("unit text", PRODUCER, "POST", NEW, FORM, data=listing_form(uom_id="abc"), error="Scegli un'unità di misura"),
    Case("unit of volume", PRODUCER, "POST", EDIT, FORM, data=edit_form(uom_id="{uom_litre}"), error="unità di misura"),
    Case("unit huge", PRODUCER, "POST", EDIT, FORM, data=edit_form(uom_id=HUGE_ID), error="unità di misura"),
    Case(
        "delivery place unknown",
        PRODUCER,
        "POST",
        EDIT,
        FORM,
        data=edit_form(welfare_delivery_place="luna"),
        error="Scegli dove viene erogata l'offerta",
    ),
    Case("photo as text", PRODUCER, "POST", EDIT, FORM, data=edit_form(image_1920="abc"), error="Carica la foto"),
    Case(
        "photo not an image",
        PRODUCER,
        "POST",
        EDIT,
        FORM,
        data=edit_form(),
        files={"image_1920": ("photo.png", b"%PDF-1.4 not an image", "image/png")},
        error="immagine",
    ),
    Case("json body on a form", PRODUCER, "JSON", NEW, (400, 403, 404, 405, 415) + (RPC_ERROR,), data={}),
    # ---- the welfare checkout (welfare_voucher): reported, not fixed, when they fail ----
    Case("apply without csrf", WORKER, "POST", "/shop/welfare/apply", BAD, csrf=False, requires="welfare_voucher"),
    Case("apply by GET", WORKER, "GET", "/shop/welfare/apply", NOT_ALLOWED, requires="welfare_voucher"),
    Case("remove without csrf", WORKER, "POST", "/shop/welfare/remove", BAD, csrf=False, requires="welfare_voucher"),
    Case("remove by GET", WORKER, "GET", "/shop/welfare/remove", NOT_ALLOWED, requires="welfare_voucher"),
    Case("apply as visitor", None, "POST", "/shop/welfare/apply", REDIRECT, requires="welfare_voucher"),
    Case(
        "pay: amount not a number",
        WORKER,
        "JSON",
        "/shop/payment/transaction/{order_b}",
        RPC_ERROR,
        data={"access_token": "x", "amount": "abc"},
        requires="welfare_voucher",
    ),
    Case(
        "pay: other's order, bad token",
        WORKER,
        "JSON",
        "/shop/payment/transaction/{order_b}",
        RPC_ERROR,
        data={"access_token": "x", "amount": 10.0},
        requires="welfare_voucher",
    ),
    Case(
        "pay: other's order as visitor",
        None,
        "JSON",
        "/shop/payment/transaction/{order_b}",
        RPC_ERROR,
        data={"access_token": "", "amount": None},
        requires="welfare_voucher",
    ),
    Case(
        "pay: unknown order",
        WORKER,
        "JSON",
        "/shop/payment/transaction/2147483647",
        RPC_ERROR,
        data={"access_token": "x"},
        requires="welfare_voucher",
    ),
    Case(
        "pay: amount as list",
        WORKER,
        "JSON",
        "/shop/payment/transaction/{order_a}",
        RPC_ERROR,
        data={"access_token": "{order_a_token}", "amount": [1]},
        requires="welfare_voucher",
    ),
    Case(
        "pay: amount true",
        WORKER,
        "JSON",
        "/shop/payment/transaction/{order_a}",
        RPC_ERROR,
        data={"access_token": "{order_a_token}", "amount": True},
        requires="welfare_voucher",
    ),
    Case(
        "pay: own order, negative amount",
        WORKER,
        "JSON",
        "/shop/payment/transaction/{order_a}",
        RPC_ERROR,
        data={"access_token": "{order_a_token}", "amount": -1.0},
        requires="welfare_voucher",
    ),
    Case(
        "pay: own order, huge amount",
        WORKER,
        "JSON",
        "/shop/payment/transaction/{order_a}",
        RPC_ERROR,
        data={"access_token": "{order_a_token}", "amount": 1e300},
        requires="welfare_voucher",
    ),
    Case(
        "pay: own order, amount NaN",
        WORKER,
        "JSON",
        "/shop/payment/transaction/{order_a}",
        RPC_ERROR,
        data={"access_token": "{order_a_token}", "amount": float("nan")},
        requires="welfare_voucher",
    ),
    Case(
        "pay: own order, amount Infinity",
        WORKER,
        "JSON",
        "/shop/payment/transaction/{order_a}",
        RPC_ERROR,
        data={"access_token": "{order_a_token}", "amount": float("inf")},
        requires="welfare_voucher",
    ),
    Case(
        "pay: no access token",
        WORKER,
        "JSON",
        "/shop/payment/transaction/{order_b}",
        RPC_ERROR,
        data={"amount": 10.0},
        requires="welfare_voucher",
    ),
]


@tagged("post_install", "-at_install")
class TestHostileInput(WelfareCatalogCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("it_IT")
        (cls.user_worker_a | cls.user_producer_a | cls.user_producer_b).write({"lang": "it_IT"})
        cls.user_provider = cls.env["res.users"].create(
            {
                "login": PROVIDER,
                "password": PROVIDER,
                "name": "Nadia Nido",
                "lang": "it_IT",
                "partner_id": cls.env["res.partner"].create({"name": "Nadia Nido", "parent_id": cls.provider.id}).id,
                "groups_id": [
                    Command.set(
                        [
                            cls.env.ref("base.group_portal").id,
                            cls.env.ref("welfare_network.group_welfare_portal_provider").id,
                        ]
                    )
                ],
            }
        )
        Template = cls.env["product.template"]
        cls.listing_sub = Template.create(
            {
                "name": "Miele in revisione",
                "list_price": 7.0,
                "type": "consu",
                "welfare_provider_id": cls.producer_a.id,
                "welfare_category_id": cls.cat_km0.id,
            }
        )
        cls.listing_sub.action_welfare_submit()
        cls.listing_nocat = Template.create(
            {
                "name": "Bozza senza categoria",
                "list_price": 3.0,
                "type": "consu",
                "welfare_provider_id": cls.producer_a.id,
            }
        )
        SaleOrder = cls.env["sale.order"].sudo()
        cls.order_a, cls.order_b = SaleOrder.create(
            [
                {
                    "partner_id": worker.id,
                    "order_line": [Command.create({"product_id": cls.listing_a.product_variant_id.id})],
                }
                for worker in (cls.worker_a, cls.worker_b)
            ]
        )
        cls.fixture_ids = {
            "listing_a": cls.listing_a.id,
            "listing_b": cls.listing_b.id,
            "listing_sub": cls.listing_sub.id,
            "listing_nocat": cls.listing_nocat.id,
            "cat_km0": cls.cat_km0.id,
            "uom_unit": cls.env.ref("uom.product_uom_unit").id,
            "uom_litre": cls.env.ref("uom.product_uom_litre").id,
            "producer_b": cls.producer_b.id,
            "worker_a": cls.worker_a.id,
            "child_a": cls.child_a.id,
            "parent_b": cls.parent_b.id,
            "order_a": cls.order_a.id,
            "order_b": cls.order_b.id,
            "order_a_token": cls.order_a._portal_ensure_token(),
        }
        cls.env.cr.execute("SELECT relname FROM pg_class WHERE relkind = 'r' AND relname IN %s", [FINGERPRINT_TABLES])
        cls.fingerprint_tables = sorted(row[0] for row in cls.env.cr.fetchall())

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _fingerprint(self):
        """Per table: row count, last write date and a hash of every row."""
        self.env.flush_all()
        fingerprint = {}
        for table in self.fingerprint_tables:
            self.env.cr.execute(
                SQL(
                    "SELECT count(*), max(t.write_date), md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), ''))"
                    " FROM %s t",
                    SQL.identifier(table),
                )
            )
            fingerprint[table] = self.env.cr.fetchone()
        return fingerprint

    def _csrf_token(self, kind=True):
        """A CSRF token for the test's session, or a broken one."""
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        sid = self.session.sid
        max_ts = int(time.time() + 3600)
        if kind == "bogus":
            return "abc"
        if kind == "expired":
            max_ts = int(time.time() - 3600)
        if kind == "foreign":
            sid = "x" * len(sid)
        digest = hmac.new(secret.encode("ascii"), f"{sid}{max_ts}".encode(), hashlib.sha1).hexdigest()
        return f"{digest}o{max_ts}"

    def _fill(self, value):
        if isinstance(value, str):
            return value.format(**self.fixture_ids)
        return value

    def _request(self, case, url, data, files=None):
        data = {key: self._fill(value) for key, value in (data or {}).items() if value is not None}
        if case.method == "GET":
            return self.url_open(url, allow_redirects=False)
        if case.method == "JSON":
            payload = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": data}
            return self.url_open(
                url, data=json.dumps(payload), headers={"Content-Type": "application/json"}, allow_redirects=False
            )
        if case.csrf:
            data["csrf_token"] = self._csrf_token(case.csrf)
        files = dict(files or {})
        if not data and not files:
            data = {"_": ""}  # url_open posts only with a body
        return self.url_open(url, data=data, files=files or None, allow_redirects=False)

    def _check_answer(self, case, response):
        expected = case.expect if isinstance(case.expect, tuple) else (case.expect,)
        status = response.status_code
        if RPC_ERROR in expected and status == 200:
            body = response.json()
            self.assertIn("error", body, f"{case.name}: JSON-RPC accepted: {body}")
            name = body["error"]["data"]["name"]
            self.assertIn(name, RPC_CLIENT_ERRORS, f"{case.name}: server error {name}: {body['error']['data']}")
            return
        self.assertIn(status, expected, f"{case.name}: HTTP {status}, expected {expected}")
        text = html.unescape(response.text)
        if case.expect == FORM:
            self.assertIn("o_welfare_error", text, f"{case.name}: no form error shown")
        if case.error:
            self.assertIn(case.error, text, f"{case.name}: no Italian message {case.error!r}")
        if case.location:
            location = response.headers.get("Location", "")
            self.assertEqual(location.split("?")[0].removeprefix(self.base_url()), case.location, case.name)

    # ------------------------------------------------------------------
    # the suite
    # ------------------------------------------------------------------
    def test_cases_are_many_and_distinct(self):
        self.assertGreaterEqual(len(CASES), 60)
        self.assertEqual(len({case.name for case in CASES}), len(CASES))

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule", "odoo.models", "odoo.addons.website.models.ir_http")
    def test_hostile_input(self):
        installed = set(self.env["ir.module.module"].search([("state", "=", "installed")]).mapped("name"))
        for case in CASES:
            with self.subTest(case=case.name):
                if case.requires and case.requires not in installed:
                    continue
                self.authenticate(case.user, case.user)
                if case.before:
                    before = self._request(
                        case._replace(method="POST", csrf=True),
                        case.before["url"].format(**self.fixture_ids),
                        case.before["data"],
                    )
                    self.assertIn(before.status_code, REDIRECT, f"{case.name}: the original request failed")
                fingerprint = self._fingerprint()
                response = self._request(case, case.url.format(**self.fixture_ids), case.data, case.files)
                if case.known_issue:
                    with self.assertRaises(AssertionError, msg=f"{case.name}: fixed? Drop its known_issue."):
                        self._check_answer(case, response)
                    _logger.info("Known issue, reported: %s: %s", case.name, case.known_issue)
                else:
                    self._check_answer(case, response)
                self.assertEqual(self._fingerprint(), fingerprint, f"{case.name}: the database changed")

    def test_valid_form_still_works(self):
        """The same forms, filled in right, do their job (the suite refuses only bad input)."""
        self.authenticate(PRODUCER, PRODUCER)
        data = {key: self._fill(value) for key, value in listing_form(list_price="9,5").items()}
        response = self.url_open(NEW, data={**data, "csrf_token": self._csrf_token()}, allow_redirects=False)
        self.assertIn(response.status_code, REDIRECT)
        listing = self.env["product.template"].search([("name", "=", "Miele di castagno")])
        self.assertEqual(listing.welfare_provider_id, self.producer_a)
        self.assertEqual(listing.list_price, 9.5)
        # Saved again unchanged: nothing written; changed: written.
        self.listing_a.action_welfare_submit()
        self.listing_a.with_user(self.user_backoffice).action_welfare_publish()
        edit = {key: self._fill(value) for key, value in edit_form().items()}
        self.url_open(EDIT.format(**self.fixture_ids), data={**edit, "csrf_token": self._csrf_token()})
        self.assertEqual(self.listing_a.welfare_listing_state, "published", "an unchanged save is no change")
        edit["list_price"] = "13,40"
        self.url_open(EDIT.format(**self.fixture_ids), data={**edit, "csrf_token": self._csrf_token()})
        self.listing_a.invalidate_recordset()
        self.assertEqual(self.listing_a.list_price, 13.4)
        self.assertEqual(self.listing_a.welfare_listing_state, "submitted", "a new price is reviewed again")
        # Filters and paged lists with valid values answer.
        self.authenticate(WORKER, WORKER)
        ambit = self.ambit_vc.id
        for url in (f"/shop?welfare_ambit={ambit}&welfare_km0=1&welfare_certification=environmental", "/my/family"):
            self.assertEqual(self.url_open(url).status_code, 200, url)
        self.authenticate(PROVIDER, PROVIDER)
        for url in ("/my/conventions", "/my/conventions?sortby=name", "/my/conventions/page/1?sortby=state"):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertIn(self.convention_provider.name, response.text, url)
