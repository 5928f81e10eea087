#!/usr/bin/env bash
# `make bench`: tools/bench.py on a throw-away database, then dropped.
# The database is a fresh install of the suite with demo data and Odoo's `loyalty`
# (the eWallet the suite is compared with); WELFARE_BENCH_TEMPLATE=DB copies an
# existing database instead (quicker: `loyalty` is installed on the copy if missing).
# The stock shop is measured on a second throw-away database with only Odoo's
# website_sale and its demo data, on an Italian company with the Italian chart as the
# suite's (WELFARE_BENCH_STOCK_TEMPLATE=DB copies one instead).
# Options go to the script, e.g. `make bench BENCH_ARGS="-n 1000,10000 --mail-n 100"`.
# On a database of your own: python tools/bench.py <odoo options> -d DB (it rolls
# everything back and commits nothing).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB="${WELFARE_BENCH_DB:-welfare_bench_$$}"
STOCK_DB="${DB}_stock"

check_odoo
ensure_venv
ensure_postgres
mapfile -t ARGS < <(odoo_args)

WELFARE_EXTRA_MODULES=loyalty throwaway_suite_db "$DB" "${WELFARE_BENCH_TEMPLATE:-}"
if [ "$(psql -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name = 'loyalty'")" != installed ]; then
    log "Installing loyalty on $DB"
    "${ODOO_BIN[@]}" "${ARGS[@]}" -d "$DB" -i loyalty --stop-after-init --no-http --log-level warn
fi

throwaway_db "$STOCK_DB"
if [ -n "${WELFARE_BENCH_STOCK_TEMPLATE:-}" ]; then
    log "Copying $WELFARE_BENCH_STOCK_TEMPLATE to $STOCK_DB (the stock shop)"
    copy_db "$WELFARE_BENCH_STOCK_TEMPLATE" "$STOCK_DB"
else
    # On the suite's footing: an Italian company in euro with the Italian chart of
    # accounts (its taxes' tags are read when prices are computed), nothing of the suite.
    log "Installing website_sale alone on $STOCK_DB (the stock shop, Italian chart, about two minutes)"
    "${ODOO_BIN[@]}" "${ARGS[@]}" -d "$STOCK_DB" -i base --stop-after-init --no-http --log-level warn
    psql -d "$STOCK_DB" -v ON_ERROR_STOP=1 -qc "
        UPDATE res_currency SET active = true WHERE name = 'EUR';
        UPDATE res_company SET currency_id = (SELECT id FROM res_currency WHERE name = 'EUR') WHERE id = 1;
        UPDATE res_partner SET country_id = (SELECT id FROM res_country WHERE code = 'IT')
         WHERE id = (SELECT partner_id FROM res_company WHERE id = 1);"
    "${ODOO_BIN[@]}" "${ARGS[@]}" -d "$STOCK_DB" -i website_sale,l10n_it --stop-after-init --no-http --log-level warn
fi

log "Benchmark on $DB and $STOCK_DB (one transaction each, rolled back)"
"$VENV/bin/python" "$PROJECT_DIR/tools/bench.py" "${ARGS[@]}" -d "$DB" --stock-db "$STOCK_DB" --log-level error "$@"
