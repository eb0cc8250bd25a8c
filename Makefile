# pvgpu — thin wrapper around Meson so that the two set-up commands are
#   make demo   (install deps if missing, build, run glxgears through pvgpu-vtest)
#   make test   (install deps if missing, build, run the whole test suite)
#   make bench  (native vs virglrenderer vs pvgpu: out/bench/results.json, report.md, PNGs)
# Also: make asan | valgrind | soak (SOAK_SECONDS, default 60).
# Variables: BUILD (build dir), MESON_ARGS (extra `meson setup` options),
#            SUITES (meson test --suite list, default: all), DEMO_SECONDS,
#            BENCH_ARGS (pvgpu-bench options, e.g. --quick), BENCH_OUT,
#            FUZZ_SECONDS (per target, `make fuzz`), FUZZ_TARGETS (default: all).

BUILD ?= build
MESON_ARGS ?=
SUITES ?=
DEMO_SECONDS ?= 10
BENCH_ARGS ?=
BENCH_OUT ?= out/bench
SOAK_SECONDS ?= 60
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=

.PHONY: all deps build test demo bench bench-readme asan valgrind soak fuzz clean format-check

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_ARGS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

test: build
	meson test -C $(BUILD) --print-errorlogs $(foreach s,$(SUITES),--suite $(s))
	@python3 scripts/test-summary.py $(BUILD)

demo: build
	BUILD=$(BUILD) DEMO_SECONDS=$(DEMO_SECONDS) scripts/demo.sh

bench: build
	python3 $(BUILD)/bench/pvgpu-bench --out $(BENCH_OUT) $(BENCH_ARGS)

# Regenerates the README's benchmark figures: a --quick run, then its numbers in.
bench-readme: build
	python3 $(BUILD)/bench/pvgpu-bench --quick --out $(BENCH_OUT) $(BENCH_ARGS)
	python3 bench/readme-figures.py $(BENCH_OUT) README.md

# Unit, protocol, shader, guest, qemu-glue and fuzz-regressions suites again under
# AddressSanitizer + UBSan.
asan: deps
	@[ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined \
		-Db_lundef=false $(MESON_ARGS)
	ninja -C build-asan
	meson test -C build-asan --print-errorlogs --suite unit --suite protocol --suite shader --suite guest --suite qemu-glue \
		--suite fuzz-regressions
	@python3 scripts/test-summary.py build-asan

# Fault-isolation soak, full length (tests/soak/run-soak.py; `make test` runs a
# 15 s variant): numbers printed and written to $(BUILD)/soak.json.
soak: build
	python3 tests/soak/run-soak.py --vtest $(BUILD)/renderer/vtest/pvgpu-vtest \
		--vhost $(BUILD)/qemu-glue/pvgpu-vhost-user --sim $(BUILD)/qemu-glue/sim/pvgpu-sim \
		--seconds $(SOAK_SECONDS) --json $(BUILD)/soak.json

# Memcheck over the unit and protocol suites and the cheap C tests of the guest
# driver and qemu-glue, with the pvgpu processes they start (--trace-children);
# zero errors and no definite leaks. Suppressions: tests/valgrind.supp (Mesa and
# llvmpipe internals only, each explained).
VALGRIND_TESTS = vug-device vug-3d vhost-mem vhost-vring vhost-session gd-encode drm-winsys \
	winsys-inproc-null winsys-inproc-gl winsys-vtest-pvgpu-null winsys-vtest-pvgpu-gl winsys-errors
valgrind: build
	PVGPU_VALGRIND_SUPP=$(CURDIR)/tests/valgrind.supp meson test -C $(BUILD) --print-errorlogs \
		--wrapper $(CURDIR)/tests/valgrind-wrap.sh --timeout-multiplier 10 \
		--suite unit --suite protocol
	PVGPU_VALGRIND_SUPP=$(CURDIR)/tests/valgrind.supp meson test -C $(BUILD) --print-errorlogs \
		--wrapper $(CURDIR)/tests/valgrind-wrap.sh --timeout-multiplier 10 $(VALGRIND_TESTS)

# Every libFuzzer target for FUZZ_SECONDS each (tests/fuzz/README.md); clang
# build in build-fuzz with ASan + UBSan and coverage instrumentation everywhere.
fuzz: deps
	@[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true -Dapps=disabled \
		-Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link \
		-Dc_link_args=-fsanitize=fuzzer-no-link
	ninja -C build-fuzz
	python3 tests/fuzz/run-fuzz.py --build build-fuzz --seconds $(FUZZ_SECONDS) --out out/fuzz \
		$(FUZZ_TARGETS)

format-check:
	@scripts/format-check.sh

clean:
	rm -rf $(BUILD) build-asan build-fuzz
