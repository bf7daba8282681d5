#!/bin/sh
# make install into a temporary prefix, then everything a user does with
# an installed hil, from a directory outside any checkout with this one
# hidden (a tmpfs mounted over it in a mount namespace of its own: as if the
# clone had been renamed away, so nothing can reach into it): an example
# copied there runs with the installed hil to the tree's trace, in sim and
# on a UART board's model (the compact bridge, gateware/seq); a C program
# builds with `pkg-config --cflags --libs libhil` and runs; the example's
# Python test passes under Debian's pytest, which finds the installed
# plugin by itself; `hild --help` exits 0; the man pages format. Then make
# uninstall leaves no file behind. The same again with the Debian package
# (make deb, dpkg -i, dpkg -r). Needs root (unshare -m, dpkg), as make
# test runs in CI.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
root=$PWD
w=build/install-tests
rm -rf $w && mkdir -p $w

prefix=$(mktemp -d /tmp/hil-prefix.XXXXXX)
out=$(mktemp -d /tmp/hil-outside.XXXXXX)
trap 'rm -rf "$prefix" "$out"' EXIT
if make -s -f mk/install.mk install PREFIX=$prefix >$w/install.log 2>&1; then
	ok "make install PREFIX=$prefix: $(tail -n 1 $w/install.log)"
else
	cat $w/install.log; bad "make install"
fi
pydir=$(ls -d $prefix/lib/python3*/dist-packages)
cp -r examples/counter $out/
build/bin/hil run --direct --dut examples/counter examples/counter/test.hil >$out/expected 2>$w/expected.err
cat >$out/prog.c <<'C'
#include <hil/hil.h>
#include <stdio.h>

int main(void)
{
	hil_t *h;
	char err[512];
	if (hil_open(&h, "sim:counter", NULL, err, sizeof(err)) != HIL_OK) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	uint8_t one = 1, v = 0;
	hil_poke(h, hil_port(h, "en"), &one);
	hil_step(h, 5);
	hil_peek(h, hil_port(h, "count"), &v);
	printf("count %u\n", v);
	hil_close(h);
	return 0;
}
C
# Runs everything a user does, from $out, with the checkout hidden; $1
# names the install in the messages, $2 the shell lines that set up its
# environment.
outside() {
	rm -f $out/*.rc $out/*.out $out/checkout.seen
	unshare -m sh -s <<SH >$w/outside-$1.log 2>&1
mount -t tmpfs none "$root" || exit 3
cd $out
unset HIL_ROOT HIL_HILD HIL_LIBHIL PYTHONPATH LD_LIBRARY_PATH PKG_CONFIG_PATH
export HIL_CACHE=$out/cache-$1
$2
ls $root | wc -l >checkout.seen
hil run --direct --dut counter counter/test.hil >run.trace 2>run.err; echo \$? >run.rc
hil run --target uart:icebreaker:counter counter/test.hil >uart.trace 2>uart.err; echo \$? >uart.rc
cc prog.c \$(pkg-config --cflags --libs libhil) -o prog 2>cc.err && ./prog >prog.out 2>prog.err
echo \$? >prog.rc
/usr/bin/python3 -m pytest -q -p no:cacheprovider counter/test_counter.py >pytest.out 2>&1
echo \$? >pytest.rc
hild --help >/dev/null 2>&1; echo \$? >hild-help.rc
hil doctor icebreaker >doctor.out 2>&1; echo \$? >doctor.rc
nroff -man \$(dirname \$(dirname \$(command -v hil)))/share/man/man1/hil.1 >man1.txt 2>&1
nroff -man \$(dirname \$(dirname \$(command -v hil)))/share/man/man8/hild.8 >man8.txt 2>&1
SH
	[ "$(cat $out/checkout.seen 2>/dev/null)" = 0 ] &&
		ok "$1: the checkout is hidden from what runs next" ||
		{ cat $w/outside-$1.log; bad "$1: checkout not hidden"; }
	[ "$(cat $out/run.rc)" = 0 ] && cmp -s $out/run.trace $out/expected &&
		ok "$1: the installed hil runs an example copied outside to the tree's trace ($(wc -l <$out/expected) lines)" ||
		{ tail -5 $out/run.err; bad "$1: installed hil run (exit $(cat $out/run.rc))"; }
	[ "$(cat $out/uart.rc)" = 0 ] && cmp -s $out/uart.trace $out/expected &&
		ok "$1: the installed hil runs it on a UART board's model (the compact bridge) to the same trace" ||
		{ tail -5 $out/uart.err; bad "$1: installed hil run on uart:icebreaker (exit $(cat $out/uart.rc))"; }
	[ "$(cat $out/prog.rc)" = 0 ] && [ "$(cat $out/prog.out)" = "count 5" ] &&
		ok "$1: a C program built with pkg-config --cflags --libs libhil runs: $(cat $out/prog.out)" ||
		{ cat $out/cc.err $out/prog.err 2>/dev/null | tail -5; bad "$1: pkg-config program"; }
	[ "$(cat $out/pytest.rc)" = 0 ] && grep -q "passed" $out/pytest.out &&
		ok "$1: the example's Python test under Debian's pytest with the installed plugin: $(tail -n 1 $out/pytest.out)" ||
		{ tail -15 $out/pytest.out; bad "$1: installed pytest plugin"; }
	# No board is attached: the doctor stops at USB and lists the
	# installed examples it would have run.
	[ "$(cat $out/doctor.rc)" = 1 ] && grep -q '^usb  *FAIL  no icebreaker' $out/doctor.out &&
		[ "$(grep -c '^[a-z]*  *skip  an earlier step failed' $out/doctor.out)" -eq $(($(ls -d examples/*/ | wc -l) + 1)) ] &&
		ok "$1: hil doctor finds the installed examples (no board: usb FAIL, the rest skipped)" ||
		{ cat $out/doctor.out; bad "$1: hil doctor installed (exit $(cat $out/doctor.rc))"; }
	[ "$(cat $out/hild-help.rc)" = 0 ] && ok "$1: hild --help exits 0" ||
		bad "$1: hild --help exit $(cat $out/hild-help.rc)"
	grep -q "run a design under test" $out/man1.txt && grep -q "the hil daemon" $out/man8.txt &&
		ok "$1: man hil and man hild format" || bad "$1: man pages"
}

