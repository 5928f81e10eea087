"""Money that cannot leak, under real parallel requests: a multi-process Odoo server
(``--workers 2``) started for this module on the installed database, real HTTP sessions
(``requests``) fired at the same moment by threads (``threading.Barrier``).

(a) Mario Rossi in two browsers, each with its own cart of the nursery, applies his
    welfare credit in both at once;
(b) Mario applies his credit in the shop while the nursery redeems the same voucher at
    its counter (/my/redeem, with the one-time PIN Mario made);
(c) two back-office accountants compute and confirm a settlement of the same period;
(d) the nightly expiry job runs while Mario's checkout applies credit held on a voucher
    that has just expired.

Each request either succeeds or is refused cleanly (a redirect with a message, a page
with an error, a JSON-RPC UserError), never a crash; the outcome is judged in the
database: every voucher's ledger adds up to its balance, no balance below zero, what is
held on carts never exceeds a balance, nothing is spent or settled twice.

Isolation: the test spends only vouchers it issues itself (from a fund of its own) and
closes them at the end; Mario's demo credit is parked, for the length of the module, on
a cart of its own (held, never spent) and given back at the end; the reminders the
expiry job sends to demo vouchers are reset. Orders confirmed and settlements posted by
the test stay, on the test's own vouchers."""

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta

import pytest
import requests

import odoo
from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError
from odoo.tools import config

PASSWORD = "welfare"
TIMEOUT = 180  # seconds for one request (a worker may load the registry first)
CLEAN_REFUSALS = {"odoo.exceptions.UserError", "odoo.exceptions.ValidationError"}
TEST_MARK = "tests/test_concurrency_workers.py"


# ----------------------------------------------------------------------------
# database helpers (separate, committed transactions of this process)
# ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def registry():
    reg = odoo.modules.registry.Registry(config["db_name"])
    if reg.in_test_mode():
        pytest.skip("needs the real, committed database shared with a separate server")
    return reg


@contextlib.contextmanager
def db_env(registry):
    """A superuser environment on a new cursor, committed on success."""
    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, {})
        cr.commit()


def assert_money_sound(cr):
    """The invariants over every voucher of the database."""
    cr.execute(
        """SELECT v.id, v.balance, COALESCE(SUM(m.amount), 0)
             FROM welfare_voucher v LEFT JOIN welfare_voucher_move m ON m.voucher_id = v.id
            GROUP BY v.id HAVING v.balance <> COALESCE(SUM(m.amount), 0)"""
    )
    assert cr.fetchall() == [], "a voucher's balance differs from the sum of its ledger"
    cr.execute("SELECT id, balance FROM welfare_voucher WHERE balance < 0")
    assert cr.fetchall() == [], "a voucher went below zero"
    cr.execute(
        """SELECT v.id, v.balance, SUM(h.amount)
             FROM welfare_voucher v JOIN welfare_voucher_hold h ON h.voucher_id = v.id
            GROUP BY v.id, v.balance HAVING SUM(h.amount) > v.balance"""
    )
    assert cr.fetchall() == [], "more credit held on carts than a voucher has"
    cr.execute(
        """SELECT h.id FROM welfare_voucher_hold h
             JOIN sale_order o ON o.id = h.sale_order_id
             JOIN payment_transaction t ON t.id = h.transaction_id
            WHERE o.state NOT IN ('draft', 'sent') OR t.state <> 'authorized'"""
    )
    assert cr.fetchall() == [], "a hold outlived its cart or its authorised transaction"
    cr.execute(
        """SELECT o.id FROM welfare_voucher_move o
             JOIN welfare_voucher_move r ON r.origin_move_id = o.id AND r.move_type = 'refund'
            WHERE o.move_type = 'redeem'
            GROUP BY o.id, o.amount HAVING SUM(r.amount) > -o.amount"""
    )
    assert cr.fetchall() == [], "a redemption was refunded more than once"
    cr.execute(
        """SELECT l.id FROM sale_order_line l
             JOIN welfare_voucher_move m ON m.sale_order_line_id = l.id AND m.move_type IN ('redeem', 'refund')
            GROUP BY l.id, l.price_total HAVING -SUM(m.amount) > l.price_total + 0.005"""
    )
    assert cr.fetchall() == [], "an order line was paid with welfare credit more than its price"


