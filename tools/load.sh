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

cleanup() { [ -n "${KEEP_DB:-}" ] || dropdb --if-exists "$DB" 2>/dev/null || true; }
trap cleanup EXIT
dropdb --if-exists "$DB" 2>/dev/null || true

if [ -n "${WELFARE_LOAD_TEMPLATE:-}" ]; then
    log "Copying $WELFARE_LOAD_TEMPLATE to $DB"
    createdb -T "$WELFARE_LOAD_TEMPLATE" "$DB"
else
    log "Installing the suite with demo data on $DB (a few minutes)"
    install_suite "$DB" --no-http --log-level warn
fi

log "Load test on $DB (loopback only)"
ODOO_SRC="$ODOO_SRC" "$VENV/bin/python" "$PROJECT_DIR/tools/load.py" "${ARGS[@]}" -d "$DB" --log-level error "$@"
