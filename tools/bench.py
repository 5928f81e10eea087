"""Benchmark of the suite's money paths against Odoo's own eWallet and the database floor (issue 11).

Usage: PYTHONPATH=$ODOO_SRC python tools/bench.py [-n 1000[,10000]] [--mail-n M] [--redeem-n R]
       [--settle-n S] [--stock-db DB] [--only ROWS] <odoo options> -d <database>
(`make bench` runs it on a throw-away copy of a fresh install: see tools/bench.sh).

On one database, in one run (one transaction per N), for each N it prints a side-by-side
table of seconds and SQL queries (counted like ``assertQueryCount``, with
``odoo.sql_db.sql_counter``):

- issuing N vouchers with this suite (campaign batches: vouchers, ledger, books),
  Odoo's eWallet generation (``loyalty.generate.wizard`` on an ``ewallet`` program)
  and the database floor (a bulk ``INSERT`` of N vouchers and N ledger lines);
- issuing M vouchers with the issue e-mail queued;
- the settlement (compute + confirm) of S and of 10·S uses at a provider (S = N by
  default). The uses are not made by redemptions (10,000 would take ten minutes): one
  real in-person redemption is copied in SQL onto the issued vouchers, k uses each,
  and the vouchers' stored balances are lowered to match their ledgers; the copies
  have no journal entry of their own, which the settlement never reads;
- R in-person redemptions at a provider, the expiry job over the N vouchers.

Once per run (with the first N), the pages and the checkout, beside Odoo's own:

- one checkout: a worker's cart with one eligible listing paid with welfare credit and
  confirmed (``_welfare_apply_credit``, as test_query_budgets does), against a cart
  paid with an eWallet card (``_update_programs_and_rewards``, ``_apply_program_reward``
  with the card, then ``action_confirm`` with the confirmation e-mail, as the shop
  confirms an order its eWallet paid entirely); each after a first one that warms the
  caches, from an empty record cache;
- the worker's page "Il mio welfare" (/my/welfare) with 1 and with 50 vouchers;
- /shop with 20 and 100 products per page, as a visitor, against stock website_sale:
  our welfare additions (routes, filters, badges) are Python overrides and inherited
  views with no switch to turn them off, so stock is measured on a second throw-away
  database with only website_sale installed (``--stock-db``, created by tools/bench.sh
  in the same run), with as many published products created in each database first.

Pages are requested in this process through Odoo's WSGI application (``odoo.http.root``)
with a werkzeug test client, the registry in test mode as Odoo's HttpCase puts it: each
request gets a TestCursor on the bench's own transaction, so it sees the bench's
uncommitted data, and its queries go through the same counter as every other row. There
is no server thread or socket between the count and the request: the count is the whole
request (session, routing, layout, the page) and nothing else. Each page is requested
twice before the measured request.

Everything happens inside one transaction per database and per N, rolled back at the
end (nothing is committed: a ``commit`` asked by a job or a request is skipped or turned
into a savepoint), so the databases are left as they were. The redemptions run last: they
take savepoints, and past PostgreSQL's cache of 64 subtransactions every later query of
the same transaction slows down. Times are wall-clock on a shared
machine: compare them within one run (ratios), queries across runs. Never use this for a
timed assertion in a test. Requires the ``loyalty`` module for the eWallet column
(tools/bench.sh installs it).
"""

import argparse
import math
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from stdnum.it import codicefiscale
from werkzeug.test import Client

import odoo
import odoo.http
from odoo import SUPERUSER_ID, Command, api, sql_db
from odoo.service import security
from odoo.tools import SQL, config

MONTHS = "ABCDEHLMPRST"
LETTERS = "BCDFGHJKLMNPQRSTVWXZ"


