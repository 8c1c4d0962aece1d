# emu's Makefile.  Sources are found by folder: a new file in a layer's folder
# is built without touching this file.  Objects go to build/.

ifeq ($(wildcard config.mak),)
$(error run ./configure first)
endif
include config.mak

CFLAGS_BASE = -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter \
              -Wno-missing-field-initializers -I. -Iinclude -pthread
CFLAGS = $(CFLAGS_BASE) $(LIB_CFLAGS) $(SAN_FLAGS) $(EXTRA_CFLAGS) -MMD -MP
LDLIBS = $(LIB_LIBS) -lm -lutil -pthread $(SAN_FLAGS)

# Every folder under hw/ that holds C files is built: a new hw/<class>/ needs
# no edit here.  make check-layers (run by make check) fails if a folder of
# C sources anywhere outside tests/ is left out of LAYERS, or if an include
# breaks the rules between layers (tests/cli/check-layers.sh).
HW_LAYERS = $(patsubst %/,%,$(sort $(dir $(wildcard hw/*/*.c))))
LAYERS = util system $(HW_LAYERS) target-i386 accel accel/tcg tcg ui net \
         block migration monitor gdbstub
ifeq ($(CONFIG_KVM),yes)
LAYERS += accel/kvm
else
UNBUILT_LAYERS = accel/kvm
endif
# BUILD is the object folder and EMU the binary: the sanitizer build uses
# its own (make check-sanitize).
BUILD ?= build
EMU ?= emu
SRCS = $(foreach d,$(LAYERS),$(wildcard $(d)/*.c))
MAIN_SRC = system/main.c
LIB_OBJS = $(patsubst %.c,$(BUILD)/%.o,$(filter-out $(MAIN_SRC),$(SRCS)))
# The translator's frontend is built twice (target-i386/translate-tl.h):
# as it is, for 32-bit CPU models, and with 64-bit values for long-mode
# ones.  The 64-bit objects are linked into one object whose symbols are
# local but for x86_translate_init64/x86_translate_block64.
FE64_SRCS = target-i386/decode.c $(wildcard target-i386/translate*.c)
FE64_OBJS = $(patsubst %.c,$(BUILD)/fe64/%.o,$(FE64_SRCS))
FE64_OBJ = $(BUILD)/target-i386/frontend64.o
LIB_OBJS += $(FE64_OBJ)
MAIN_OBJ = $(BUILD)/system/main.o

# emu-img, the image tool: its own folder, linked with emu's objects (it
# uses the block layer's nodes only; make check-sanitize builds emu-img-san).
EMU_IMG ?= $(EMU:emu%=emu-img%)
IMG_DIRS = tools/emu-img
IMG_OBJS = $(patsubst %.c,$(BUILD)/%.o,$(wildcard tools/emu-img/*.c))

TEST_SRCS = $(wildcard tests/unit/test-*.c)
TEST_BINS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
TEST_LIB_OBJS = $(BUILD)/tests/unit/harness.o $(BUILD)/tests/unit/x86-harness.o

.PHONY: qtests check-qtest check-kvm-unit-tests bench-block bench-linux check-difftest-long all check check-unit check-guests check-functional check-cli \
        check-layers check-bins check-img check-sanitize bench demo clean distclean format-check guests

all: $(EMU) $(EMU_IMG)

# Short build lines; V=1 shows the commands.
ifeq ($(V),1)
Q =
quiet = @true
else
Q = @
quiet = @echo
endif

$(EMU): $(MAIN_OBJ) $(LIB_OBJS)
	$(quiet) "  LINK    $@"
	$(Q)$(CC) -o $@ $^ $(LDLIBS)

$(EMU_IMG): $(IMG_OBJS) $(LIB_OBJS)
	$(quiet) "  LINK    $@"
	$(Q)$(CC) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c config.h
	@mkdir -p $(dir $@)
	$(quiet) "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/fe64/%.o: %.c config.h
	@mkdir -p $(dir $@)
	$(quiet) "  CC64    $<"
	$(Q)$(CC) $(CFLAGS) -DTARGET_LONG_BITS=64 -fvisibility=hidden -c -o $@ $<

$(FE64_OBJ): $(FE64_OBJS)
	$(quiet) "  LD      $@"
	$(Q)$(LD) -r -o $@.tmp $^ && objcopy --localize-hidden $@.tmp $@ && rm -f $@.tmp

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) $(TEST_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(quiet) "  CCLD    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJS) $(TEST_LIB_OBJS) $(LDLIBS)

tests: $(TEST_BINS) $(BUILD)/difftest-native64

# The VNC test client (tests/tools/vncclient.c) on libvncclient, which
# comes with libvncserver: built when configure found it.
ifeq ($(CONFIG_VNC),yes)
$(BUILD)/tests/vncclient: tests/tools/vncclient.c
	@mkdir -p $(dir $@)
	$(quiet) "  CCLD    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $< $$(pkg-config --libs libvncclient) $(SAN_FLAGS)
tests: $(BUILD)/tests/vncclient
# test-vnc runs a libvncclient viewer against the server in-process.
$(BUILD)/tests/test-vnc: LDLIBS += $$(pkg-config --libs libvncclient)
endif

# The differential tester's native side: a 64-bit program that runs the
# same instructions on the host CPU in long mode (README in native64.c).
$(BUILD)/difftest-native64: tests/difftest/native64.c tests/difftest/difftest.h
	@mkdir -p $(dir $@)
	$(quiet) "  CC      $@"
	$(Q)$(CC) -O2 -Wall -Wextra -o $@ $<

# Guest programs (nasm), built into build/guests/.
GUEST_SRCS = $(wildcard tests/guests/*.asm)
GUEST_BINS = $(patsubst tests/guests/%.asm,build/guests/%.bin,$(GUEST_SRCS))
build/guests/%.bin: tests/guests/%.asm $(wildcard tests/guests/*.inc)
	@mkdir -p $(dir $@)
	$(quiet) "  NASM    $<"
	$(Q)nasm -f bin -I tests/guests/ -o $@ $<
guests: $(GUEST_BINS)

TEST_ENV = EMU=./$(EMU) EMU_IMG=./$(EMU_IMG) EMU_BUILD=$(BUILD)

# Everything make check runs (scripts/build.sh builds this, then
# scripts/check.sh runs the tiers itself so that the summary comes last).
check-bins: check-layers $(EMU) $(EMU_IMG) tests qtests guests fuzz-smoke-bins

check: check-bins
	$(TEST_ENV) sh tests/run-all.sh

# Folders with C sources outside tests/ (which has its own rules) that no
# layer builds: a new folder the globs above do not reach.
SOURCE_DIRS = $(patsubst ./%/,%,$(sort $(dir $(shell find . -name '*.c' \
    -not -path './tests/*' -not -path './build*' -not -path './.git/*'))))
UNBUILT_DIRS = $(filter-out $(LAYERS) $(UNBUILT_LAYERS) $(IMG_DIRS),$(SOURCE_DIRS))
check-layers:
	@if [ -n "$(UNBUILT_DIRS)" ]; then \
	    echo "Makefile: C sources in folders no layer builds: $(UNBUILT_DIRS)" \
	        "(add them to LAYERS)" >&2; exit 1; fi
	@out=$$(sh tests/cli/check-layers.sh 2>&1) || \
	    { echo "$$out" >&2; exit 1; }

check-unit: tests
	$(TEST_ENV) sh tests/run-unit.sh

# qtest programs (tests/qtest/): clients that drive emu's devices over the
# qtest protocol, linked with libqtest only, not with emu.
QTEST_SRCS = $(wildcard tests/qtest/test-*.c)
QTEST_BINS = $(patsubst tests/qtest/%.c,$(BUILD)/qtest/%,$(QTEST_SRCS))
QTEST_LIB = $(BUILD)/tests/qtest/libqtest.o
$(BUILD)/qtest/%: tests/qtest/%.c $(QTEST_LIB) tests/qtest/qtest-check.h
	@mkdir -p $(dir $@)
	$(quiet) "  CCLD    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(QTEST_LIB) $(LIB_LIBS) $(SAN_FLAGS)
qtests: $(QTEST_BINS)

check-qtest: $(EMU) qtests
	$(TEST_ENV) sh tests/qtest/run.sh

check-cli: $(EMU)
	$(TEST_ENV) sh tests/cli/run.sh

check-img: $(EMU_IMG)
	$(TEST_ENV) sh tests/cli/emu-img.sh

check-guests: $(EMU) guests
	$(TEST_ENV) sh tests/guests/run.sh
	$(TEST_ENV) sh tests/guests/power.sh
	$(TEST_ENV) sh tests/guests/floppy.sh || [ $$? -eq 77 ]

check-functional: $(EMU)
	$(TEST_ENV) sh tests/functional/run.sh

# test386 (../shared/testsuites/test386, TEST386_SRC) assembled into
# build/test386/ and run as the BIOS under -accel tcg, 64 and 128 KiB ROMs;
# also part of the functional tier (tests/functional/test-test386.sh).
.PHONY: check-test386
check-test386: $(EMU)
	$(TEST_ENV) sh tests/functional/test-test386.sh

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer, in
# its own object folder and binary (emu-san).  A UBSan report ends the
# program, so the test that triggered it fails instead of scrolling by.
SANITIZE = -fsanitize=address,undefined -fno-omit-frame-pointer
check-sanitize:
	ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    $(MAKE) BUILD=build-san EMU=emu-san SAN_FLAGS="$(SANITIZE)" check

# kvm-unit-tests' i386 and x86_64 tests under the translator (KUT_SRC=
# checkout, built in build/kut and build/kut64; or KUT_BUILD / KUT_BUILD64
# = built trees; KUT_ARCH=i386|x86_64 for one; not in Debian, so not part
# of make check).
check-kvm-unit-tests: $(EMU)
	python3 scripts/kvm-unit-tests.py

# Debian's kernels + our workload under emu -accel tcg, qemu-system-*
# -accel tcg and natively: three lines, times and ratios (about 15 min):
# the 686 kernel (BENCH_RUNS, default 3), the amd64 kernel with -cpu
# qemu64 (BENCH_RUNS), and the amd64 kernel with -smp 2 running two
# copies at once (BENCH_SMP_RUNS, default 1).  Every line runs; the
# target fails if any did.
bench-linux: $(EMU)
	sh scripts/install-deps.sh --bench
	st=0; \
	EMU=./$(EMU) sh tests/bench/linux-tcg.sh || st=1; echo; \
	EMU=./$(EMU) BENCH_ARCH=amd64 sh tests/bench/linux-tcg.sh || st=1; echo; \
	EMU=./$(EMU) BENCH_ARCH=amd64 BENCH_SMP=2 BENCH_RUNS=$${BENCH_SMP_RUNS:-1} \
	    sh tests/bench/linux-tcg.sh || st=1; \
	exit $$st

# The same kernel's ata_piix on an IDE disk (raw and qcow2) under emu and
# qemu-system-i386, -accel tcg: MB/s and ratios (a few minutes).
.PHONY: bench-disk
bench-disk: $(EMU)
	sh scripts/install-deps.sh --bench
	EMU=./$(EMU) sh tests/bench/disk.sh

# The same kernel's ne2k-pci over user networking and over TAP in a
# network namespace, under emu and qemu-system-i386 -accel tcg: MB/s of a
# download and an upload, ratios and ping round trips (a few minutes).
.PHONY: bench-net
bench-net: $(EMU)
	sh scripts/install-deps.sh --bench
	EMU=./$(EMU) sh tests/bench/net.sh

# A guest redrawing whole screens in mode 13h and VBE 1024x768x32 under emu
# and qemu-system-i386 (screendumps, then a VNC client): frames/s, ratios,
# and the host CPU of an idle text screen (a minute or two).
.PHONY: bench-display
bench-display: $(EMU) guests
	sh scripts/install-deps.sh --bench
	EMU=./$(EMU) sh tests/bench/display.sh

# The differential tester alone (also part of check-unit): the 32-bit
# classes and the 64-bit ones (test-difftest64 exits 77, skipped, while the
# translator has no long mode).  DIFFTEST_CASES sets the cases per class.
.PHONY: check-difftest
check-difftest: tests
	$(BUILD)/tests/test-difftest
	$(BUILD)/tests/test-difftest64 || [ $$? -eq 77 ]

# Millions of differential cases against the host CPU (about an hour).
check-difftest-long: tests
	DIFFTEST_CASES=$${DIFFTEST_CASES:-1000000} $(BUILD)/tests/test-difftest
	DIFFTEST_CASES=$${DIFFTEST_CASES:-1000000} $(BUILD)/tests/test-difftest64 || [ $$? -eq 77 ]

bench: $(EMU)
	sh scripts/install-deps.sh --bench
	EMU=./$(EMU) sh tests/bench/seabios-boot.sh

# The block layer's sequential reads, aio=threads against aio=io_uring
# (tests/bench/block-seqread.c; BENCH_DEPTH, BENCH_REQ; not a test).
$(BUILD)/bench/block-seqread: tests/bench/block-seqread.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(quiet) "  CCLD    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS)
bench-block: $(BUILD)/bench/block-seqread
	$(BUILD)/bench/block-seqread

demo: emu
	sh scripts/demo.sh

# Device fuzz targets, the guest-side fuzzer, `make fuzz` (docs/devel/fuzzing.md).
include tests/fuzz/fuzz.mk

format-check:
	clang-format --dry-run --Werror $(SRCS) $(TEST_SRCS) $(wildcard tools/emu-img/*.[ch])

clean:
	rm -rf build build-san build-fuzz emu emu-san emu-img emu-img-san

distclean: clean
	rm -f config.mak config.h

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
