# make deb: build/hil_VERSION_ARCH.deb, made from `make install PREFIX=/usr`
# into a staging directory (mk/install.mk) and dpkg-deb. Its Depends are
# the Debian packages hil runs (the libraries its programs link and the
# tools DUT builds call); its postinst makes the hild user and the hil and
# hil-admin groups (boards/hil.sysusers), which its postrm removes again.

VERSION := 0.1.0
ARCH := $(shell dpkg --print-architecture)
STAGE := build/deb/root
DEB := build/hil_$(VERSION)_$(ARCH).deb

DEPENDS := libc6, libjansson4, libftdi1-2, libusb-1.0-0, libudev1, libssl3, verilator, \
	yosys, g++, python3, systemd
RECOMMENDS := nextpnr-ice40, fpga-icestorm, iverilog, python3-pytest

.PHONY: deb
deb:
	@rm -rf build/deb && mkdir -p $(STAGE)/DEBIAN
	@$(MAKE) -s -f mk/install.mk install PREFIX=/usr DESTDIR=$(CURDIR)/$(STAGE) >/dev/null
	@rm $(STAGE)/usr/share/hil/installed
	@printf '%s\n' "Package: hil" "Version: $(VERSION)" "Architecture: $(ARCH)" \
		"Maintainer: hil <hil@localhost>" "Section: electronics" "Priority: optional" \
		"Depends: $(DEPENDS)" "Recommends: $(RECOMMENDS)" \
		"Installed-Size: $$(du -sk $(STAGE)/usr | cut -f1)" \
		"Description: hardware-in-the-loop runs of a DUT on iCE40 boards and their simulators" \
		" hil runs stimulus scripts and Python tests on a design under test, on an" \
		" iCE40 board behind hil's bridge or on its Verilator model, with the same" \
		" trace on every backend; hild shares a machine's boards." >$(STAGE)/DEBIAN/control
	@install -m 755 mk/deb-postinst $(STAGE)/DEBIAN/postinst
	@install -m 755 mk/deb-postrm $(STAGE)/DEBIAN/postrm
	@dpkg-deb --root-owner-group --build $(STAGE) $(DEB) >/dev/null
	@echo "hil: $(DEB)"