def fiscalcode(index):
    """A valid, unique codice fiscale per index (consonant codes nobody has in the demo)."""
    code3 = "".join(LETTERS[(index // 20**k) % 20] for k in range(3))
    born = date(1970, 1, 1) + timedelta(days=index % 9000)
    base = f"{code3}QXW{born.year % 100:02d}{MONTHS[born.month - 1]}{born.day:02d}Z{index // 8000 % 1000:03d}"
    return base + codicefiscale.calc_check_digit(base)


def check(condition, message):
    if not condition:
        raise RuntimeError(message)


class Meter:
    """Seconds and SQL queries of a block, pending writes and precommit hooks included."""

    def __init__(self, env):
        self.env = env

    def __enter__(self):
        # What the set-up left pending (precommit hooks, writes) is the set-up's, not the
        # block's: done before counting, as assertQueryCount does.
        self.env.cr.precommit.run()
        self.env.flush_all()
        self.checkpoints = self._checkpoints()
        self.queries = sql_db.sql_counter
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.env.cr.precommit.run()  # what a commit would still write (tracking, mail...)
            self.env.flush_all()
        self.seconds = time.perf_counter() - self.start
        self.queries = sql_db.sql_counter - self.queries
        # A checkpoint of PostgreSQL (max_wal_size reached, by this block or the rows
        # before it) writes the shared buffers out and makes the next writes log whole
        # pages: the row's time then includes it. Marked in the table, not hidden.
        # Not read after a failed block: its transaction may be aborted, and the block's
        # own error is what the table reports.
        self.checkpointed = exc[0] is None and self._checkpoints() != self.checkpoints
        return False

    def _checkpoints(self):
        """The cluster's checkpoints so far (statistics are read fresh, not the
        transaction's snapshot of them); not counted as the block's queries."""
        cr = self.env.cr
        before = sql_db.sql_counter
        cr.execute("SELECT pg_stat_clear_snapshot()")
        if cr._cnx.server_version >= 170000:
            cr.execute("SELECT num_timed + num_requested FROM pg_stat_checkpointer")
        else:
            cr.execute("SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter")
        (count,) = cr.fetchone()
        sql_db.sql_counter = before
        return count


class Http:
    """A visitor (``user`` None) or a user requesting pages of ``env``'s database in this
    process, through Odoo's WSGI application, on ``env``'s transaction (see the module
    docstring). Use ``with http.serving():`` around the requests."""

    BASE_URL = "http://localhost:8069"

    def __init__(self, env, user=None):
        self.env = env
        store = odoo.http.root.session_store
        session = store.new()
        session.update(odoo.http.get_default_session(), db=env.cr.dbname)
        session.context["lang"] = env["res.lang"]._get_code(env.company.partner_id.lang) or "en_US"
        if user:
            # As HttpCase.authenticate does, without checking a password.
            user_env = api.Environment(env.cr, user.id, {})
            session.uid = user.id
            session.login = user.login
            session.session_token = security.compute_session_token(session, user_env)
            session.context = dict(user_env["res.users"].context_get())
        store.save(session)
        self.session = session
        self.client = Client(odoo.http.root, use_cookies=False)

    @contextmanager
    def serving(self):
        """Requests served on this transaction: what is pending is written first, and
        what the requests wrote is read again afterwards."""
        self.env.flush_all()
        self.env.registry.enter_test_mode(self.env.cr)
        try:
            yield self
        finally:
            self.env.registry.leave_test_mode()
            self.env.invalidate_all()

    def get(self, url):
        response = self.client.get(url, base_url=self.BASE_URL, headers={"Cookie": f"session_id={self.session.sid}"})
        text = response.get_data(as_text=True)
        check(response.status_code == 200, f"{url}: HTTP {response.status_code}")
        return text

    def close(self):
        odoo.http.root.session_store.delete(self.session)


class Bench:
    def __init__(self, env, n, mail_n, redeem_n, settle_n, only, stock_env=None):
        self.env = env
        self.n = n
        self.mail_n = mail_n
        self.redeem_n = redeem_n
        self.settle_n = settle_n
        self.only = only
        self.stock_env = stock_env  # a database with only website_sale (the stock shop)
        self.today = date.today()
        self.amount = 100.0
        self.rows = []  # (work, {column: result or message})

    # ------------------------------------------------------------------
    def run(self, name, column, function):
        """Run one measured step in a savepoint of its own. A step whose data must not
        stay raises Rollback with its measure; a failure is reported in the table and
        the other rows go on."""
        if self.only and name.split()[0].lower().strip(",:") not in self.only:
            return None
        try:
            with self.env.cr.savepoint():
                result = function()
        except Rollback as rollback:
            result = rollback.result
        except Exception as e:  # reported in the table, the other rows go on
            result = f"error: {type(e).__name__}: {str(e).splitlines()[0][:80]}"
        for row_name, columns in self.rows:
            if row_name == name:
                columns[column] = result
                break
        else:
            self.rows.append((name, {column: result}))
        print(f"  {name} [{column}]: {self._cell(result)}", file=sys.stderr, flush=True)
        return result

    @staticmethod
    def _cell(result):
        if result is None:
            return "—"
        if isinstance(result, str):
            return result
        meter, items = result
        per = f", {meter.queries / items:.1f}/item" if items else ""
        seconds = f"{meter.seconds:.3f}" if meter.seconds < 1 else f"{meter.seconds:,.2f}"
        mark = " ¹" if getattr(meter, "checkpointed", False) else ""
        return f"{seconds} s{mark}, {meter.queries:,} q{per}"

    # ------------------------------------------------------------------
    def setup(self):
        env = self.env
        started = time.perf_counter()
        Partner = env["res.partner"].with_context(tracking_disable=True, mail_create_nolog=True)
        self.employer = Partner.create(
            {"name": "Bench Employer", "is_company": True, "welfare_member_type": "social_coop"}
        )
        self.funder = Partner.create({"name": "Bench Funder", "is_company": True})
        workers = []
        for start in range(0, self.n, 1000):
            workers.append(
                Partner.create(
                    [
                        {
                            "name": f"Bench Worker {i:05d}",
                            "is_welfare_worker": True,
                            "fiscalcode": fiscalcode(i),
                            "welfare_employer_id": self.employer.id,
                            "email": f"bench.worker.{i}@example.com",
                        }
                        for i in range(start, min(start + 1000, self.n))
                    ]
                )
            )
        self.workers = env["res.partner"].concat(*workers)
        # A provider with an active convention and a category every worker may use.
        self.provider = self.category = None
        for convention in env["welfare.convention"].search([("company_id", "=", env.company.id)], order="id"):
            if not convention._is_valid_on(self.today):
                continue
            for category in convention.service_category_ids:
                if category.eligibility == "any":
                    self.provider, self.category = convention.partner_id, category
                    break
            if self.provider:
                break
        if not self.provider:
            raise RuntimeError("No active convention with a category open to every worker (demo data?)")
        if not self.category._welfare_taxes(env.company):
            # Listings are published with their category's VAT (a database older than the demo's VAT).
            self.category.tax_ids = env.company.account_sale_tax_id
        self.fund = env["welfare.fund"].create(
            {
                "name": "Bench fund",
                "fund_type": "regional_grant",
                "call_reference": "Bench call",
                "funder_id": self.funder.id,
                "budget": self.amount * (self.n + self.mail_n) * 2,
                "max_per_worker": self.amount * 3,
                "date_start": self.today - timedelta(days=30),
                "date_end": self.today + timedelta(days=365),
                "category_ids": [Command.set(self.category.ids)],
            }
        )
        self.fund.action_open()
        env.flush_all()
        print(
            f"  setup: {self.n:,} workers, fund, provider {self.provider.name} / {self.category.name} "
            f"({time.perf_counter() - started:.1f} s, not measured)",
            file=sys.stderr,
            flush=True,
        )

    def warm_up(self):
        """Each path once on a few workers, rolled back: the measures leave out what a
        process does once (registry caches, templates, field triggers), as a running
        server has done it already."""
        env = self.env
        try:
            with env.cr.savepoint():
                few = self.workers[:3]
                campaign = self.campaign("Bench warm-up", few, send_email=True)
                campaign._issue_batch()
                vouchers = campaign.line_ids.voucher_id
                if "loyalty.generate.wizard" in env:
                    program = (
                        env["loyalty.program"]
                        .with_context(default_program_type="ewallet")
                        .create({"name": "Bench warm-up", "program_type": "ewallet"})
                    )
                    env["loyalty.generate.wizard"].create(
                        {"program_id": program.id, "mode": "selected", "customer_ids": [Command.set(few.ids)]}
                    ).generate_coupons()
                for voucher in vouchers:
                    env["welfare.voucher"]._redeem_at_provider(voucher.code, self.provider, self.category, 1.0)
                env.flush_all()
                raise Rollback(None)
        except Rollback:
            pass

    def campaign(self, name, workers, send_email, amount=None):
        amount = amount or self.amount
        campaign = self.env["welfare.campaign"].create(
            {
                "name": name,
                "fund_id": self.fund.id,
                "employer_ids": [Command.set(self.employer.ids)],
                "amount_fixed": amount,
                "send_email": send_email,
                "date_start": self.today,
                "date_end": self.today + timedelta(days=180),
            }
        )
        campaign._welfare_action_write(
            {
                "line_ids": [Command.create({"worker_id": w.id, "amount": amount}) for w in workers],
                "state": "ready",
            }
        )
        campaign.action_issue()
        self.env.flush_all()
        return campaign

    # ------------------------------------------------------------------
    def floor(self):
        """A bulk INSERT of N vouchers and N ledger lines, rolled back."""
        env, cr = self.env, self.env.cr
        worker_ids = self.workers.ids
        with Meter(env) as meter:
            cr.execute(
                SQL(
                    """INSERT INTO welfare_voucher (code, worker_id, employer_id, fund_id, company_id, currency_id,
                                                    value, balance, state, date_start, date_end, reminder_sent,
                                                    create_uid, write_uid, create_date, write_date)
                       SELECT 'BENCH-' || w.id || '-' || md5(random()::text), w.id, %(employer)s, %(fund)s,
                              %(company)s, %(currency)s, %(amount)s, %(amount)s, 'active', %(start)s, %(end)s, false,
                              %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
                         FROM unnest(%(workers)s::int[]) AS w(id)
                    RETURNING id, worker_id""",
                    employer=self.employer.id,
                    fund=self.fund.id,
                    company=env.company.id,
                    currency=self.fund.currency_id.id,
                    amount=self.amount,
                    start=self.today,
                    end=self.today + timedelta(days=180),
                    uid=env.uid,
                    workers=worker_ids,
                )
            )
            rows = cr.fetchall()
            cr.execute(
                SQL(
                    """INSERT INTO welfare_voucher_move (voucher_id, move_type, amount, date, user_id, reason_code,
                                                         reason_params, fund_id, worker_id, employer_id, company_id,
                                                         currency_id, create_uid, write_uid, create_date, write_date)
                       SELECT v.id, 'issue', %(amount)s, %(today)s, %(uid)s, 'note', '{"note": "Bench"}'::jsonb,
                              %(fund)s, v.worker_id,
                              %(employer)s, %(company)s, %(currency)s, %(uid)s, %(uid)s,
                              now() at time zone 'UTC', now() at time zone 'UTC'
                         FROM unnest(%(ids)s::int[], %(workers)s::int[]) AS v(id, worker_id)""",
                    amount=self.amount,
                    today=self.today,
                    uid=env.uid,
                    fund=self.fund.id,
                    employer=self.employer.id,
                    company=env.company.id,
                    currency=self.fund.currency_id.id,
                    ids=[row[0] for row in rows],
                    workers=[row[1] for row in rows],
                )
            )
        check(len(rows) == self.n, f"{len(rows)} vouchers inserted")
        raise Rollback((meter, self.n))

    def ewallet(self):
        env = self.env
        if "loyalty.generate.wizard" not in env:
            return "n/a: module loyalty not installed"
        program = (
            env["loyalty.program"]
            .with_context(default_program_type="ewallet")
            .create({"name": "Bench eWallet", "program_type": "ewallet"})
        )
        with Meter(env) as meter:
            wizard = env["loyalty.generate.wizard"].create(
                {
                    "program_id": program.id,
                    "mode": "selected",
                    "customer_ids": [Command.set(self.workers.ids)],
                    "points_granted": self.amount,
                    "valid_until": self.today + timedelta(days=180),
                }
            )
            wizard.generate_coupons()
        cards = env["loyalty.card"].search_count([("program_id", "=", program.id)])
        check(cards == self.n, f"{cards} eWallet cards")
        return meter, self.n

    def issue(self):
        campaign = self.campaign("Bench campaign", self.workers, send_email=False)
        with Meter(self.env) as meter:
            for _batch in range(self.n + 2):  # what the cron does, batch after batch
                if campaign.state != "issuing":
                    break
                campaign._issue_batch()
        issued = campaign.line_ids.filtered(lambda l: l.state == "issued")
        errors = set(campaign.line_ids.mapped("error_message")) - {False}
        check(len(issued) == self.n, f"{len(issued)} of {self.n} issued: {errors}")
        self.vouchers = issued.voucher_id
        return meter, self.n

    def issue_with_mail(self):
        workers = self.workers[: self.mail_n]
        campaign = self.campaign("Bench campaign with e-mail", workers, send_email=True)
        mails = self.env["mail.mail"].search_count([])
        with Meter(self.env) as meter:
            for _batch in range(self.mail_n + 2):
                if campaign.state != "issuing":
                    break
                campaign._issue_batch()
        issued = campaign.line_ids.filtered(lambda l: l.state == "issued")
        check(len(issued) == len(workers), f"{len(issued)} of {len(workers)} issued")
        queued = self.env["mail.mail"].search_count([]) - mails
        check(queued >= len(workers), f"{queued} e-mails queued")
        raise Rollback((meter, len(workers)))

    def redeem(self):
        Voucher = self.env["welfare.voucher"]
        vouchers = self.vouchers[: self.redeem_n]
        codes = vouchers.mapped("code")
        with Meter(self.env) as meter:
            for code in codes:
                Voucher._redeem_at_provider(code, self.provider, self.category, self.amount / 4)
        self.redeemed = len(codes)
        return meter, len(codes)

    def settle(self, count):
        """The settlement (compute + confirm) of ``count`` uses at the bench provider, on
        the issued vouchers: one real redemption, copied in SQL (set-up, not measured)."""
        env, cr = self.env, self.env.cr
        vouchers = self.vouchers
        per_voucher = math.ceil(count / len(vouchers))
        amount = 1.0
        check(per_voucher * amount < self.amount, f"{count} uses do not fit on {len(vouchers)} vouchers")
        first = env["welfare.voucher"]._redeem_at_provider(vouchers[0].code, self.provider, self.category, amount)
        env.flush_all()
        # Every column of the real use, but the voucher's own (voucher, worker, fund...)
        # and the journal entry; then each voucher's stored balance follows its ledger.
        own = {"voucher_id", "fund_id", "worker_id", "employer_id", "company_id", "worker_ambit_id"}
        cr.execute(
            SQL(
                """SELECT column_name FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = 'welfare_voucher_move'
                      AND column_name NOT IN ('id', 'account_move_id', 'service_voucher_number')"""
            )
        )
        copied = [name for (name,) in cr.fetchall() if name not in own]
        targets = [v.id for v in vouchers for _k in range(per_voucher)][: count - 1]
        cr.execute(
            SQL(
                """INSERT INTO welfare_voucher_move (voucher_id, fund_id, worker_id, employer_id, company_id,
                                                     worker_ambit_id, %(columns)s)
                   SELECT v.id, v.fund_id, v.worker_id, v.employer_id, v.company_id, w.welfare_ambit_id,
                          %(copied)s
                     FROM unnest(%(targets)s::int[]) AS target(id)
                     JOIN welfare_voucher v ON v.id = target.id
                     JOIN res_partner w ON w.id = v.worker_id
                     JOIN welfare_voucher_move first ON first.id = %(first)s""",
                columns=SQL(", ").join(SQL.identifier(name) for name in copied),
                copied=SQL(", ").join(SQL.identifier("first", name) for name in copied),
                targets=targets,
                first=first.id,
            )
        )
        cr.execute(
            SQL(
                """UPDATE welfare_voucher v SET balance = v.balance - uses.total
                     FROM (SELECT voucher_id, -SUM(amount) AS total FROM welfare_voucher_move
                            WHERE id > %(first)s AND voucher_id = ANY(%(ids)s) GROUP BY voucher_id) AS uses
                    WHERE v.id = uses.voucher_id""",
                first=first.id,
                ids=vouchers.ids,
            )
        )
        env.invalidate_all()
        settlement = env["welfare.settlement"].create(
            {
                "date_from": self.today,
                "date_to": self.today,
                "provider_ids": [Command.set(self.provider.ids)],
            }
        )
        with Meter(env) as meter:
            settlement.action_compute()
            settlement.action_confirm()
        uses = len(settlement.move_ids)
        check(uses >= count, f"{uses} uses settled of {count}")
        raise Rollback((meter, uses))

    # ------------------------------------------------------------------
    # the checkout and the pages, beside Odoo's own
    # ------------------------------------------------------------------
    def portal_worker(self, index):
        """A worker of the bench employer with a portal login (not one of the N)."""
        env = self.env
        partner = (
            env["res.partner"]
            .with_context(tracking_disable=True, mail_create_nolog=True)
            .create(
                {
                    "name": f"Bench Portal Worker {index}",
                    "is_welfare_worker": True,
                    "fiscalcode": fiscalcode(10**6 + index),
                    "welfare_employer_id": self.employer.id,
                    "email": f"bench.portal.{index}@example.com",
                }
            )
        )
        groups = [env.ref("base.group_portal").id, env.ref("welfare_network.group_welfare_portal_worker").id]
        return (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create({"login": f"bench.portal.{index}", "partner_id": partner.id, "groups_id": [Command.set(groups)]})
        )

    def listings(self, count, price=40.0):
        """``count`` listings of the bench provider in the bench category, submitted and
        published by the back office (set-up, not measured)."""
        env = self.env
        reviewer = env["res.users"].search(
            [("groups_id", "in", env.ref("welfare_network.group_welfare_backoffice").id), ("share", "=", False)],
            limit=1,
        )
        listings = env["product.template"].create(
            [
                {
                    "name": f"Bench service {i:03d}",
                    "list_price": price,
                    "type": "service",
                    "welfare_provider_id": self.provider.id,
                    "welfare_category_id": self.category.id,
                }
                for i in range(count)
            ]
        )
        listings.action_welfare_submit()
        listings.with_user(reviewer).action_welfare_publish()
        return listings

    def checkout_suite(self):
        env = self.env
        user = self.portal_worker(1)
        listing = self.listings(1)
        pricelist = env["product.pricelist"].create(
            {"name": "Bench", "currency_id": env.company.currency_id.id, "sequence": 1}
        )
        self.issue_to(user.partner_id, 2, self.amount)

        def cart():
            return env["sale.order"].create(
                {
                    "partner_id": user.partner_id.id,
                    "pricelist_id": pricelist.id,
                    "order_line": [Command.create({"product_id": listing.product_variant_id.id})],
                }
            )

        def pay(order):
            # The shop hands the cart over as website.sale_get_order does: sudo, the worker as user.
            return order.with_user(user).sudo()._welfare_apply_credit()

        pay(cart())  # warm-up
        order = cart()
        env.flush_all()
        env.invalidate_all()
        with Meter(env) as meter:
            tx = pay(order)
        check(order.state == "sale" and tx.state == "done", f"order {order.state}, payment {tx.state}")
        raise Rollback((meter, 1))

    def checkout_ewallet(self):
        env = self.env
        if "loyalty.program" not in env or "reward_id" not in env["sale.order.line"]._fields:
            return "n/a: module sale_loyalty not installed"
        listing = self.listings(1)
        pricelist = env["product.pricelist"].create(
            {"name": "Bench", "currency_id": env.company.currency_id.id, "sequence": 1}
        )
        customer = env["res.partner"].create({"name": "Bench eWallet customer", "email": "ewallet@example.com"})
        # As sale_loyalty's tests make one: credit topped up by a product, spent as a discount.
        topup = env.ref("loyalty.ewallet_product_50", raise_if_not_found=False) or env["product.product"].create(
            {"name": "Bench eWallet top-up", "list_price": 50.0}
        )
        program = env["loyalty.program"].create(
            {
                "name": "Bench eWallet checkout",
                "program_type": "ewallet",
                "trigger": "auto",
                "applies_on": "future",
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount_mode": "per_point",
                            "discount": 1,
                            "discount_applicability": "order",
                        }
                    )
                ],
                "rule_ids": [
                    Command.create({"reward_point_mode": "money", "reward_point_amount": 1, "product_ids": topup.ids})
                ],
                "trigger_product_ids": topup.ids,
            }
        )

        def cart():
            card = env["loyalty.card"].create({"program_id": program.id, "partner_id": customer.id, "points": 1000})
            order = env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "pricelist_id": pricelist.id,
                    "order_line": [Command.create({"product_id": listing.product_variant_id.id})],
                }
            )
            return order, card

        def pay(order, card):
            order._update_programs_and_rewards()
            status = order._apply_program_reward(program.reward_ids[:1], card)
            check("error" not in status, f"eWallet reward: {status}")
            order.with_context(send_email=True).action_confirm()

        pay(*cart())  # warm-up
        order, card = cart()
        env.flush_all()
        env.invalidate_all()
        with Meter(env) as meter:
            pay(order, card)
        check(order.state == "sale", f"eWallet order {order.state}")
        check(order.currency_id.is_zero(order.amount_total), f"eWallet order left {order.amount_total} to pay")
        raise Rollback((meter, 1))

    def issue_to(self, worker, count, amount):
        """``count`` vouchers of ``amount`` to one worker, in one campaign (set-up)."""
        workers = self.env["res.partner"].browse([worker.id] * count)
        campaign = self.campaign(f"Bench vouchers for {worker.name}", workers, send_email=False, amount=amount)
        campaign._issue_batch()
        issued = campaign.line_ids.filtered(lambda l: l.state == "issued")
        check(len(issued) == count, f"{len(issued)} of {count} vouchers issued to {worker.name}")

    def worker_page(self, vouchers):
        """/my/welfare of a worker with ``vouchers`` vouchers (all their rows on the page)."""
        user = self.portal_worker(2)
        self.issue_to(user.partner_id, vouchers, 1.0)
        http = Http(self.env, user)
        try:
            with http.serving():
                for _warm_up in range(2):
                    http.get("/my/welfare")
                with Meter(self.env) as meter:
                    page = http.get("/my/welfare")
        finally:
            http.close()
        rows = page.count("o_welfare_voucher_row")
        check(rows == vouchers, f"{rows} voucher rows on the page, {vouchers} expected")
        raise Rollback((meter, 1))

    def shop(self, env, per_page, make_products):
        """/shop?ppg=``per_page`` as a visitor, after ``make_products`` published more
        products than a page holds."""
        make_products(per_page + 10)
        http = Http(env)
        url = f"/shop?ppg={per_page}"
        try:
            with http.serving():
                for _warm_up in range(2):
                    http.get(url)
                with Meter(env) as meter:
                    page = http.get(url)
        finally:
            http.close()
        shown = page.count("oe_product_cart")
        check(shown == per_page, f"{url}: {shown} products shown, {per_page} expected")
        return meter, 1

    def shop_suite(self, per_page):
        result = self.shop(self.env, per_page, self.listings)
        raise Rollback(result)

    def shop_stock(self, per_page):
        env = self.stock_env
        if env is None:
            return "n/a: give --stock-db (a database with only website_sale)"

        def products(count):
            env["product.template"].create(
                [
                    {"name": f"Bench product {i:03d}", "list_price": 40.0, "type": "consu", "is_published": True}
                    for i in range(count)
                ]
            )

        try:
            with env.cr.savepoint():
                result = self.shop(env, per_page, products)
                raise Rollback(result)
        except Rollback as rollback:
            return rollback.result

    def expire(self):
        env, cr = self.env, self.env.cr
        # The bench vouchers ended yesterday (written in SQL: set-up, not measured).
        cr.execute(
            SQL(
                "UPDATE welfare_voucher SET date_start = %s, date_end = %s WHERE id = ANY(%s)",
                self.today - timedelta(days=10),
                self.today - timedelta(days=1),
                self.vouchers.ids,
            )
        )
        env.invalidate_all()
        Voucher = env["welfare.voucher"]
        due = Voucher.search_count([("state", "=", "active"), ("date_end", "<", self.today)])
        with Meter(env) as meter:
            for _run in range(due + 2):
                if not Voucher.search_count([("state", "=", "active"), ("date_end", "<", self.today)], limit=1):
                    break
                Voucher._cron_lapse_and_remind()
                # The cron framework commits each batch and runs the next in a new
                # transaction: nothing of this batch stays in the next one's cache.
                env.flush_all()
                env.invalidate_all()
        left = Voucher.search_count([("id", "in", self.vouchers.ids), ("state", "=", "active")])
        check(not left, f"{left} vouchers not lapsed")
        raise Rollback((meter, due))


