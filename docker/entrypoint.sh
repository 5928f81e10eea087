#!/bin/bash
# Entry point of the welfare image, in place of the odoo image's /entrypoint.sh
# (same HOST, PORT, USER, PASSWORD variables):
#  1. writes the runtime config $ODOO_RC (/etc/odoo/odoo.conf, mode 600) from the
#     tracked template plus the database settings and secrets of the environment;
#  2. for the server, waits for PostgreSQL and initialises the database once;
#  3. execs the command (the Odoo server by default).
# Secrets never reach the command line of a process.
set -euo pipefail

TEMPLATE="${WELFARE_CONFIG_TEMPLATE:-/etc/odoo/welfare.conf.template}"
export ODOO_RC="${ODOO_RC:-/etc/odoo/odoo.conf}"
DB="${WELFARE_DB:-welfare}"
DB_HOST="${HOST:-db}"
DB_PORT="${PORT:-5432}"
DB_USER="${USER:-odoo}"

log() { printf '[welfare] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# secret NAME [optional]: $NAME, or the content of the file named by $NAME_FILE.
secret() {
    local name="$1" file_var="$1_FILE"
    if [ -n "${!file_var:-}" ]; then
        [ -r "${!file_var}" ] || die "$file_var: cannot read ${!file_var}"
        printf -v "$name" '%s' "$(<"${!file_var}")"
    fi
    if [ -z "${!name:-}" ]; then
        [ "${2:-}" = optional ] || die "$name is not set (cp .env.example .env and fill it in)"
        printf -v "$name" '%s' ""
    fi
    case "${!name}" in *$'\n'* | *$'\r'*) die "$name must be a single line" ;; esac
}

render_config() {
    [ -r "$TEMPLATE" ] || die "config template $TEMPLATE not found"
    local tmp
    tmp="$(mktemp "$ODOO_RC.XXXXXX")"  # mode 600
    {
        echo "; Written at start by $0 from $TEMPLATE: edit the template."
        echo "[options]"
        printf '%s = %s\n' \
            db_host "$DB_HOST" db_port "$DB_PORT" db_user "$DB_USER" db_password "$PASSWORD" \
            db_name "$DB" dbfilter "^$DB\$" admin_passwd "$ODOO_MASTER_PASSWORD"
        # The template holds one [options] section and none of the keys above.
        grep -vE '^[[:space:]]*(\[options\]|(db_host|db_port|db_user|db_password|db_name|dbfilter|admin_passwd)[[:space:]]*[=:])' \
            "$TEMPLATE" || true
    } >"$tmp"
    mv -f "$tmp" "$ODOO_RC"
}

# psql as Odoo's role; the password goes through the environment.
psql_odoo() {
    PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER" PGPASSWORD="$PASSWORD" PGCONNECT_TIMEOUT=5 \
        psql -X -q -t -A -v ON_ERROR_STOP=1 "$@"
}

wait_for_postgres() {
    local deadline=$((SECONDS + ${WELFARE_DB_WAIT:-120})) error
    until error="$(psql_odoo -d postgres -c 'SELECT 1' 2>&1 >/dev/null)"; do
        [ "$SECONDS" -lt "$deadline" ] || die "PostgreSQL $DB_USER@$DB_HOST:$DB_PORT: $error"
        sleep 2
    done
}

# The database exists and holds Odoo's tables.
db_has_odoo() {
    [ "$(psql_odoo -d postgres -v db="$DB" <<<"SELECT 1 FROM pg_database WHERE datname = :'db'")" = 1 ] \
        && [ "$(psql_odoo -d "$DB" -c "SELECT to_regclass('public.ir_module_module') IS NOT NULL")" = t ]
}

installed_modules() {
    if db_has_odoo; then
        psql_odoo -d "$DB" -c "SELECT name FROM ir_module_module WHERE state IN ('installed', 'to upgrade')"
    fi
}

# Initialised: welfare_voucher, installed last, is installed.
db_initialised() {
    grep -qx welfare_voucher <<<"$(installed_modules)"
}

# A one-off Odoo run next to no server: threaded, no HTTP, no cron.
odoo_once() {
    odoo "$@" --workers=0 --max-cron-threads=0 --no-http
}

