"""Benchmark of the suite's money paths against Odoo's own eWallet and the database floor (issue 11).

Usage: PYTHONPATH=$ODOO_SRC python tools/bench.py [-n 1000[,10000]] [--mail-n M] [--redeem-n R] [--only ROWS]
       <odoo options> -d <database>
(`make bench` runs it on a throw-away copy of a fresh install: see tools/bench.sh).

On one database, in one run and one transaction, for each N it prints a side-by-side
table of seconds and SQL queries (counted like ``assertQueryCount``, with
``odoo.sql_db.sql_counter``):

- issuing N vouchers with this suite (campaign batches: vouchers, ledger, books),
  Odoo's eWallet generation (``loyalty.generate.wizard`` on an ``ewallet`` program)
  and the database floor (a bulk ``INSERT`` of N vouchers and N ledger lines);
- issuing M vouchers with the issue e-mail queued;
- R in-person redemptions at a provider, the settlement of those uses, the expiry
  job over the N vouchers.

Everything happens inside one transaction that is rolled back at the end (nothing is
committed: a ``commit`` asked by a job is skipped and counted), so the database is
left as it was. Times are wall-clock on a shared machine: compare them within one run
(ratios), queries across runs. Never use this for a timed assertion in a test.
Requires the ``loyalty`` module for the eWallet column (tools/bench.sh installs it).
"""

import argparse
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from stdnum.it import codicefiscale

import odoo
from odoo import SUPERUSER_ID, Command, api, sql_db
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
        self.env.flush_all()
        self.queries = sql_db.sql_counter
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.env.cr.precommit.run()  # what a commit would still write (tracking, mail...)
            self.env.flush_all()
        self.seconds = time.perf_counter() - self.start
        self.queries = sql_db.sql_counter - self.queries
        return False


