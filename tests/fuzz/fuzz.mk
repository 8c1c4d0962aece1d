# tests/fuzz/fuzz.mk - fuzz targets (included by the Makefile).
#
# Every tests/fuzz/fuzz-<name>.c is one device target.  It is linked two
# ways, into $(BUILD)/fuzz/:
#   fuzz-<name>  with the standalone driver (tests/fuzz/driver.c), any
#                compiler; built in build-san (gcc + ASan/UBSan) for the
#                smoke tier of `make check` and for `make fuzz` without
#                libFuzzer;
#   lf-<name>    with libFuzzer (clang -fsanitize=fuzzer), built in
#                build-fuzz by `make fuzz` when clang's libFuzzer runtime
#                is installed.
# The guest-side fuzzer (tests/fuzz/guest-fuzz.asm) becomes
# build/guests/fuzz-guest.bin.

FUZZ_SRCS = $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_NAMES = $(patsubst tests/fuzz/fuzz-%.c,%,$(FUZZ_SRCS))
FUZZ_COMMON_OBJS = $(BUILD)/tests/fuzz/rig.o $(BUILD)/tests/unit/harness.o
FUZZ_DRIVERS = $(patsubst %,$(BUILD)/fuzz/fuzz-%,$(FUZZ_NAMES))
FUZZ_LIBFUZZERS = $(patsubst %,$(BUILD)/fuzz/lf-%,$(FUZZ_NAMES))
.SECONDARY: $(FUZZ_COMMON_OBJS) $(BUILD)/tests/fuzz/driver.o \
            $(patsubst %,$(BUILD)/tests/fuzz/fuzz-%.o,$(FUZZ_NAMES))

$(BUILD)/fuzz/fuzz-%: $(BUILD)/tests/fuzz/fuzz-%.o $(BUILD)/tests/fuzz/driver.o \
                      $(FUZZ_COMMON_OBJS) $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(quiet) "  LINK    $@"
	$(Q)$(CC) -o $@ $^ $(LDLIBS)

$(BUILD)/fuzz/lf-%: $(BUILD)/tests/fuzz/fuzz-%.o $(FUZZ_COMMON_OBJS) $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(quiet) "  LINK    $@"
	$(Q)$(CC) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

build/guests/fuzz-guest.bin: tests/fuzz/guest-fuzz.asm
	@mkdir -p $(dir $@)
	$(quiet) "  NASM    $<"
	$(Q)nasm -f bin -o $@ $<

fuzz-drivers: $(FUZZ_DRIVERS)
fuzz-libfuzzers: $(FUZZ_LIBFUZZERS)

# The sanitizer build the smoke tier and `make fuzz` use.
FUZZ_SAN_MAKE = $(MAKE) BUILD=build-san EMU=emu-san SAN_FLAGS="$(SANITIZE)"
fuzz-smoke-bins: build/guests/fuzz-guest.bin
	+$(FUZZ_SAN_MAKE) fuzz-drivers

check-fuzz: fuzz-smoke-bins
	$(TEST_ENV) sh tests/fuzz/smoke.sh

# Long runs: FUZZ_SEEDS guest seeds from FUZZ_START, then FUZZ_TIME seconds
# per device target (tests/fuzz/run.sh documents the knobs).
fuzz:
	sh scripts/install-deps.sh --fuzz || echo "fuzz: could not install clang/libFuzzer; using the standalone driver"
	+$(FUZZ_SAN_MAKE) emu-san fuzz-drivers
	$(MAKE) build/guests/fuzz-guest.bin
	@if sh tests/fuzz/have-libfuzzer.sh; then \
	    $(MAKE) CC=clang BUILD=build-fuzz \
	        SAN_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" \
	        fuzz-libfuzzers; \
	fi
	sh tests/fuzz/run.sh

.PHONY: fuzz fuzz-drivers fuzz-libfuzzers fuzz-smoke-bins check-fuzz

# The gdbstub target runs its server on the x86 harness's machine.
$(BUILD)/fuzz/fuzz-gdbstub $(BUILD)/fuzz/lf-gdbstub: $(BUILD)/tests/unit/x86-harness.o