# install MODULES [options]: installs those of the comma-separated MODULES not
# installed yet (`-i` on an installed module loads its data and demo data again),
# so that an interrupted initialisation resumes.
install() {
    local wanted missing=() module installed
    IFS=, read -ra wanted <<<"$1"
    shift
    installed="$(installed_modules)"
    for module in "${wanted[@]}"; do
        grep -qx "$module" <<<"$installed" || missing+=("$module")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        log "    already installed"
        return
    fi
    odoo_once -d "$DB" -i "$(IFS=,; echo "${missing[*]}")" "$@" --stop-after-init
}

initialise() {
    local demo=(--without-demo=all) suite="welfare_catalog,welfare_voucher" what="without demo data"
    if [ "$WELFARE_DEMO" = 1 ]; then
        demo=()
        suite+=",payment_demo"
        what="with demo data"
    elif [ -z "$WELFARE_ADMIN_PASSWORD" ]; then
        die "WELFARE_ADMIN_PASSWORD is not set: a database without demo data needs a password for its admin login"
    fi
    log "Initialising database $DB $what (a few minutes)"
    # In steps, as tools/lib.sh does for `make run`: the main company is Italian
    # and in EUR before l10n_it brings `account` and `product` (the chart follows
    # the company's country), and the chart exists before the vouchers come.
    log "1/5 welfare_network, Italian loaded"
    install welfare_network "${demo[@]}" --load-language it_IT
    log "2/5 main company in Italy, in EUR; admin password"
    # welfare_network's demo data already sets the company; without demo only this does.
    WELFARE_ADMIN_PASSWORD="$WELFARE_ADMIN_PASSWORD" odoo_once shell -d "$DB" <<'PY'
import os
env.ref("base.main_company").write({
    "country_id": env.ref("base.it").id,
    "currency_id": env.ref("base.EUR").id,
})
if os.environ["WELFARE_ADMIN_PASSWORD"]:
    env.ref("base.user_admin").password = os.environ["WELFARE_ADMIN_PASSWORD"]
env.cr.commit()
PY
    log "3/5 l10n_it, the Italian chart of accounts"
    install l10n_it "${demo[@]}"
    log "4/5 $suite"
    install "$suite" "${demo[@]}"
    log "5/5 Italian for users, contacts and websites"
    # As tools/set_italian.py does for `make run`.
    odoo_once shell -d "$DB" <<'PY'
env = env(context=dict(env.context, active_test=False))
italian = env.ref("base.lang_it")
env["res.users"].search([]).write({"lang": "it_IT"})
env["res.partner"].search([("lang", "!=", "it_IT")]).write({"lang": "it_IT"})
env["ir.default"].set("res.partner", "lang", "it_IT")
if "website" in env:
    for website in env["website"].search([]):
        website.write({"language_ids": [(4, italian.id)], "default_lang_id": italian.id})
env.cr.commit()
PY
    log "Database $DB initialised"
}

# `odoo`, `odoo --options`, `--options`: the server (not `odoo shell` and the like).
is_server() {
    case "$1" in
        odoo | --) [ $# -eq 1 ] || [[ "$2" == -* ]] ;;
        -*) true ;;
        *) false ;;
    esac
}

[ $# -gt 0 ] || set -- odoo
[[ "$DB" =~ ^[A-Za-z0-9_-]+$ ]] || die "WELFARE_DB=$DB: use letters, digits, _ and - only"
case "${WELFARE_DEMO:-0}" in
    1 | true | yes) WELFARE_DEMO=1 ;;
    *) WELFARE_DEMO=0 ;;
esac
secret PASSWORD
secret ODOO_MASTER_PASSWORD
secret WELFARE_ADMIN_PASSWORD optional
# Odoo's password policy (auth_password_policy) asks for 8 characters by default.
[ -z "$WELFARE_ADMIN_PASSWORD" ] || [ "${#WELFARE_ADMIN_PASSWORD}" -ge 8 ] \
    || die "WELFARE_ADMIN_PASSWORD: use at least 8 characters"
render_config

if is_server "$@"; then
    wait_for_postgres
    if db_initialised; then
        [ "$WELFARE_DEMO" = 0 ] || log "Database $DB exists: WELFARE_DEMO only applies to its initialisation"
    else
        initialise
    fi
fi

case "$1" in
    odoo | --) shift; exec odoo "$@" ;;
    -*) exec odoo "$@" ;;
    *) exec "$@" ;;
esac