class World:
    """What the scenarios share: Mario, the nursery, a fund of the test's own."""

    def __init__(self, env):
        mario = env.ref("welfare_network.worker_mario_rossi")
        listing = env.ref("welfare_catalog.listing_retta_nido_girotondo")
        website = env["website"].search([], limit=1)
        self.mario_id = mario.id
        self.employer_id = mario.welfare_employer_id.id
        self.mario_user_id = env["res.users"].search([("login", "=", "mario.rossi")]).id
        self.product_id = listing.product_variant_id.id
        self.category_id = listing.welfare_category_id.id
        self.provider_id = listing.welfare_provider_id.id
        self.website_id = website.id
        self.team_id = website.salesteam_id.id
        self.company_id = website.company_id.id
        self.today = fields.Date.context_today(env["welfare.voucher"].with_user(self.mario_user_id))
        fund = env["welfare.fund"].create(
            {
                "name": f"Concurrency test fund ({TEST_MARK})",
                "fund_type": "regional_grant",
                "funder_id": env.ref("welfare_voucher.funder_regione_lombardia").id,
                "company_id": self.company_id,
                "budget": 100000.0,
                "date_start": self.today - timedelta(days=30),
                "date_end": self.today + timedelta(days=180),
                "call_reference": "Bando di prova",
                "category_ids": [Command.set([self.category_id])],
            }
        )
        fund.action_open()
        self.fund_id = fund.id
        self.cart_ids = []
        self.parking_id = None
        self.reminders_unsent = set()

    def cart(self, env, qty=1, website=True):
        order = env["sale.order"].create(
            {
                "partner_id": self.mario_id,
                "company_id": self.company_id,
                "website_id": self.website_id if website else False,
                "team_id": self.team_id if website else False,
                "order_line": [Command.create({"product_id": self.product_id, "product_uom_qty": qty})],
            }
        )
        self.cart_ids.append(order.id)
        return order

    def issue(self, env, amount, date_start=None, date_end=None):
        """A voucher for Mario from the test's fund, through a campaign as the back office does."""
        campaign = env["welfare.campaign"].create(
            {
                "name": f"Concurrency test {amount} ({TEST_MARK})",
                "fund_id": self.fund_id,
                "employer_ids": [Command.set([self.employer_id])],
                "amount_fixed": amount,
                "send_email": False,
                "date_start": date_start or self.today - timedelta(days=1),
                "date_end": date_end or self.today + timedelta(days=30),
            }
        )
        campaign.action_prepare()
        campaign.line_ids.filtered(lambda l: l.worker_id.id != self.mario_id).unlink()
        campaign._issue_batch()
        voucher = campaign.line_ids.voucher_id
        assert len(voucher) == 1 and voucher.balance == amount
        return voucher

    def close(self, env):
        """The test's carts are cancelled (their holds released) and its vouchers closed:
        the next scenario starts with none of Mario's credit available but its own."""
        carts = env["sale.order"].browse(self.cart_ids).exists()
        carts.filtered(lambda o: o.id != self.parking_id and o.state in ("draft", "sent")).with_context(
            disable_cancel_warning=True
        ).action_cancel()
        vouchers = env["welfare.voucher"].search([("fund_id", "=", self.fund_id), ("state", "=", "active")])
        vouchers._lock()
        for voucher in vouchers:
            voucher._add_move("lapse", -voucher.balance, "note", reason_params={"note": f"Closed by {TEST_MARK}"})


@pytest.fixture(scope="module")
def world(registry):
    with db_env(registry) as env:
        world = World(env)
        # Park Mario's own credit (the demo vouchers) on a cart outside the shop: held,
        # never spent, so that only the test's vouchers pay in the scenarios.
        parking = world.cart(env, qty=10, website=False)
        world.parking_id = parking.id
        try:
            with env.cr.savepoint():
                parking._welfare_apply_credit(confirm=False)
        except UserError:
            pass  # nothing of Mario's can pay the nursery: nothing to park
        world.reminders_unsent = set(env["welfare.voucher"].search([("reminder_sent", "=", False)]).ids)
        started = fields.Datetime.now()
        assert_money_sound(env.cr)
    yield world
    with db_env(registry) as env:
        world.close(env)
        env["sale.order"].browse(world.parking_id).with_context(disable_cancel_warning=True).action_cancel()
        # The expiry job reminded demo vouchers about to expire: as they were.
        sent = env["welfare.voucher"].browse(sorted(world.reminders_unsent)).exists().filtered("reminder_sent")
        if sent:
            env.cr.execute("UPDATE welfare_voucher SET reminder_sent = FALSE WHERE id IN %s", [tuple(sent.ids)])
            env["mail.mail"].search(
                [("model", "=", "welfare.voucher"), ("res_id", "in", sent.ids), ("create_date", ">=", started)]
            ).unlink()
        assert_money_sound(env.cr)


