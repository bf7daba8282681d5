#!/bin/sh
# Installs the Debian packages hil needs when they are missing, so a fresh
# machine needs only `make demo` or `make test`. Quiet when all are present.
set -e
need="gcc g++ make bc pkg-config libjansson-dev libssl-dev libftdi1-dev libusb-1.0-0-dev libumockdev-dev umockdev openfpgaloader verilator yosys yosys-dev iverilog python3 python3-pytest python3-dev python3-pip python3-setuptools python3-wheel systemd groff-base nextpnr-ice40 fpga-icestorm clang clang-format libclang-rt-14-dev sdcc zlib1g-dev gtkwave"
missing=""
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "hil: installing missing packages:$missing"
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "hil: need root to install:$missing (run: apt-get install$missing)" >&2
		exit 1
	fi
fi
${SUDO:-} apt-get update -qq
DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -qq --no-install-recommends $missing >/dev/null
