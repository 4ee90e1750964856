.PHONY: deps build test demo

# Debian packages, the lm-eval 0.4.9 task tree the tests load, then the build.
deps:
	scripts/install-deps.sh
	scripts/fetch-lmeval-tasks.sh

build: deps
	swift build

test: deps
	scripts/test.sh

demo: deps
	scripts/demo.sh
