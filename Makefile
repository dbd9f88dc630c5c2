# The two set-up commands of README.md. Everything else is CMake.
#   make demo   install missing Debian packages, build (Release), run the demo
#   make test   install missing Debian packages, build (assertions on), run the whole suite via ctest
JOBS        ?= $(shell nproc)
RELEASE_DIR ?= build/release
TEST_DIR    ?= build/test
DEMO_DATA   ?= build/demo-data

.PHONY: all deps demo test build-release build-test bench clean

all: build-release

deps:
	@scripts/install-deps.sh

build-release: deps
	@cmake -S . -B $(RELEASE_DIR) -DCMAKE_BUILD_TYPE=Release -DRAPPORT_BUILD_TESTS=OFF >/dev/null
	@cmake --build $(RELEASE_DIR) -j $(JOBS)

build-test: deps
	@cmake -S . -B $(TEST_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRAPPORT_ASSERTIONS=ON >/dev/null
	@cmake --build $(TEST_DIR) -j $(JOBS)

demo: build-release
	@rm -rf $(DEMO_DATA)
	@$(RELEASE_DIR)/cli/rapport demo --data $(DEMO_DATA)

test: build-test
	@cd $(TEST_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build-release
	@$(RELEASE_DIR)/bench/rapport-bench-log --dir build/bench-data

clean:
	rm -rf build
