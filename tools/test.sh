#!/usr/bin/env bash
# `make test`: every test on a fresh, throw-away database.
# 1. installs the three addons with Odoo's test runner (at_install and
#    post_install tests, tours in headless Chromium);
# 2. runs the top-level tests/ with pytest-odoo on that installed database.
# Exits non-zero when any test fails and prints a closing line with counts.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB="${WELFARE_TEST_DB:-welfare_test_$$}"
LOG="$(mktemp -t welfare-test.XXXXXX.log)"

check_odoo
ensure_venv
ensure_postgres
command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
    || die "Tours need Chromium: apt-get install chromium"
mapfile -t ARGS < <(odoo_args)

# The database and its files (Odoo keeps a filestore per database, about 70 MB here).
cleanup() { [ -n "${KEEP_DB:-}" ] || drop_db "$DB"; }
trap cleanup EXIT
drop_db "$DB"

log "1/2 Installing $ADDONS on $DB with --test-enable (log: $LOG)"
set +e
# welfare_network is installed in the first step of install_suite (before the
# chart of accounts); catalog and vouchers are tested while they install...
install_suite "$DB" --test-enable --test-tags "/welfare_catalog,/welfare_voucher" \
    --http-port "${WELFARE_TEST_PORT:-8169}" --log-level test 2>&1 | tee "$LOG"
install_rc=${PIPESTATUS[0]}
# ...and welfare_network's tests run on the installed database, beside the whole suite
# (without -i/-u, Odoo runs at_install and post_install tests of the tagged modules).
"${ODOO_BIN[@]}" "${ARGS[@]}" -d "$DB" --test-enable --test-tags /welfare_network --stop-after-init \
    --http-port "${WELFARE_TEST_PORT:-8169}" --log-level test 2>&1 | tee -a "$LOG"
network_rc=${PIPESTATUS[0]}
set -e
odoo_rc=$((install_rc > network_rc ? install_rc : network_rc))
# One summary line per Odoo run: add them up.
odoo_summary=$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$LOG" \
    | awk '{f+=$1; e+=$3; t+=$(NF-1)} END {if (NR == 2) printf "%d failed, %d error(s) of %d tests", f, e, t}' || true)
odoo_errors=$(grep -cE ' (ERROR|CRITICAL) ' "$LOG" || true)

log "2/2 Running top-level tests/ with pytest-odoo on $DB"
set +e
(cd "$PROJECT_DIR" && "$VENV/bin/python" -m pytest tests \
    --odoo-database "$DB" --odoo-config "$PROJECT_DIR/config/odoo.conf" \
    --odoo-addons-path "$ODOO_SRC/addons,$PROJECT_DIR/addons" \
    --odoo-extra "db_host=$PGHOST" --odoo-extra "db_port=$PGPORT" \
    --odoo-extra "db_user=$WELFARE_DB_USER" --odoo-extra "db_password=$WELFARE_DB_PASSWORD" \
    --odoo-log-level warn --odoo-http -p no:cacheprovider -q \
    -o addopts="" 2>&1 | tee -a "$LOG")
pytest_rc=${PIPESTATUS[0]}
set -e
pytest_summary=$(grep -E '^=* ?[0-9]+ (passed|failed|error).* in [0-9.]+s' "$LOG" | tail -1 | tr -d '=' | xargs || true)

echo
echo "Odoo tests:   ${odoo_summary:-no summary} (exit $odoo_rc, $odoo_errors ERROR lines in log)"
echo "pytest tests: ${pytest_summary:-no summary} (exit $pytest_rc)"
if [ "$odoo_rc" -ne 0 ] || [ "$odoo_errors" -ne 0 ] || [ -z "$odoo_summary" ] \
   || ! grep -qE '^0 failed, 0 error' <<<"$odoo_summary" || [ "$pytest_rc" -ne 0 ] \
   || [ -z "$pytest_summary" ]; then
    echo "RESULT: FAILED"
    exit 1
fi
echo "RESULT: OK"
