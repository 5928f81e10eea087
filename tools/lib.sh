#!/usr/bin/env bash
# Shared helpers for `make run` and `make test`: locate Odoo, build the
# virtualenv, make sure PostgreSQL runs with the project's dedicated role.
# Odoo itself is a prerequisite and never part of this repository.
set -euo pipefail

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_SRC="${ODOO_SRC:-/opt/odoo18}"
PYTHON="${PYTHON:-python3}"
WELFARE_CACHE="${WELFARE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/welfare}"
PGHOST="${PGHOST:-localhost}"
PGPORT="${PGPORT:-5432}"
WELFARE_DB_USER="${WELFARE_DB_USER:-welfare}"
WELFARE_DB_PASSWORD="${WELFARE_DB_PASSWORD:-welfare}"
ADDONS="welfare_network,welfare_catalog,welfare_voucher"
# Odoo's demo payment provider (pays the rest of a cart in the demo and the tours)
# and the Italian chart of accounts (the welfare accounts are set up on it too).
EXTRA_ADDONS="payment_demo,l10n_it"
export PGHOST PGPORT

log() { printf '\033[1m[welfare]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[welfare] %s\033[0m\n' "$*" >&2; exit 1; }

as_postgres() {
    if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else sudo -u postgres sh -c "$*"; fi
}
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

check_odoo() {
    if [ ! -f "$ODOO_SRC/odoo-bin" ] || [ ! -f "$ODOO_SRC/odoo/release.py" ]; then
        die "Odoo 18.0 source not found at ODOO_SRC=$ODOO_SRC.
  Get Odoo 18.0 Community (git clone -b 18.0 --depth 1 https://github.com/odoo/odoo \"$ODOO_SRC\")
  or set ODOO_SRC to the folder that holds odoo-bin; or use docker compose (see README)."
    fi
    grep -q "version_info = (18, 0" "$ODOO_SRC/odoo/release.py" \
        || die "ODOO_SRC=$ODOO_SRC is not Odoo 18.0."
}

# The virtualenv lives outside the repository and is keyed by the content of
# every requirements file, so a fresh clone reuses it and a change rebuilds it.
ensure_venv() {
    local key
    key=$(cat "$ODOO_SRC/requirements.txt" "$PROJECT_DIR/requirements.txt" \
              "$PROJECT_DIR/requirements-test.txt" "$PROJECT_DIR/constraints.txt" \
          | sha256sum | cut -c1-12)
    VENV="${WELFARE_VENV:-$WELFARE_CACHE/venv-$key}"
    if [ ! -f "$VENV/.complete" ]; then
        log "Creating virtualenv $VENV (Odoo's requirements and ours)"
        for lib in ldap.h sasl/sasl.h; do
            [ -f "/usr/include/$lib" ] || die "Missing system headers /usr/include/$lib: apt-get install libldap2-dev libsasl2-dev libpq-dev"
        done
        command -v pg_config >/dev/null || die "Missing pg_config: apt-get install libpq-dev"
        rm -rf "$VENV"
        "$PYTHON" -m venv "$VENV"
        # setuptools<81 must reach the isolated build environments of the
        # requirements that build from source (cbor2, python-ldap...): pip < 26
        # passes PIP_CONSTRAINT to them, pip >= 25.3 takes --build-constraint
        # (and pip 26 only that).
        local constraints="$PROJECT_DIR/constraints.txt"
        export PIP_CONSTRAINT="$constraints"
        "$VENV/bin/pip" install -q --upgrade "${WELFARE_PIP:-pip}" "setuptools<81" wheel
        local build_constraint=()
        if "$VENV/bin/pip" install --help | grep -q -- '--build-constraint'; then
            build_constraint=(--build-constraint "$constraints")
        fi
        log "Installing requirements with $("$VENV/bin/pip" --version | cut -d' ' -f1,2)"
        "$VENV/bin/pip" install -q "${build_constraint[@]}" \
            -r "$ODOO_SRC/requirements.txt" -r "$PROJECT_DIR/requirements-test.txt"
        unset PIP_CONSTRAINT
        touch "$VENV/.complete"
    fi
    export PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}"
    ODOO_BIN=("$VENV/bin/python" "$ODOO_SRC/odoo-bin")
}

