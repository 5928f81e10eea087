#!/usr/bin/env bash
# `make test-core`: Odoo's own tests of the apps our users work in, run twice on
# throw-away databases built the same way (Italian main company in EUR, l10n_it,
# payment_demo, demo data):
#   baseline: the Odoo apps alone;
#   suite:    the same apps with the three welfare addons installed.
# The tests run on the installed databases (no -i/-u), so each app's at_install
# tests meet the columns and rules our addons added, as in a live database.
# A failure in the suite run that the baseline also shows is Odoo's (or this
# machine's); any other is ours. Ends with `RESULT: OK` or `RESULT: FAILED`.
# Knobs: WELFARE_CORE_APPS (default below), WELFARE_CORE_TAGS, KEEP_DB=1.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
CORE_APPS="${WELFARE_CORE_APPS:-sale,website_sale,sale_loyalty,website_sale_loyalty}"
CORE_TAGS="${WELFARE_CORE_TAGS:-$(sed -E 's|([^,]+)|/\1|g' <<<"$CORE_APPS")}"
BASE_DB="welfare_core_base_$$"
SUITE_DB="welfare_core_suite_$$"
OUT="$(mktemp -d -t welfare-core.XXXXXX)"

check_odoo
ensure_venv
ensure_postgres
command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
    || die "Tours need Chromium: apt-get install chromium"
mapfile -t ARGS < <(odoo_args)

cleanup() {
    [ -n "${KEEP_DB:-}" ] && return
    drop_db "$BASE_DB"
    drop_db "$SUITE_DB"
}
trap cleanup EXIT

log "Baseline database $BASE_DB: $CORE_APPS,$EXTRA_ADDONS without the welfare addons"
"${ODOO_BIN[@]}" "${ARGS[@]}" -d "$BASE_DB" -i base --load-language it_IT --stop-after-init --no-http --log-level warn
# The same main company as the suite's demo: Italy and EUR before `account` picks its chart.
psql -d "$BASE_DB" -v ON_ERROR_STOP=1 -q <<'SQL'
UPDATE res_currency SET active = TRUE WHERE name = 'EUR';
UPDATE res_company SET currency_id = (SELECT id FROM res_currency WHERE name = 'EUR') WHERE id = 1;
UPDATE res_partner SET country_id = (SELECT id FROM res_country WHERE code = 'IT')
 WHERE id = (SELECT partner_id FROM res_company WHERE id = 1);
SQL
"${ODOO_BIN[@]}" "${ARGS[@]}" -d "$BASE_DB" -i "$CORE_APPS,$EXTRA_ADDONS" --stop-after-init --no-http --log-level warn

log "Suite database $SUITE_DB: the same apps with $ADDONS"
WELFARE_EXTRA_MODULES="$CORE_APPS" install_suite "$SUITE_DB" --no-http --log-level warn

run_core_tests() {  # db log
    log "Odoo's own tests ($CORE_TAGS) on $1 (log: $2)"
    # Seen here: the process can hang at shutdown after its last tour (Chromium left
    # behind) although every result is logged; the timeout ends it.
    timeout --kill-after=30 "${WELFARE_CORE_TIMEOUT:-5400}" \
    "${ODOO_BIN[@]}" "${ARGS[@]}" -d "$1" --test-enable --test-tags "$CORE_TAGS" --stop-after-init \
        --http-port "${WELFARE_TEST_PORT:-8169}" --log-level test >"$2" 2>&1 || true
}
run_core_tests "$BASE_DB" "$OUT/baseline.log"
run_core_tests "$SUITE_DB" "$OUT/suite.log"

# Odoo logs "...: FAIL: TestClass.test_name" / "...: ERROR: setUpClass (...)" per failing test.
failures() { sed -nE 's/.*: (FAIL|ERROR): (.*)$/\1: \2/p' "$1" | sort -u || true; }
failures "$OUT/baseline.log" >"$OUT/baseline.failures"
failures "$OUT/suite.log" >"$OUT/suite.failures"
summary() { grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$1" | tail -1 || true; }
ours=$(comm -13 "$OUT/baseline.failures" "$OUT/suite.failures")

echo
echo "Baseline (Odoo apps alone):  $(summary "$OUT/baseline.log")"
sed 's/^/    /' "$OUT/baseline.failures"
echo "With the welfare addons:     $(summary "$OUT/suite.log")"
sed 's/^/    /' "$OUT/suite.failures"
echo "Logs: $OUT"
if [ -z "$(summary "$OUT/suite.log")" ] || [ -z "$(summary "$OUT/baseline.log")" ]; then
    echo "RESULT: FAILED (a run did not finish)"
    exit 1
fi
if [ -n "$ours" ]; then
    echo "Failing only with the welfare addons:"
    sed 's/^/    /' <<<"$ours"
    echo "RESULT: FAILED"
    exit 1
fi
echo "RESULT: OK (no failure beyond the baseline's)"
