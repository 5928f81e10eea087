#!/usr/bin/env bash
# `make bench`: tools/bench.py on a throw-away database, then dropped.
# The database is a fresh install of the suite with demo data and Odoo's `loyalty`
# (the eWallet the suite is compared with); WELFARE_BENCH_TEMPLATE=DB copies an
# existing database instead (quicker: `loyalty` is installed on the copy if missing).
# Options go to the script, e.g. `make bench BENCH_ARGS="-n 1000,10000 --mail-n 100"`.
# On a database of your own: python tools/bench.py <odoo options> -d DB (it rolls
# everything back and commits nothing).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB="${WELFARE_BENCH_DB:-welfare_bench_$$}"

check_odoo
ensure_venv
ensure_postgres
mapfile -t ARGS < <(odoo_args)

WELFARE_EXTRA_MODULES=loyalty throwaway_suite_db "$DB" "${WELFARE_BENCH_TEMPLATE:-}"
if [ "$(psql -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name = 'loyalty'")" != installed ]; then
    log "Installing loyalty on $DB"
    "${ODOO_BIN[@]}" "${ARGS[@]}" -d "$DB" -i loyalty --stop-after-init --no-http --log-level warn
fi

log "Benchmark on $DB (one transaction, rolled back)"
"$VENV/bin/python" "$PROJECT_DIR/tools/bench.py" "${ARGS[@]}" -d "$DB" --log-level error "$@"
