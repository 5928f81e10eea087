#!/usr/bin/env bash
# `make run`: the welfare network with demo data on http://localhost:8069.
# Creates the database `welfare` once (Italian loaded, the three addons with
# their demo data installed); later runs reuse it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB="${WELFARE_DB:-welfare}"

check_odoo
ensure_venv
ensure_postgres
mapfile -t ARGS < <(odoo_args)

if ! db_exists "$DB"; then
    log "Creating database $DB with demo data and Italian (about 3 minutes)"
    # A database half installed would be reused next time: drop it if a step fails.
    install_suite "$DB" --no-http --log-level warn || { drop_db "$DB"; die "Installing $DB failed."; }
    # Italian for every user, contact and website.
    "$VENV/bin/python" "$PROJECT_DIR/tools/set_italian.py" "${ARGS[@]}" -d "$DB" --log-level warn
else
    log "Reusing database $DB (drop it with: dropdb -h $PGHOST -U $WELFARE_DB_USER $DB)"
fi

cat <<EOT

  Welfare network on http://localhost:8069  (database $DB)
  Demo logins (login / password):
    network manager   rete.manager    / welfare
    network back office  rete.operatore / welfare
    HR referent (Coop. Cantiere)  hr.cantiere  / welfare
    worker            mario.rossi     / welfare
    provider          nido.girotondo  / welfare
    producer          cascina.sebina  / welfare
    administrator     admin           / admin

EOT
exec "${ODOO_BIN[@]}" "${ARGS[@]}" -d "$DB" --db-filter "^$DB\$" --http-interface 0.0.0.0 "$@"