outside prefix "export PATH=$prefix/bin:\$PATH PKG_CONFIG_PATH=$prefix/lib/pkgconfig LD_LIBRARY_PATH=$prefix/lib PYTHONPATH=$pydir"
make -s -f mk/install.mk uninstall PREFIX=$prefix >$w/uninstall.log 2>&1
left=$(find $prefix -type f -o -type l | head -n 5)
[ -z "$left" ] && ok "make uninstall leaves no file in the prefix" ||
	bad "make uninstall left: $left"
# The Debian package: built, installed with dpkg, used as above with
# nothing set but the cache, removed; nothing of it is left.
if make -s -f mk/deb.mk deb >$w/deb.log 2>&1; then
	deb=$(sed -n 's/^hil: //p' $w/deb.log)
	ok "make deb: $deb, Depends: $(dpkg-deb -f $deb Depends)"
else
	cat $w/deb.log; bad "make deb"
fi
trap 'dpkg -P hil >/dev/null 2>&1; rm -rf "$prefix" "$out"' EXIT
dpkg-deb -c $deb | awk '{print $NF}' | sed 's|^\./|/|' | grep -v '/$' >$w/deb.files
if dpkg -i $deb >$w/dpkg-i.log 2>&1 && getent passwd hild >/dev/null && getent group hil-admin >/dev/null; then
	ok "dpkg -i: installed, its postinst made user hild and groups hil, hil-admin"
else
	cat $w/dpkg-i.log; bad "dpkg -i"
fi
outside deb ":"
dpkg -r hil >$w/dpkg-r.log 2>&1
left=$(while read -r x; do [ -e "$x" ] || [ -L "$x" ] && echo "$x"; done <$w/deb.files | head -n 5)
if [ -z "$left" ] && ! getent passwd hild >/dev/null && ! getent group hil >/dev/null &&
	! getent group hil-admin >/dev/null; then
	ok "dpkg -r: none of its $(wc -l <$w/deb.files) files, no user or group of its left"
else
	cat $w/dpkg-r.log; bad "dpkg -r left: $left"
fi
# dpkg keeps a removed package's maintainer scripts until it is purged.
dpkg -P hil >$w/dpkg-p.log 2>&1
! dpkg -s hil >/dev/null 2>&1 && ok "dpkg -P: dpkg holds nothing of hil either" ||
	{ cat $w/dpkg-p.log; bad "dpkg -P"; }

summary
