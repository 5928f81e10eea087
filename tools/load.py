"""Loopback load test of the worker's path with welfare credit (issue 11).

Usage: PYTHONPATH=$ODOO_SRC python tools/load.py [--users 20] [--seconds 90] [--workers 4]
       [--compare] <odoo options> -d <database>
(`make load` runs it on a throw-away copy of a fresh install: see tools/load.sh).

On the database it creates (and commits) ``--users`` workers of the demo's first member,
each with their own login and a voucher of a regional grant of its own, then starts
``odoo-bin --workers W`` on 127.0.0.1 and, for ``--seconds``, lets every worker in its own
thread browse and pay as a phone would: the shop, the nursery's page, add it to the
cart, the cart, the payment page with the welfare panel, apply the credit, remove it,
"Il mio welfare". Loopback only, bounded in time; nothing leaves the machine.

It prints, per page and action, the number of requests, errors, p50, p95 and max in
seconds, then checks the money in the database: every ledger adds up to its voucher's
balance, no balance below zero, no more credit held than a voucher has, nothing spent
(the carts are never confirmed: credit is put on and taken off again). The created
workers keep their carts and vouchers: run it on a throw-away database.
Times are wall-clock on a shared machine: compare them within one run.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import requests

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.tools import config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import fiscalcode  # the same valid, unique codici fiscali

PASSWORD = "load-welfare"
MARK = "tools/load.py"
ACTIONS = ("shop", "listing", "add to cart", "cart", "payment page", "apply credit", "remove credit", "my welfare")


def setup(registry, users, amount):
    """Workers with logins and credit, committed: ``[(login, product_id)]``."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        listing = env.ref("welfare_catalog.listing_retta_nido_girotondo")
        employer = env.ref("welfare_network.worker_mario_rossi").welfare_employer_id
        groups = [env.ref("base.group_portal").id, env.ref("welfare_network.group_welfare_portal_worker").id]
        run = int(time.time()) % 100000
        partners = env["res.partner"].create(
            [
                {
                    "name": f"Load worker {run}-{index}",
                    "email": f"load{run}-{index}@example.invalid",
                    "is_welfare_worker": True,
                    "welfare_employer_id": employer.id,
                    "fiscalcode": fiscalcode(500000 + run * 100 + index),
                    "lang": "it_IT",
                }
                for index in range(users)
            ]
        )
        env["res.users"].with_context(no_reset_password=True).create(
            [
                {
                    "login": f"load{run}-{index}",
                    "password": PASSWORD,
                    "partner_id": partner.id,
                    "groups_id": [Command.set(groups)],
                }
                for index, partner in enumerate(partners)
            ]
        )
        today = date.today()
        fund = env["welfare.fund"].create(
            {
                "name": f"Load fund ({MARK}, {run})",
                "fund_type": "regional_grant",
                "call_reference": MARK,
                "funder_id": env.ref("welfare_voucher.funder_regione_lombardia").id,
                # The campaign first selects every worker of the member: room for all of them.
                "budget": amount * (users + len(employer.welfare_employee_ids)),
                "date_start": today - timedelta(days=1),
                "date_end": today + timedelta(days=60),
                "category_ids": [Command.set(listing.welfare_category_id.ids)],
            }
        )
        fund.action_open()
        campaign = env["welfare.campaign"].create(
            {
                "name": f"Load campaign ({MARK}, {run})",
                "fund_id": fund.id,
                "employer_ids": [Command.set(employer.ids)],
                "amount_fixed": amount,
                "send_email": False,
                "date_start": today - timedelta(days=1),
                "date_end": today + timedelta(days=30),
            }
        )
        campaign.action_prepare()
        campaign.line_ids.filtered(lambda line: line.worker_id not in partners).sudo().unlink()
        campaign._issue_batch(limit=users)
        if len(campaign.line_ids.voucher_id) != users:
            raise RuntimeError("not every load worker received a voucher")
        cr.commit()
        return [(f"load{run}-{index}", listing.product_variant_id.id) for index in range(users)], listing.id


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workers):
    """``odoo-bin --workers W`` on loopback, on the same database: (process, base URL, log)."""
    db = config["db_name"]
    http_port, gevent_port = free_port(), free_port()
    odoo_bin = os.path.join(os.environ.get("ODOO_SRC") or str(Path(odoo.__file__).resolve().parent.parent), "odoo-bin")
    cmd = [sys.executable, odoo_bin]
    if config.rcfile and os.path.exists(config.rcfile):
        cmd += ["-c", config.rcfile]
    cmd += [
        "--addons-path", config["addons_path"], "-d", db, "--db-filter", f"^{db}$", "--no-database-list",
        "--workers", str(workers), "--max-cron-threads", "0", "--limit-time-real", "600",
        "--http-interface", "127.0.0.1", "--http-port", str(http_port), "--gevent-port", str(gevent_port),
        "--log-level", "warn",
    ]  # fmt: skip
    for option, key in (("--db_host", "db_host"), ("--db_port", "db_port"), ("-r", "db_user"), ("-w", "db_password")):
        if config.get(key):
            cmd += [option, str(config[key])]
    log = tempfile.NamedTemporaryFile(prefix="welfare-load-", suffix=".log", delete=False)
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {proc.returncode}), see {log.name}")
        try:
            if requests.get(f"{base}/web/login", timeout=30).status_code == 200:
                return proc, base, log.name
        except requests.RequestException:
            pass
        time.sleep(1)
    proc.kill()
    raise RuntimeError(f"the server did not answer in time, see {log.name}")


