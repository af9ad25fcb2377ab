# Attest: set-up, demo, tests and benchmarks on Debian with Swift installed.
#   make demo    install what is missing, build, and run a store end to end
#   make test    install what is missing, build, and run every test
#   make fuzz    install what is missing, build the fuzz harnesses with libFuzzer, and run each a while

SHELL := /bin/bash
DEMO_STORE ?= demo-store
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ATTEST := .build/debug/attest

.PHONY: deps build demo test check-generated bench fuzz

# Debian packages: LMDB (library and its mdb_* tools), jemalloc (the executables' allocator), protoc for the generated-code check,
# Python with its `cryptography` package for the independent checkpoint and bundle checks, wrk for `attest-bench serve` and `pages`, openssl and curl for
# the HTTPS test, and Chromium for the browser tests of the pages.
deps:
	@missing=$$(for p in liblmdb-dev lmdb-utils libssl-dev libjemalloc-dev protobuf-compiler pkg-config python3 python3-cryptography time wrk openssl curl chromium; do \
		dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing $$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	swift build

# A generated centre of 200 learners, appended through the rules, verified, signed and
# replayed as an external quality assurer would.
demo: build
	rm -rf $(DEMO_STORE) $(DEMO_STORE).pub
	$(ATTEST) init $(DEMO_STORE)
	$(ATTEST) generate --learners 200 --seed 1 | $(ATTEST) append $(DEMO_STORE) - --batch-size 1000 --quiet
	$(ATTEST) spec import $(DEMO_STORE) Schemas/qualifications/603-4767-3.json --actor admin-1
	$(ATTEST) log $(DEMO_STORE) --stream assessment-AS-L000007-2 --json
	$(ATTEST) transcript $(DEMO_STORE) L000007 --html $(DEMO_STORE)/transcript-L000007.html
	$(ATTEST) audit $(DEMO_STORE) --html $(DEMO_STORE)/audit.html | tail -n 7
	$(ATTEST) head $(DEMO_STORE)
	$(ATTEST) verify $(DEMO_STORE)
	mdb_stat -a $(DEMO_STORE) | grep -A5 'Status of log'
	$(ATTEST) key $(DEMO_STORE) > $(DEMO_STORE).pub
	$(ATTEST) checkpoint $(DEMO_STORE)
	.build/debug/attest-replay $(DEMO_STORE) --key $(DEMO_STORE).pub

# ServerTests run in a process of their own: the server they start in-process answers on
# Swift's cooperative threads, which the other suites' long synchronous tests would hold.
test: deps check-generated
	swift build --build-tests
	swift test --skip-build --skip ServerTests
	swift test --skip-build --filter ServerTests
	Tools/api-check/schemathesis.sh
	Tools/browser-check/pages.sh

# Fails when the committed Swift generated from Schemas/ is out of date.
check-generated: deps
	Tools/codegen/generate-protos.sh --check
	Tools/codegen/embed-files.sh --check

bench:
	swift run -c release attest-bench log
	swift run -c release attest-bench ingest
	swift run -c release attest-bench reports
	swift run -c release attest-bench replay
	swift build -c release --product attest && swift run -c release attest-bench serve
	swift run -c release attest-bench pages

# Each fuzz harness (Tools/Fuzz) under libFuzzer for FUZZ_SECONDS, from the committed corpus.
# Inputs that find new paths go to $(FUZZ_BUILD)/corpus/HARNESS, and an input that breaks a
# property stops the run and is kept as $(FUZZ_BUILD)/findings/HARNESS-crash-…; replay one
# with `$(FUZZ_BUILD)/release/attest-fuzz HARNESS FILE`.
FUZZ_SECONDS ?= 60
FUZZ_HARNESSES ?= event-line append specification checkpoint bundle
FUZZ_BUILD := .build-fuzz
# The temporary stores and bundles of the append, specification and bundle harnesses, in memory where there is /dev/shm.
# Swift's backtracer is off so that libFuzzer's own handler sees a finding's trap and keeps the input.
FUZZ_TMPDIR ?= $(if $(wildcard /dev/shm),/dev/shm,/tmp)
# Linked by lld: gold stops with an internal error on the libFuzzer runtime.
fuzz: deps
	swift build -c release --scratch-path $(FUZZ_BUILD) --product attest-fuzz \
		-Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -use-ld=lld
	mkdir -p $(FUZZ_BUILD)/findings
	for harness in $(FUZZ_HARNESSES); do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$harness; \
		TMPDIR=$(FUZZ_TMPDIR)/ SWIFT_BACKTRACE=enable=no $(FUZZ_BUILD)/release/attest-fuzz $$harness \
			$(FUZZ_BUILD)/corpus/$$harness Tools/Fuzz/corpus/$$harness \
			-dict=Tools/Fuzz/attest.dict -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_BUILD)/findings/$$harness- || exit 1; \
	done
