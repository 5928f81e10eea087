#!/usr/bin/env bash
# `make load`: tools/load.py on a throw-away database, then dropped.
# The database is a fresh install of the suite with demo data (a few minutes);
# WELFARE_LOAD_TEMPLATE=DB copies an existing database instead. Options go to the
# script, e.g. `make load LOAD_ARGS="--users 20 --seconds 90 --workers 4"`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB="${WELFARE_LOAD_DB:-welfare_load_$$}"

check_odoo
ensure_venv
ensure_postgres
mapfile -t ARGS < <(odoo_args)

throwaway_suite_db "$DB" "${WELFARE_LOAD_TEMPLATE:-}"

log "Load test on $DB (loopback only)"
ODOO_SRC="$ODOO_SRC" "$VENV/bin/python" "$PROJECT_DIR/tools/load.py" "${ARGS[@]}" -d "$DB" --log-level error "$@"
