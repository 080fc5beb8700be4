.PHONY: run test test-unit test-faults bench lint format bootstrap

run:            ## install what is missing, build, start Dormouse (prints where it listens)
	scripts/run.sh

test:           ## install what is missing and run the whole suite against the real Docker engine
	scripts/test.sh

test-unit:      ## the fast lane: no Docker engine, no other programs, no browser (seconds once built)
	scripts/test-unit.sh

test-faults:    ## the fault suite alone: kill -9, engine restarts, schemathesis, the browser attack
	scripts/test-faults.sh

bench:          ## benchmarks (release build); figures go in BENCHMARKS.md
	scripts/bench.sh

lint:
	swift format lint --strict -r Sources Tests Benchmarks Package.swift

format:
	swift format --in-place -r Sources Tests Benchmarks Package.swift

bootstrap:
	scripts/bootstrap.sh
