# The two commands of the README, plus lint. Everything they need beyond the
# Odoo tree at $(ODOO_SRC) is set up (or reused) by tools/harness/setup.sh.
ODOO_SRC ?= /opt/odoo
export ODOO_SRC

.PHONY: run test lint bench
run:
	@bash tools/harness/run.sh

test:
	@bash tools/harness/test.sh $(PYTEST_ARGS)

lint:
	@bash tools/harness/lint.sh

bench:
	@bash tools/harness/bench.sh $(BENCH_ARGS)
