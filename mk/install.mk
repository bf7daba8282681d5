# make install / uninstall [PREFIX=/usr/local] [DESTDIR=]: hil as a tool.
#   bin/hil, bin/hild                  the CLI and the daemon
#   lib/libhil.so.1 (+ .so, .a)        the library; include/hil/ its public API
#   lib/pkgconfig/libhil.pc            pkg-config --cflags --libs libhil
#   share/hil/                         what DUT and bitstream builds read: the
#                                      gateware, the simulator harness, the boards,
#                                      the Yosys pass, the FX2 firmware, the
#                                      examples (hil doctor runs them)
#   PYDIR/hil (+ its .dist-info)       the Python package and its pytest plugin
#   share/man/man1/hil.1, man8/hild.8
#   lib/udev/rules.d, lib/systemd/system, lib/sysusers.d: the board rules, the
#                                      unit, the hild user (see docs/hild.md)
# The list of what was installed is kept in share/hil/installed, which
# uninstall reads: it removes those files and nothing else.

PREFIX ?= /usr/local
DESTDIR ?=
D := $(DESTDIR)$(PREFIX)
PY := /usr/bin/python3
PYVER := $(shell $(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
# Debian's python3 looks in /usr/lib/python3/dist-packages for /usr, and in
# /usr/local/lib/python3.X/dist-packages for /usr/local and other prefixes.
PYDIR ?= $(if $(filter /usr,$(PREFIX)),$(PREFIX)/lib/python3/dist-packages,$(PREFIX)/lib/python$(PYVER)/dist-packages)
VERSION := 0.1.0
SHARE := $(D)/share/hil
LIST := $(SHARE)/installed

PUBLIC_H := host/include/hil/hil.h host/include/hil/ports.h
GATEWARE := $(wildcard gateware/*.v gateware/seq/*.v gateware/ice40/*.v gateware/bringup/*.v)
EXAMPLES := $(wildcard examples/*/*)
SIM := $(wildcard host/sim/*)
BOARDS := $(wildcard boards/*/*)
FIRMWARE := $(wildcard build/firmware/*/hil-fx2.ihx)
PYFILES := $(wildcard host/python/hil/*.py)
COCOTB_MK := host/cocotb/makefiles/Makefile.deprecations host/cocotb/makefiles/simulators/Makefile.hil
COCOTB_PY := host/cocotb/python/hil_cocotb.py

.PHONY: install uninstall
install:
	@rm -f $(LIST).new
	@set -e; put() { mode=$$1 from=$$2 to=$$3; \
		install -D -m $$mode "$$from" "$(D)/$$to"; echo "$$to" >>$(LIST).new; }; \
	mkdir -p $(SHARE); \
	put 755 build/bin/hil bin/hil; put 755 build/bin/hild bin/hild; \
	put 755 build/bin/hil-cocotb bin/hil-cocotb; \
	for f in $(COCOTB_MK); do put 644 $$f share/hil/cocotb/$${f#host/cocotb/makefiles/}; done; \
	put 644 build/lib/libhil.so lib/libhil.so.1; put 644 build/lib/libhil.a lib/libhil.a; \
	ln -sf libhil.so.1 $(D)/lib/libhil.so; echo lib/libhil.so >>$(LIST).new; \
	for f in $(PUBLIC_H); do put 644 $$f include/hil/$${f##*/}; done; \
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' mk/libhil.pc.in >build/libhil.pc; \
	put 644 build/libhil.pc lib/pkgconfig/libhil.pc; \
	for f in $(GATEWARE) $(SIM) $(BOARDS) $(EXAMPLES) $(COCOTB_PY); do put 644 $$f share/hil/$$f; done; \
	put 644 build/lib/hil_ce.so share/hil/lib/hil_ce.so; \
	for f in $(FIRMWARE); do put 644 $$f share/hil/$${f#build/}; done; \
	for f in $(PYFILES); do put 644 $$f $(PYDIR:$(PREFIX)/%=%)/hil/$${f##*/}; done; \
	printf 'Metadata-Version: 2.1\nName: hil\nVersion: $(VERSION)\n' >build/METADATA; \
	printf '[pytest11]\nhil.pytest_plugin = hil.pytest_plugin\n' >build/entry_points.txt; \
	put 644 build/METADATA $(PYDIR:$(PREFIX)/%=%)/hil-$(VERSION).dist-info/METADATA; \
	put 644 build/entry_points.txt $(PYDIR:$(PREFIX)/%=%)/hil-$(VERSION).dist-info/entry_points.txt; \
	put 644 docs/man/hil.1 share/man/man1/hil.1; put 644 docs/man/hild.8 share/man/man8/hild.8; \
	put 644 boards/60-hil.rules lib/udev/rules.d/60-hil.rules; \
	sed 's|/usr/local/bin/hild|$(PREFIX)/bin/hild|' boards/hild.service >build/hild.service; \
	put 644 build/hild.service lib/systemd/system/hild.service; \
	put 644 boards/hil.sysusers lib/sysusers.d/hil.conf; \
	echo share/hil/installed >>$(LIST).new; mv $(LIST).new $(LIST)
	@echo "hil: installed in $(D) ($$(wc -l <$(LIST)) files, listed in $(LIST))"

uninstall:
	@test -f $(LIST) || { echo "hil: nothing to uninstall: no $(LIST)"; exit 1; }
	@set -e; while read -r f; do case $$f in /*|*..*) continue ;; esac; \
		rm -f "$(D)/$$f"; d=$${f%/*}; \
		while [ "$$d" != "$$f" ] && [ "$${d#*/}" != "$$d" ] && \
			rmdir "$(D)/$$d" 2>/dev/null; do f=$$d; d=$${d%/*}; done; \
	done <$(LIST)
	@echo "hil: uninstalled from $(D)"