@pytest.fixture(autouse=True)
def scenario(registry, world):
    """Each scenario starts from the world and leaves it closed, whatever happened."""
    yield
    with db_env(registry) as env:
        world.close(env)


# ----------------------------------------------------------------------------
# the multi-process server and its clients
# ----------------------------------------------------------------------------
def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _odoo_bin():
    src = os.environ.get("ODOO_SRC") or os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__)))
    return os.path.join(src, "odoo-bin")


@pytest.fixture(scope="module")
def server(registry):
    """``odoo-bin --workers 2`` on the test database: the base URL, stopped at the end."""
    db = config["db_name"]
    http_port, gevent_port = _free_port(), _free_port()
    cmd = [sys.executable, _odoo_bin()]
    if config.rcfile and os.path.exists(config.rcfile):
        cmd += ["-c", config.rcfile]
    cmd += [
        "--addons-path", config["addons_path"],
        "-d", db, "--db-filter", f"^{db}$", "--no-database-list",
        "--workers", "2", "--max-cron-threads", "0",
        "--http-interface", "127.0.0.1", "--http-port", str(http_port), "--gevent-port", str(gevent_port),
        "--log-level", "warn",
    ]  # fmt: skip
    for option, key, env_var in (
        ("--db_host", "db_host", "PGHOST"),
        ("--db_port", "db_port", "PGPORT"),
        ("-r", "db_user", "PGUSER"),
        ("-w", "db_password", "PGPASSWORD"),
    ):
        value = config.get(key) or os.environ.get(env_var)
        if value:
            cmd += [option, str(value)]
    log = tempfile.NamedTemporaryFile(prefix="welfare-workers-", suffix=".log", delete=False)
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"

    def log_tail():
        with open(log.name, errors="replace") as f:
            return "".join(f.readlines()[-40:])

    def stop():
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()

    deadline = time.monotonic() + 180
    while True:
        if proc.poll() is not None:
            stop()
            pytest.skip(f"the multi-process Odoo server did not start (exit {proc.returncode}):\n{log_tail()}")
        try:
            if requests.get(f"{base}/web/login", timeout=30).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            stop()
            pytest.skip(f"the multi-process Odoo server did not answer on port {http_port} in time:\n{log_tail()}")
        time.sleep(1)
    # Both workers load the registry before the scenarios (first requests are slow).
    for _round in range(3):
        fire(*[lambda: requests.get(f"{base}/web/login", timeout=TIMEOUT)] * 2)
    try:
        yield base
    finally:
        stop()
        with open(log.name, errors="replace") as f:
            crashes = [line for line in f if "Traceback" in line]
        os.unlink(log.name)
        assert not crashes, "the server logged tracebacks during the scenarios"


