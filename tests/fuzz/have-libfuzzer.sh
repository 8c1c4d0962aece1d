#!/bin/sh
# Exit 0 if clang can link a libFuzzer target here (clang plus its
# libFuzzer runtime, Debian's libclang-rt-<version>-dev), else say why.
set -u
if ! command -v clang >/dev/null 2>&1; then
    echo "fuzz: no clang: device targets run with the standalone driver"
    exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/emu-lf.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }' \
    >"$tmp/t.c"
if ! clang -fsanitize=fuzzer,address,undefined -o "$tmp/t" "$tmp/t.c" \
        >"$tmp/log" 2>&1; then
    echo "fuzz: clang cannot link -fsanitize=fuzzer (libFuzzer runtime" \
         "missing?): device targets run with the standalone driver"
    exit 1
fi
exit 0
