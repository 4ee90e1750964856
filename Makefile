.PHONY: deps build test demo

deps:
	scripts/install-deps.sh

build: deps
	swift build

test: deps
	scripts/with-test-postgres.sh swift test

demo: deps
	swift build
	swift run testbench --help