class Client:
    """One browser (one HTTP session) of one user."""

    def __init__(self, base, login, password=PASSWORD):
        self.base = base
        self.http = requests.Session()
        credentials = {"db": config["db_name"], "login": login, "password": password}
        result = self._json("/web/session/authenticate", credentials)
        assert result.get("uid"), f"{login} could not log in"

    def _json(self, path, params):
        response = self.http.post(
            self.base + path, json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}, timeout=TIMEOUT
        )
        assert response.status_code == 200, f"{path}: HTTP {response.status_code}"
        data = response.json()
        assert "error" not in data, f"{path}: {data.get('error')}"
        return data["result"]

    def call(self, model, method, *args, **kwargs):
        """JSON-RPC call_kw: (result, None) or (None, name of the exception, message)."""
        response = self.http.post(
            f"{self.base}/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            },
            timeout=TIMEOUT,
        )
        assert response.status_code == 200, f"{model}.{method}: HTTP {response.status_code}"
        data = response.json()
        if "error" in data:
            error = data["error"].get("data", {})
            return None, (error.get("name"), error.get("message"))
        return data["result"], None

    def get(self, path, **kwargs):
        return self.http.get(self.base + path, timeout=TIMEOUT, **kwargs)

    def post(self, path, data):
        return self.http.post(self.base + path, data=data, timeout=TIMEOUT, allow_redirects=False)

    def csrf_token(self, page):
        match = re.search(r'name="csrf_token"\s+value="([^"]+)"', page) or re.search(
            r'csrf_token\s*:\s*"([^"]+)"', page
        )
        assert match, "no CSRF token in the page"
        return match.group(1)

    def open_cart(self, order_id, access_token):
        """Take this cart in this browser, as an abandoned cart is revived from its link;
        return the CSRF token of the cart page."""
        response = self.get(f"/shop/cart?access_token={access_token}&revive=squash")
        assert response.status_code == 200, f"/shop/cart: HTTP {response.status_code}"
        session_cart = re.search(r'data-order-id="(\d*)"', response.text)  # the header's cart badge
        assert session_cart and session_cart.group(1) == str(order_id), "the browser is not on its own cart"
        return self.csrf_token(response.text)


