#!/bin/sh
# The demo: build emu and boot SeaBIOS on the serial console under KVM.
# Quit with Ctrl-A then X.
set -eu
cd "$(dirname "$0")/.."
sh scripts/build.sh
echo "demo: booting SeaBIOS under emu -accel kvm (press Ctrl-A then X to quit)"
exec ./emu -accel kvm -m 128 -nographic "$@"