class Rollback(Exception):
    """Control flow: undo the data of a step, keep its measure."""

    def __init__(self, result):
        super().__init__("rolled back")
        self.result = result


def run_bench(env, n, args, stock_env=None, pages=True):
    limits = (args.mail_n, args.redeem_n, args.settle_n)
    bench = Bench(env, n, *(n if value is None else min(value, n) for value in limits), args.only, stock_env)
    bench.setup()
    bench.warm_up()
    issue = f"Issue {n:,} vouchers"
    bench.run(issue, "floor", bench.floor)
    bench.run(issue, "odoo", bench.ewallet)
    bench.run(issue, "suite", bench.issue)
    if bench.mail_n:
        bench.run(f"Issue {bench.mail_n:,} vouchers, issue e-mail queued", "suite", bench.issue_with_mail)
    if getattr(bench, "vouchers", None):
        for count in (bench.settle_n, 10 * bench.settle_n) if bench.settle_n else ():
            bench.run(f"Settle {count:,} uses (compute + confirm)", "suite", lambda count=count: bench.settle(count))
        bench.run(f"Expiry job over {n:,} vouchers", "suite", bench.expire)
    if pages:
        checkout = "Checkout of one eligible line, paid and confirmed"
        bench.run(checkout, "suite", bench.checkout_suite)
        bench.run(checkout, "odoo", bench.checkout_ewallet)
        for vouchers in (1, 50):
            bench.run(
                f"Worker page /my/welfare, {vouchers} voucher{'s' if vouchers > 1 else ''}",
                "suite",
                lambda vouchers=vouchers: bench.worker_page(vouchers),
            )
        for per_page in (20, 100):
            shop = f"Shop page /shop?ppg={per_page}, as a visitor"
            bench.run(shop, "suite", lambda per_page=per_page: bench.shop_suite(per_page))
            bench.run(shop, "odoo", lambda per_page=per_page: bench.shop_stock(per_page))
    # Last: a redemption takes savepoints, and past PostgreSQL's cache of 64 subtransactions
    # every later query of the same transaction slows down.
    if getattr(bench, "vouchers", None) and bench.redeem_n:
        bench.run(f"Redeem {bench.redeem_n:,} vouchers at a provider", "suite", bench.redeem)
    return bench


