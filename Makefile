# The two commands of the README. See tools/*.sh for what they do.
.PHONY: run test test-core lint bench load

run:    ## start the suite with demo data on http://localhost:8069
	tools/run.sh

test:   ## run every test (Odoo tests and tours, then pytest-odoo on tests/)
	tools/test.sh

test-core:  ## Odoo's own sale/shop/loyalty tests with and without the suite installed
	tools/test_core.sh

lint:   ## ruff and pylint-odoo through pre-commit
	pre-commit run --all-files

bench:  ## issue, settle, redeem, expire N vouchers, a checkout, the pages vs Odoo (eWallet, stock shop) and the floor (throw-away DBs)
	tools/bench.sh $(BENCH_ARGS)

load:   ## 20 workers paying with credit against --workers 4, loopback, p50/p95 per page (throw-away DB)
	tools/load.sh $(LOAD_ARGS)