ensure_postgres() {
    if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
        command -v pg_ctlcluster >/dev/null || die "PostgreSQL is not installed: apt-get install postgresql"
        local cluster
        cluster=$(pg_lsclusters -h | awk -v p="$PGPORT" '$3 == p {print $1" "$2; exit}')
        [ -n "$cluster" ] || die "No PostgreSQL cluster on port $PGPORT (pg_lsclusters)."
        log "Starting PostgreSQL cluster $cluster"
        as_root pg_ctlcluster $cluster start
        for _ in $(seq 30); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done
        pg_isready -q -h "$PGHOST" -p "$PGPORT" || die "PostgreSQL did not start."
    fi
    if ! PGPASSWORD="$WELFARE_DB_PASSWORD" psql -U "$WELFARE_DB_USER" -d postgres -tAc 'select 1' >/dev/null 2>&1; then
        log "Creating PostgreSQL role $WELFARE_DB_USER (CREATEDB)"
        as_postgres "psql -h /var/run/postgresql -p $PGPORT -v ON_ERROR_STOP=1 -qc \"DO \\\$\\\$BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$WELFARE_DB_USER') THEN
              CREATE ROLE \\\"$WELFARE_DB_USER\\\" LOGIN CREATEDB PASSWORD '$WELFARE_DB_PASSWORD';
            ELSE ALTER ROLE \\\"$WELFARE_DB_USER\\\" LOGIN CREATEDB PASSWORD '$WELFARE_DB_PASSWORD';
            END IF; END\\\$\\\$;\""
    fi
    export PGUSER="$WELFARE_DB_USER" PGPASSWORD="$WELFARE_DB_PASSWORD"
}

db_exists() {
    [ "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

odoo_args() {
    printf '%s\n' -c "$PROJECT_DIR/config/odoo.conf" \
        --addons-path "$ODOO_SRC/addons,$PROJECT_DIR/addons" \
        --db_host "$PGHOST" --db_port "$PGPORT" \
        -r "$WELFARE_DB_USER" -w "$WELFARE_DB_PASSWORD"
}

# A database's files, in Odoo's default data directory (config/odoo.conf sets none).
ODOO_FILESTORE="$HOME/.local/share/Odoo/filestore"

# Databases dropped, with their files, when the calling script exits, unless KEEP_DB is set.
THROWAWAY_DBS=()
drop_db() {
    dropdb --if-exists "$1" 2>/dev/null || true
    rm -rf "${ODOO_FILESTORE:?}/$1"
}
drop_throwaway_dbs() {
    [ -z "${KEEP_DB:-}" ] || return 0
    local db
    for db in "${THROWAWAY_DBS[@]}"; do drop_db "$db"; done
}
throwaway_db() {
    THROWAWAY_DBS+=("$1")
    trap drop_throwaway_dbs EXIT
    drop_db "$1"
}

# Database $1 copied as $2 with its files, as Odoo's own duplicate does (without them
# every page would rebuild its assets).
copy_db() {
    createdb -T "$1" "$2"
    if [ -d "$ODOO_FILESTORE/$1" ]; then
        mkdir -p "$ODOO_FILESTORE"
        cp -a "$ODOO_FILESTORE/$1" "$ODOO_FILESTORE/$2"
    fi
}

# The suite's database, in three steps, so that nothing is ever created in another
# currency or on another chart:
#   1. welfare_network, Italian loaded: its demo data make the main company the
#      network's Italian lead organisation (Italy, EUR) before `product` and
#      `account` exist (the default pricelist is created in the company currency);
#   2. l10n_it: `account` installs the Italian chart on that company at the end of
#      the step, never Odoo's generic one;
#   3. the other addons, on a company that has its chart (demo vouchers post entries).
#   [WELFARE_EXTRA_MODULES=a,b] install_suite DB [odoo options for the last step...]
# A throw-away database for a measurement: a copy of $2 (a template database) when set,
# else a fresh install of the suite with demo data (and WELFARE_EXTRA_MODULES).
throwaway_suite_db() {
    local db=$1 template=$2
    throwaway_db "$db"
    if [ -n "$template" ]; then
        log "Copying $template to $db"
        copy_db "$template" "$db"
    else
        log "Installing the suite with demo data on $db (a few minutes)"
        install_suite "$db" --no-http --log-level warn
    fi
}

install_suite() {
    local db=$1
    shift
    local args
    mapfile -t args < <(odoo_args)
    log "Creating $db: welfare_network (the lead organisation, Italy, EUR), Italian loaded"
    "${ODOO_BIN[@]}" "${args[@]}" -d "$db" -i welfare_network --load-language it_IT \
        --stop-after-init --no-http --log-level warn || return
    log "The Italian chart of accounts (l10n_it) on $db"
    "${ODOO_BIN[@]}" "${args[@]}" -d "$db" -i l10n_it --stop-after-init --no-http --log-level warn || return
    # Only modules not installed yet: -i on an installed module loads its data (and demo) again.
    local rest="welfare_catalog,welfare_voucher,payment_demo${WELFARE_EXTRA_MODULES:+,$WELFARE_EXTRA_MODULES}"
    log "Installing $rest on $db"
    "${ODOO_BIN[@]}" "${args[@]}" -d "$db" -i "$rest" --stop-after-init "$@"
}