def fire(*calls):
    """Run the calls in threads released at the same moment; their results, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=TIMEOUT)
            results[index] = call()
        except BaseException as e:  # re-raised in the main thread
            results[index] = e

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 3)
    assert not any(thread.is_alive() for thread in threads), "a request never came back"
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def assert_clean_redirect(response, what):
    assert response.status_code in (302, 303), f"{what}: HTTP {response.status_code}, not a redirect"


def follow(client, response):
    """The page the browser lands on after a redirect (the refusal's message): no crash."""
    location = response.headers["Location"]
    page = client.http.get(location if location.startswith("http") else client.base + location, timeout=TIMEOUT)
    assert page.status_code < 500, f"{location}: HTTP {page.status_code}"
    return page


# ----------------------------------------------------------------------------
# the scenarios
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("cover", ["part", "whole"])
def test_a_two_browsers_apply_the_same_credit(registry, server, world, cover):
    """The same credit applied at once from two carts: one cart gets it, the other is
    refused. ``part``: the credit pays part of a cart, it is held on one cart only;
    ``whole``: it pays a whole cart, one order is confirmed and paid, once."""
    with db_env(registry) as env:
        carts = world.cart(env) | world.cart(env)
        total = carts[0].amount_total
        value = total if cover == "whole" else 400.0
        assert value <= total
        voucher = world.issue(env, value)
        tokens = [cart._portal_ensure_token() for cart in carts]
    browsers = [Client(server, "mario.rossi"), Client(server, "mario.rossi")]
    csrf = [browser.open_cart(cart_id, token) for browser, cart_id, token in zip(browsers, carts.ids, tokens)]

    responses = fire(
        *[lambda b=b, t=t: b.post("/shop/welfare/apply", {"csrf_token": t}) for b, t in zip(browsers, csrf)]
    )

    for response in responses:
        assert_clean_redirect(response, "/shop/welfare/apply")
    with db_env(registry) as env:
        voucher = env["welfare.voucher"].browse(voucher.id)
        carts = env["sale.order"].browse(carts.ids)
        holding = carts.filtered(lambda o: o.sudo().welfare_hold_ids)
        paid = carts.filtered(lambda o: o.state == "sale")
        redeems = voucher.move_ids.filtered(lambda m: m.move_type == "redeem")
        assert len(holding) <= 1, "two carts hold the same credit"
        assert_money_sound(env.cr)
        if cover == "part":
            # One cart holds the credit (not paid yet: the rest is due), nothing is spent.
            assert len(holding) == 1 and not paid and not redeems
            assert sum(voucher.hold_ids.mapped("amount")) == value and voucher.balance == value
            winner = holding
        else:
            # The winner is confirmed and paid by the credit, exactly once.
            assert len(paid) == 1 and not holding and not voucher.hold_ids
            assert len(redeems) == 1 and redeems.sale_order_id == paid and -redeems.amount == total
            done = paid.transaction_ids.filtered(lambda t: t.provider_code == "welfare" and t.state == "done")
            assert len(done) == 1 and done.amount == total
            assert voucher.balance == 0 and voucher.state == "exhausted"
            winner = paid
        # The other cart holds nothing, spent nothing, has no payment going on.
        loser = carts - winner
        assert loser.state == "draft" and not loser.sudo().welfare_move_ids
        assert not loser.transaction_ids.filtered(lambda t: t.state in ("authorized", "done"))
        loser_index = list(carts).index(loser)
    # The refused browser is told why, on a page that renders.
    assert responses[loser_index].headers["Location"].endswith("/shop/payment")
    follow(browsers[loser_index], responses[loser_index])


def test_b_shop_and_provider_spend_the_same_voucher(registry, server, world):
    """Mario applies his credit in the shop while the nursery redeems the same voucher
    at its counter: together they never take more than the voucher has."""
    with db_env(registry) as env:
        cart = world.cart(env)
        voucher = world.issue(env, 400.0)  # less than the cart, more than the counter's service
        token = cart._portal_ensure_token()
        code = voucher.code
        VoucherAsWorker = env["welfare.voucher"].with_user(world.mario_user_id)
        # The worker's consent, when the counter asks for it: a one-time PIN made in "Il mio welfare".
        pin = (
            VoucherAsWorker.browse(voucher.id)._welfare_new_redeem_pin()[0]
            if hasattr(VoucherAsWorker, "_welfare_new_redeem_pin")
            else None
        )
    shop = Client(server, "mario.rossi")
    shop_csrf = shop.open_cart(cart.id, token)
    counter = Client(server, "nido.girotondo")
    page = counter.get("/my/redeem")
    assert page.status_code == 200
    form = {
        "csrf_token": counter.csrf_token(page.text),
        "code": code,
        "category_id": str(world.category_id),
        "amount": "300.00",
        "description": f"Retta ({TEST_MARK})",
        "service_date": "",
        "document_ref": "RIC 2026/7",  # the provider's receipt to the worker (multi-purpose credit)
    }
    if pin:
        form["pin"] = pin

    applied, redeemed = fire(
        lambda: shop.post("/shop/welfare/apply", {"csrf_token": shop_csrf}),
        lambda: counter.post("/my/redeem", form),
    )

    assert_clean_redirect(applied, "/shop/welfare/apply")
    assert redeemed.status_code == 200, f"/my/redeem: HTTP {redeemed.status_code}"
    with db_env(registry) as env:
        voucher = env["welfare.voucher"].browse(voucher.id)
        cart = env["sale.order"].browse(cart.id)
        assert_money_sound(env.cr)
        at_counter = voucher.move_ids.filtered(
            lambda m: m.move_type == "redeem" and m.provider_id.id == world.provider_id
        )
        held = sum(voucher.hold_ids.mapped("amount"))
        assert len(at_counter) <= 1
        assert held + -sum(at_counter.mapped("amount")) <= 400.0, "the shop and the counter overspent the voucher"
        assert at_counter or held, "both were refused: one of them should have had the credit"
        assert voucher.hold_ids.sale_order_id <= cart and cart.state == "draft"  # 400 < the cart: held, not paid
        if at_counter:
            assert -at_counter.amount == 300.0
            assert voucher.balance == 100.0
        if pin:
            used = env["welfare.voucher.pin"].sudo().search([("voucher_id", "=", voucher.id), ("used_at", "!=", False)])
            assert len(used) == (1 if at_counter else 0), "the PIN is used exactly when the counter redeemed"
    if applied.headers["Location"].endswith("/shop/payment"):
        follow(shop, applied)


def provider_einvoice(env, settlement):
    """The provider's e-invoice for what the statement asks it to invoice (the shop sales
    of the other scenarios), as SdI brings it in: one line per VAT treatment, at the
    purchase tax of the same rate and Natura, quoting the settlement's number."""
    lines = settlement.line_ids.filtered(lambda l: l.kind != "third_party")
    if not lines:
        return env["account.move"]
    commands = []
    for taxes, group in lines.grouped(lambda l: l.tax_ids).items():
        purchase = env["account.tax"]
        for tax in taxes:
            purchase |= env["account.tax"].search(
                [
                    ("company_id", "=", settlement.company_id.id),
                    ("type_tax_use", "=", "purchase"),
                    ("amount_type", "=", tax.amount_type),
                    ("amount", "=", tax.amount),
                    ("l10n_it_exempt_reason", "=", tax.l10n_it_exempt_reason),
                    ("price_include", "=", False),
                ],
                limit=1,
            )
        commands.append(
            Command.create(
                {
                    "name": f"Vendite welfare ({TEST_MARK})",
                    "quantity": 1,
                    "price_unit": sum(group.mapped("amount_untaxed")),
                    "tax_ids": [Command.set(purchase.ids)],
                }
            )
        )
    return env["account.move"].create(
        {
            "move_type": "in_invoice",
            "partner_id": lines.provider_id.id,
            "company_id": settlement.company_id.id,
            "invoice_date": settlement.date_to,
            "invoice_origin": settlement.name,
            "ref": f"FT-{settlement.name}",
            "invoice_line_ids": commands,
        }
    )


def test_c_two_settlements_of_the_same_period(registry, server, world):
    """Two accountants settle the same period at once: each use is settled and paid
    once, by one settlement."""
    with db_env(registry) as env:
        voucher = world.issue(env, 300.0)
        Voucher = env["welfare.voucher"]
        provider = env["res.partner"].browse(world.provider_id)
        category = env["welfare.service.category"].browse(world.category_id)
        for amount, what in ((100.0, "Retta"), (50.0, "Mensa")):
            Voucher._redeem_at_provider(voucher.code, provider, category, amount, description=f"{what} ({TEST_MARK})")
        code = voucher.code
        candidates = env["welfare.voucher.move"].search(
            [
                ("company_id", "=", world.company_id),
                ("move_type", "in", ("redeem", "refund")),
                ("provider_id", "=", world.provider_id),
                ("settlement_id", "=", False),
            ]
        )
        assert len(candidates) >= 2
        date_from, date_to = min(candidates.mapped("date")), max(candidates.mapped("date"))
        # The same period, only what is left to settle in it.
        in_period = env["welfare.voucher.move"].search(
            [
                ("company_id", "=", world.company_id),
                ("move_type", "in", ("redeem", "refund")),
                ("provider_id", "=", world.provider_id),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
            ]
        )
        already_settled = in_period - candidates
    accountants = [Client(server, "rete.operatore"), Client(server, "rete.manager")]
    values = {
        "date_from": str(date_from),
        "date_to": str(date_to),
        "provider_ids": [Command.set([world.provider_id])],
        "company_id": world.company_id,
    }

    def compute(client):
        settlement_id, error = client.call("welfare.settlement", "create", values)
        assert error is None, f"creating a settlement: {error}"
        _done, compute_error = client.call("welfare.settlement", "action_compute", [settlement_id])
        return settlement_id, compute_error

    outcomes = fire(*[lambda c=c: compute(c) for c in accountants])
    for _settlement_id, compute_error in outcomes:
        assert compute_error is None or compute_error[0] in CLEAN_REFUSALS, f"not a clean refusal: {compute_error}"
    computed = [outcome for outcome in outcomes if outcome[1] is None]
    assert len(computed) == 1, f"exactly one settlement computes the period: {outcomes}"
    winner_id = computed[0][0]
    # The provider's e-invoice arrives for the shop sales of the period, if any.
    with db_env(registry) as env:
        provider_einvoice(env, env["welfare.settlement"].browse(winner_id))
    # Both accountants confirm their settlement at once: only the computed one can be.
    confirms = fire(
        *[
            lambda c=c, o=o: c.call("welfare.settlement", "action_confirm", [o[0]])[1]
            for c, o in zip(accountants, outcomes, strict=True)
        ]
    )
    for (settlement_id, _compute_error), confirm_error in zip(outcomes, confirms, strict=True):
        if settlement_id == winner_id:
            assert confirm_error is None, f"the computed settlement could not be confirmed: {confirm_error}"
        else:
            assert confirm_error and confirm_error[0] in CLEAN_REFUSALS, f"not a clean refusal: {confirm_error}"
    with db_env(registry) as env:
        assert_money_sound(env.cr)
        settlements = env["welfare.settlement"].browse([outcome[0] for outcome in outcomes])
        winner = settlements.browse(winner_id)
        loser = settlements - winner
        candidates = candidates.with_env(env)
        assert candidates.settlement_id == winner, "every use of the period is settled, by the one settlement"
        assert winner.state == "confirmed" and loser.state == "draft"
        assert not loser.move_ids and not loser.line_ids and not loser.payment_order_ids
        assert all(bill.state == "posted" for bill in winner.bill_ids)
        assert all(invoice.state == "posted" for invoice in winner.commission_invoice_ids)
        # The uses in person (grant credit: multi-purpose vouchers) are paid on one
        # payment order, for their full value; the uses themselves are in the annex.
        in_person = candidates.filtered(lambda m: not m.transaction_id and not m.sale_order_line_id)
        redeemed = -sum(in_person.mapped("amount"))
        payable = winner._payable_lines()
        assert winner.currency_id.compare_amounts(-sum(payable.mapped("balance")), redeemed) == 0
        assert not (already_settled.with_env(env).settlement_id & settlements), "a use settled twice"
        # Across every confirmed settlement: the test's two uses, settled once each.
        settled = env["welfare.voucher.move"].search(
            [
                ("voucher_id.code", "=", code),
                ("move_type", "=", "redeem"),
                ("settlement_id.state", "in", ("confirmed", "paid")),
            ]
        )
        assert len(settled) == 2 and settled.settlement_id == winner


def test_d_expiry_job_during_a_checkout(registry, server, world):
    """The expiry job runs while the checkout applies credit held on a voucher that has
    just expired: the expired voucher pays nothing and lapses once, the valid one is
    held at most for what it has."""
    with db_env(registry) as env:
        cart = world.cart(env)
        expiring = world.issue(env, 200.0, date_start=world.today - timedelta(days=10), date_end=world.today)
        valid = world.issue(env, 300.0)
        # Yesterday Mario applied his credit: both vouchers are held on the cart...
        cart._welfare_apply_credit(confirm=False)
        assert cart.sudo().welfare_hold_ids.voucher_id == expiring | valid
        # ...then the night came: the first voucher is past its end date (SQL: the ledger
        # and the holds are untouched, only the calendar moved), the nightly job is due.
        env.cr.execute(
            "UPDATE welfare_voucher SET date_end = %s WHERE id = %s", [world.today - timedelta(days=2), expiring.id]
        )
        env.invalidate_all()
        token = cart._portal_ensure_token()
        cron = env.ref("welfare_voucher.ir_cron_welfare_voucher_expiry")
    shop = Client(server, "mario.rossi")
    csrf = shop.open_cart(cart.id, token)
    admin = Client(server, "admin", "admin")

    applied, (_done, cron_error) = fire(
        lambda: shop.post("/shop/welfare/apply", {"csrf_token": csrf}),
        lambda: admin.call("ir.cron", "method_direct_trigger", [cron.id]),
    )

    assert_clean_redirect(applied, "/shop/welfare/apply")
    assert cron_error is None, f"the expiry job failed: {cron_error}"
    with db_env(registry) as env:
        assert_money_sound(env.cr)
        expiring, valid = expiring.with_env(env), valid.with_env(env)
        skipped = expiring.state == "active"  # locked by the checkout: taken at the next run
    if skipped:
        _done, cron_error = admin.call("ir.cron", "method_direct_trigger", [cron.id])
        assert cron_error is None, f"the expiry job failed: {cron_error}"
    with db_env(registry) as env:
        assert_money_sound(env.cr)
        expiring, valid = expiring.with_env(env), valid.with_env(env)
        cart = cart.with_env(env)
        # The expired voucher paid nothing, holds nothing and lapsed once, with all it had.
        assert not expiring.hold_ids
        assert not expiring.move_ids.filtered(lambda m: m.move_type == "redeem")
        lapses = expiring.move_ids.filtered(lambda m: m.move_type == "lapse")
        assert expiring.state == "expired" and expiring.balance == 0
        assert len(lapses) == 1 and lapses.amount == -200.0
        # The valid voucher is held on the cart at most for what it has, nothing is spent.
        assert valid.balance == 300.0 and sum(valid.hold_ids.mapped("amount")) <= 300.0
        assert cart.state == "draft" and cart.sudo().welfare_hold_ids.voucher_id <= valid
    if applied.headers["Location"].endswith("/shop/payment"):
        follow(shop, applied)