class Worker(threading.Thread):
    """One phone: a session of one worker, looping over the path until the deadline."""

    def __init__(self, base, login, product_id, listing_url, deadline, timings, errors, credit=True):
        super().__init__(daemon=True)
        self.base, self.login, self.product_id, self.listing_url = base, login, product_id, listing_url
        self.deadline, self.timings, self.errors = deadline, timings, errors
        self.credit = credit  # False: the same shop pages without the welfare steps
        self.http = requests.Session()
        self.http.headers["User-Agent"] = "Mozilla/5.0 (Linux; Android 14; Pixel 8) welfare-load"

    def timed(self, action, method, path, expect_ok=True, **kwargs):
        started = time.monotonic()
        try:
            response = self.http.request(method, self.base + path, timeout=120, **kwargs)
            ok = response.status_code < 400 and (not expect_ok or "o_welfare_error" not in response.text)
        except requests.RequestException:
            response, ok = None, False
        self.timings[action].append(time.monotonic() - started)
        if not ok:
            self.errors[action] += 1
        return response

    def csrf(self, response):
        match = response is not None and re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        return match.group(1) if match else ""

    def run(self):
        login = self.http.post(
            self.base + "/web/session/authenticate",
            json={"jsonrpc": "2.0", "params": {"db": config["db_name"], "login": self.login, "password": PASSWORD}},
            timeout=120,
        )
        if not login.json().get("result", {}).get("uid"):
            self.errors["login"] += 1
            return
        while time.monotonic() < self.deadline:
            self.timed("shop", "GET", "/shop")
            self.timed("listing", "GET", self.listing_url)
            self.timed(
                "add to cart",
                "POST",
                "/shop/cart/update_json",
                json={"jsonrpc": "2.0", "params": {"product_id": self.product_id, "set_qty": 1}},
            )
            self.timed("cart", "GET", "/shop/cart")
            page = self.timed("payment page", "GET", "/shop/payment")
            if not self.credit:
                continue
            token = self.csrf(page)
            # Applying the credit answers with the payment page itself (the phone shows
            # it, never asks for it again); taking the credit off is done from it.
            page = self.timed("apply credit", "POST", "/shop/welfare/apply", data={"csrf_token": token})
            self.timed("remove credit", "POST", "/shop/welfare/remove", data={"csrf_token": self.csrf(page)})
            self.timed("my welfare", "GET", "/my/welfare")


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def money_checks(cr):
    """(what, offending rows) for each invariant of the vouchers."""
    queries = {
        "ledger = balance": """SELECT v.id FROM welfare_voucher v
                                 LEFT JOIN welfare_voucher_move m ON m.voucher_id = v.id
                                GROUP BY v.id HAVING v.balance <> COALESCE(SUM(m.amount), 0)""",
        "no negative balance": "SELECT id FROM welfare_voucher WHERE balance < 0",
        "held <= balance": """SELECT v.id FROM welfare_voucher v JOIN welfare_voucher_hold h ON h.voucher_id = v.id
                               GROUP BY v.id, v.balance HAVING SUM(h.amount) > v.balance""",
    }
    results = []
    for what, query in queries.items():
        cr.execute(query)
        results.append((what, len(cr.fetchall())))
    return results


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("--users", type=int, default=20, help="concurrent workers (default 20)")
    parser.add_argument("--seconds", type=int, default=90, help="how long they browse (default 90)")
    parser.add_argument("--workers", type=int, default=4, help="Odoo worker processes (default 4)")
    parser.add_argument("--credit", type=float, default=200.0, help="each worker's voucher (default 200)")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="first the same load on the shop path without the welfare steps (shop, listing, add to cart, cart, "
        "payment page), then the welfare path: two tables from one run",
    )
    args, odoo_args = parser.parse_known_args(argv)
    config.parse_config(odoo_args)
    odoo.netsvc.init_logger()
    if not config["db_name"]:
        parser.error("give the database with -d DB")
    odoo.service.server.load_server_wide_modules()
    registry = odoo.modules.registry.Registry(config["db_name"])
    logins, listing_id = setup(registry, args.users, args.credit)
    listing_url = f"/shop/{listing_id}"
    proc, base, log_name = start_server(args.workers)
    try:
        # Every worker process loads the registry before the clock starts.
        for _round in range(args.workers * 2):
            requests.get(f"{base}/shop", timeout=300)
        runs = []
        for credit in (False, True) if args.compare else (True,):
            timings = {action: [] for action in ACTIONS}
            errors = dict.fromkeys((*ACTIONS, "login"), 0)
            deadline = time.monotonic() + args.seconds
            threads = [
                Worker(base, login, product, listing_url, deadline, timings, errors, credit=credit)
                for login, product in logins
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=args.seconds + 300)
            runs.append((credit, timings, errors))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
    with open(log_name, errors="replace") as log:
        tracebacks = sum("Traceback" in line for line in log)
    os.unlink(log_name)
    failed = 0
    for credit, timings, errors in runs:
        total = sum(len(values) for values in timings.values())
        failed += sum(errors.values())
        path = "the welfare path" if credit else "the same shop path without the welfare steps"
        print(
            f"\nLoad on {config['db_name']}, {path}: {args.users} workers, {args.seconds} s, --workers "
            f"{args.workers}, {date.today()}; {total} requests, {sum(errors.values())} errors"
        )
        print(f"{'page or action':<16} {'requests':>9} {'errors':>7} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
        every = [value for values in timings.values() for value in values]
        for action, values in (*((a, v) for a, v in timings.items() if v), ("all", every)):
            wrong = sum(errors.values()) if action == "all" else errors.get(action, 0)
            print(
                f"{action:<16} {len(values):>9} {wrong:>7} "
                f"{percentile(values, 0.5):>7.2f} {percentile(values, 0.95):>7.2f} {max(values, default=0):>7.2f}"
            )
    print(f"\n{tracebacks} tracebacks in the server log")
    with registry.cursor() as cr:
        checks = money_checks(cr)
        cr.execute(
            """SELECT COUNT(*) FROM payment_transaction t
                 JOIN payment_provider p ON p.id = t.provider_id
                 JOIN res_users u ON u.partner_id = t.partner_id
                WHERE p.code = 'welfare' AND u.password IS NOT NULL AND u.login = ANY(%s)""",
            [[login for login, _product in logins]],
        )
        print(f"credit held on a cart {cr.fetchone()[0]} times (one welfare transaction each)")
    for what, offending in checks:
        print(f"money: {what}: {'ok' if not offending else f'{offending} vouchers wrong'}")
    return 0 if not tracebacks and not failed and not any(o for _w, o in checks) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