class Bench:
    def __init__(self, env, n, mail_n, redeem_n, only):
        self.env = env
        self.n = n
        self.mail_n = mail_n
        self.redeem_n = redeem_n
        self.only = only
        self.today = date.today()
        self.amount = 100.0
        self.rows = []  # (work, {column: result or message})

    # ------------------------------------------------------------------
    def run(self, name, column, function):
        """Run one measured step in a savepoint of its own. A step whose data must not
        stay raises Rollback with its measure; a failure is reported in the table and
        the other rows go on."""
        if self.only and name.split()[0].lower() not in self.only:
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
        return f"{seconds} s, {meter.queries:,} q{per}"

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

    def campaign(self, name, workers, send_email):
        campaign = self.env["welfare.campaign"].create(
            {
                "name": name,
                "fund_id": self.fund.id,
                "employer_ids": [Command.set(self.employer.ids)],
                "amount_fixed": self.amount,
                "send_email": send_email,
                "date_start": self.today,
                "date_end": self.today + timedelta(days=180),
            }
        )
        campaign._welfare_action_write(
            {
                "line_ids": [Command.create({"worker_id": w.id, "amount": self.amount}) for w in workers],
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
                    """INSERT INTO welfare_voucher (code, worker_id, employer_id, fund_id, company_id, value,
                                                    balance, state, date_start, date_end, reminder_sent,
                                                    create_uid, write_uid, create_date, write_date)
                       SELECT 'BENCH-' || w.id || '-' || md5(random()::text), w.id, %(employer)s, %(fund)s,
                              %(company)s, %(amount)s, %(amount)s, 'active', %(start)s, %(end)s, false,
                              %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
                         FROM unnest(%(workers)s::int[]) AS w(id)
                    RETURNING id, worker_id""",
                    employer=self.employer.id,
                    fund=self.fund.id,
                    company=env.company.id,
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
                                                         create_uid, write_uid, create_date, write_date)
                       SELECT v.id, 'issue', %(amount)s, %(today)s, %(uid)s, 'note', '{"note": "Bench"}'::jsonb,
                              %(fund)s, v.worker_id,
                              %(employer)s, %(company)s, %(uid)s, %(uid)s,
                              now() at time zone 'UTC', now() at time zone 'UTC'
                         FROM unnest(%(ids)s::int[], %(workers)s::int[]) AS v(id, worker_id)""",
                    amount=self.amount,
                    today=self.today,
                    uid=env.uid,
                    fund=self.fund.id,
                    employer=self.employer.id,
                    company=env.company.id,
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

    def settle(self):
        settlement = self.env["welfare.settlement"].create(
            {
                "date_from": self.today,
                "date_to": self.today,
                "provider_ids": [Command.set(self.provider.ids)],
            }
        )
        with Meter(self.env) as meter:
            settlement.action_compute()
            settlement.action_confirm()
        uses = len(settlement.move_ids)
        check(uses >= self.redeemed, f"{uses} uses settled")
        raise Rollback((meter, uses))

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


def run_bench(env, n, args):
    bench = Bench(env, n, *(n if value is None else min(value, n) for value in (args.mail_n, args.redeem_n)), args.only)
    bench.setup()
    bench.warm_up()
    issue = f"Issue {n:,} vouchers"
    bench.run(issue, "floor", bench.floor)
    bench.run(issue, "ewallet", bench.ewallet)
    bench.run(issue, "suite", bench.issue)
    if bench.mail_n:
        bench.run(f"Issue {bench.mail_n:,} vouchers, issue e-mail queued", "suite", bench.issue_with_mail)
    if getattr(bench, "vouchers", None):
        if bench.redeem_n:
            bench.run(f"Redeem {bench.redeem_n:,} vouchers at a provider", "suite", bench.redeem)
            if getattr(bench, "redeemed", 0):
                bench.run(f"Settle {bench.redeemed:,} uses (compute + confirm)", "suite", bench.settle)
        bench.run(f"Expiry job over {n:,} vouchers", "suite", bench.expire)
    return bench


def print_table(benches, header):
    print()
    print(header)
    print()
    print("| Work | This suite | Odoo eWallet | Database floor | Suite / eWallet (queries) | Suite / floor (time) |")
    print("|---|---|---|---|---|---|")
    for bench in benches:
        for name, columns in bench.rows:
            suite, ewallet, floor = columns.get("suite"), columns.get("ewallet"), columns.get("floor")
            ratio_q = ratio_t = "—"
            if isinstance(suite, tuple) and isinstance(ewallet, tuple) and ewallet[0].queries:
                ratio_q = f"{suite[0].queries / ewallet[0].queries:.2f}×"
            if isinstance(suite, tuple) and isinstance(floor, tuple) and floor[0].seconds:
                ratio_t = f"{suite[0].seconds / floor[0].seconds:,.0f}×"
            print(
                f"| {name} | {Bench._cell(suite)} | {Bench._cell(ewallet)} | {Bench._cell(floor)} "
                f"| {ratio_q} | {ratio_t} |"
            )
    print()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("-n", default="1000", help="N, or several separated by commas (default 1000)")
    parser.add_argument("--mail-n", type=int, default=None, help="vouchers issued with the e-mail (default N)")
    parser.add_argument("--redeem-n", type=int, default=None, help="redemptions and uses settled (default N)")
    parser.add_argument(
        "--only", default="", help="comma-separated first words of the rows to run (issue,redeem,settle,expiry)"
    )
    args, odoo_args = parser.parse_known_args(argv)
    args.only = {word.strip().lower() for word in args.only.split(",") if word.strip()}
    config.parse_config(odoo_args)
    odoo.netsvc.init_logger()
    dbname = config["db_name"]
    if not dbname:
        parser.error("give the database with -d DB")
    odoo.service.server.load_server_wide_modules()
    registry = odoo.modules.registry.Registry(dbname)
    project = Path(__file__).resolve().parent.parent
    revision = subprocess.run(
        ["git", "-C", str(project), "describe", "--always", "--dirty"], capture_output=True, text=True, check=False
    ).stdout.strip()
    benches = []
    cr = registry.cursor()
    commits = []
    cr.commit = lambda: commits.append(1)  # never commit: everything is rolled back at the end
    try:
        env = api.Environment(cr, SUPERUSER_ID, {})
        for n in [int(value) for value in args.n.split(",")]:
            print(f"N = {n:,} on {dbname}", file=sys.stderr, flush=True)
            try:
                with cr.savepoint():  # each N on the same starting data
                    benches.append(run_bench(env, n, args))
                    raise Rollback(None)
            except Rollback:
                pass
    finally:
        cr.rollback()
        cr.close()
    print_table(
        benches,
        f"Benchmark on {dbname}, code {revision or '?'}, {date.today()} "
        f"(one transaction, rolled back{f'; {len(commits)} commits asked by jobs, skipped' if commits else ''})",
    )


if __name__ == "__main__":
    main(sys.argv[1:])
