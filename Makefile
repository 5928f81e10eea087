# The two commands of the README. See tools/*.sh for what they do.
.PHONY: run test lint

run:    ## start the suite with demo data on http://localhost:8069
	tools/run.sh

test:   ## run every test (Odoo tests and tours, then pytest-odoo on tests/)
	tools/test.sh

lint:   ## ruff and pylint-odoo through pre-commit
	pre-commit run --all-files