def print_table(benches, header):
    print()
    print(header)
    print()
    print(
        "| Work | This suite | Odoo's own (eWallet; stock website_sale) | Database floor "
        "| Suite / Odoo (queries) | Suite / floor (time) |"
    )
    print("|---|---|---|---|---|---|")
    for bench in benches:
        for name, columns in bench.rows:
            suite, odoo_own, floor = columns.get("suite"), columns.get("odoo"), columns.get("floor")
            ratio_q = ratio_t = "—"
            if isinstance(suite, tuple) and isinstance(odoo_own, tuple) and odoo_own[0].queries:
                ratio_q = f"{suite[0].queries / odoo_own[0].queries:.2f}×"
            if isinstance(suite, tuple) and isinstance(floor, tuple) and floor[0].seconds:
                ratio_t = f"{suite[0].seconds / floor[0].seconds:,.1f}×"
            print(
                f"| {name} | {Bench._cell(suite)} | {Bench._cell(odoo_own)} | {Bench._cell(floor)} "
                f"| {ratio_q} | {ratio_t} |"
            )
    scaling = []
    for bench in benches:
        settled = [
            columns["suite"][0]
            for name, columns in bench.rows
            if name.startswith("Settle") and isinstance(columns.get("suite"), tuple)
        ]
        if len(settled) == 2 and settled[0].seconds:
            scaling.append(
                f"settling {10 * bench.settle_n:,} uses takes {settled[1].seconds / settled[0].seconds:.1f}× "
                f"the time of {bench.settle_n:,} (target: at most 11×)"
            )
        pages = [
            columns["suite"][0].queries
            for name, columns in bench.rows
            if name.startswith("Worker page") and isinstance(columns.get("suite"), tuple)
        ]
        if len(pages) == 2:
            scaling.append(f"the worker's page costs {pages[0]} queries with 1 voucher, {pages[1]} with 50")
    if scaling:
        print()
        print("Scaling: " + "; ".join(scaling) + ".")
    if any(
        getattr(cell[0], "checkpointed", False)
        for bench in benches
        for _name, columns in bench.rows
        for cell in columns.values()
        if isinstance(cell, tuple)
    ):
        print()
        print(
            "¹ PostgreSQL made a checkpoint during this row (max_wal_size reached, or checkpoint_timeout): its "
            "time includes writing "
            "the shared buffers out and whole-page logging after it. Raise max_wal_size (docker-compose.yml: "
            "4GB) or compare rows without the mark."
        )
    print()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("-n", default="1000", help="N, or several separated by commas (default 1000)")
    parser.add_argument("--mail-n", type=int, default=None, help="vouchers issued with the e-mail (default N)")
    parser.add_argument("--redeem-n", type=int, default=None, help="in-person redemptions (default N)")
    parser.add_argument(
        "--settle-n", type=int, default=None, help="uses settled, S and 10·S (default N; 0: no settlement rows)"
    )
    parser.add_argument("--stock-db", default="", help="a database with only website_sale, for the stock /shop")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated first words of the rows to run (issue,settle,redeem,expiry,checkout,worker,shop)",
    )
    args, odoo_args = parser.parse_known_args(argv)
    args.only = {word.strip().lower() for word in args.only.split(",") if word.strip()}
    config.parse_config(odoo_args)
    odoo.netsvc.init_logger()
    dbname = config["db_name"]
    if not dbname:
        parser.error("give the database with -d DB")
    if args.stock_db:
        config["db_name"] = f"{dbname},{args.stock_db}"  # both served to the bench's requests
    odoo.service.server.load_server_wide_modules()
    project = Path(__file__).resolve().parent.parent
    revision = subprocess.run(
        ["git", "-C", str(project), "describe", "--always", "--dirty"], capture_output=True, text=True, check=False
    ).stdout.strip()
    benches = []
    commits = []
    cursors = []
    try:
        for name in filter(None, (dbname, args.stock_db)):
            cr = odoo.modules.registry.Registry(name).cursor()
            cr.commit = lambda: commits.append(1)  # never commit: everything is rolled back at the end
            cursors.append(cr)
        env = api.Environment(cursors[0], SUPERUSER_ID, {})
        stock_env = api.Environment(cursors[1], SUPERUSER_ID, {}) if args.stock_db else None
        # The settlement of 100,000 uses depends on them (see README, "Benchmark").
        cursors[0].execute("SELECT current_setting('shared_buffers'), current_setting('max_wal_size')")
        buffers, wal = cursors[0].fetchone()
        for index, n in enumerate(int(value) for value in args.n.split(",")):
            print(f"N = {n:,} on {dbname}", file=sys.stderr, flush=True)
            benches.append(run_bench(env, n, args, stock_env, pages=not index))
            # Each N from the same starting data, in a transaction of its own (see above).
            for cr in cursors:
                cr.rollback()
                cr.reset()
    finally:
        for cr in cursors:
            cr.rollback()
            cr.close()
    print_table(
        benches,
        f"Benchmark on {dbname}{f' (stock shop on {args.stock_db})' if args.stock_db else ''}, "
        f"code {revision or '?'}, {date.today()}, PostgreSQL shared_buffers {buffers}, max_wal_size {wal} "
        f"(one transaction per N, rolled back{f'; {len(commits)} commits asked by jobs, skipped' if commits else ''})",
    )


if __name__ == "__main__":
    main(sys.argv[1:])
