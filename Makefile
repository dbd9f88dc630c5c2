# The two set-up commands of README.md. Everything else is CMake.
#   make demo   install missing Debian packages, build (Release), run the demo
#   make test   install missing Debian packages, build (assertions on), run the whole suite via ctest,
#               then a short run of the protocol fuzzer over its committed corpus
#   make test-sanitize   the suite built with AddressSanitizer and UndefinedBehaviorSanitizer
#   make fuzz           the protocol fuzzers for FUZZ_SECONDS each (default 300)
JOBS        ?= $(shell nproc)
RELEASE_DIR ?= build/release
TEST_DIR    ?= build/test
DEMO_DATA   ?= build/demo-data
SANITIZE_DIR ?= build/sanitize
FUZZ_DIR    ?= build/fuzz
FUZZ_SECONDS ?= 20

.PHONY: all deps demo test build-release build-test bench clean test-sanitize fuzz fuzz-smoke

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
	@$(MAKE) --no-print-directory fuzz-smoke

# The protocol fuzzers (clang's libFuzzer with ASan and UBSan), each for FUZZ_SECONDS:
# rapport-request-fuzzer (frames and request decoding) and rapport-handler-fuzzer (requests
# handled over a real log in a scratch directory). New inputs go to a scratch directory, the
# committed corpus in server/fuzz/corpus is only read.
FUZZERS = rapport-request-fuzzer rapport-handler-fuzzer

fuzz-build: deps
	@cmake -S . -B $(FUZZ_DIR) -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DRAPPORT_FUZZ=ON -DRAPPORT_BUILD_TESTS=OFF -DRAPPORT_BUILD_BENCH=OFF >/dev/null
	@cmake --build $(FUZZ_DIR) --target $(FUZZERS) -j $(JOBS)

fuzz-smoke: fuzz-build
	@for f in $(FUZZERS); do \
	  rm -rf $(FUZZ_DIR)/new-corpus-$$f && mkdir -p $(FUZZ_DIR)/new-corpus-$$f; \
	  RAPPORT_FUZZ_DIR=$(abspath $(FUZZ_DIR)) $(FUZZ_DIR)/server/$$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	    -artifact_prefix=$(FUZZ_DIR)/$$f- -print_final_stats=1 $(FUZZ_DIR)/new-corpus-$$f server/fuzz/corpus \
	    2>$(FUZZ_DIR)/$$f.log || { tail -40 $(FUZZ_DIR)/$$f.log; exit 1; }; \
	  grep -E "stat::number_of_executed_units|Done" $(FUZZ_DIR)/$$f.log | tr '\n' ' ' | sed "s/^/fuzz-smoke $$f: /"; echo; \
	done

fuzz: FUZZ_SECONDS = 300
fuzz: fuzz-smoke

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer (gcc). Slow: not part
# of `make test`; run it before a release and after touching the server or the log.
test-sanitize: deps
	@cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRAPPORT_ASSERTIONS=ON -DRAPPORT_BUILD_BENCH=OFF \
	  "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
	  "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" >/dev/null
	@cmake --build $(SANITIZE_DIR) -j $(JOBS)
	@cd $(SANITIZE_DIR) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

bench: build-release
	@$(RELEASE_DIR)/bench/rapport-bench-log --dir build/bench-data

clean:
	rm -rf build
