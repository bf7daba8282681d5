#!/bin/sh
# make install into a temporary prefix, then everything a user does with
# an installed hil, from a directory outside any checkout with this one
# hidden (a tmpfs mounted over it in a mount namespace of its own: as if the
# clone had been renamed away, so nothing can reach into it): an example
# copied there runs with the installed hil to the tree's trace; a C program
# builds with `pkg-config --cflags --libs libhil` and runs; the example's
# Python test passes under Debian's pytest, which finds the installed
# plugin by itself; `hild --help` exits 0; the man pages format. Then make
# uninstall leaves no file behind. Needs root (unshare -m), as make test
# runs in CI.
cd "$(dirname "$0")/../.." || exit 2
root=$PWD
w=build/install-tests
rm -rf $w && mkdir -p $w
p=0 f=0
ok() { echo "ok $1"; p=$((p + 1)); }
bad() { echo "FAIL $1"; f=$((f + 1)); }

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
unshare -m sh -s <<SH >$w/outside.log 2>&1
mount -t tmpfs none "$root" || exit 3
cd $out
export PATH=$prefix/bin:\$PATH PKG_CONFIG_PATH=$prefix/lib/pkgconfig LD_LIBRARY_PATH=$prefix/lib
export PYTHONPATH=$pydir HIL_CACHE=$out/cache
unset HIL_ROOT HIL_HILD HIL_LIBHIL
ls $root | wc -l >checkout.seen
hil run --direct --dut counter counter/test.hil >run.trace 2>run.err; echo \$? >run.rc
cc prog.c \$(pkg-config --cflags --libs libhil) -o prog 2>cc.err && ./prog >prog.out 2>prog.err
echo \$? >prog.rc
/usr/bin/python3 -m pytest -q -p no:cacheprovider counter/test_counter.py >pytest.out 2>&1
echo \$? >pytest.rc
hild --help >/dev/null 2>&1; echo \$? >hild-help.rc
nroff -man $prefix/share/man/man1/hil.1 >man1.txt 2>&1; nroff -man $prefix/share/man/man8/hild.8 >man8.txt 2>&1
SH
[ "$(cat $out/checkout.seen 2>/dev/null)" = 0 ] &&
	ok "the checkout is hidden from what runs next" || { cat $w/outside.log; bad "checkout not hidden"; }
[ "$(cat $out/run.rc)" = 0 ] && cmp -s $out/run.trace $out/expected &&
	ok "the installed hil runs an example copied outside to the tree's trace ($(wc -l <$out/expected) lines)" ||
	{ tail -5 $out/run.err; bad "installed hil run (exit $(cat $out/run.rc))"; }
[ "$(cat $out/prog.rc)" = 0 ] && [ "$(cat $out/prog.out)" = "count 5" ] &&
	ok "a C program built with pkg-config --cflags --libs libhil runs: $(cat $out/prog.out)" ||
	{ cat $out/cc.err $out/prog.err 2>/dev/null | tail -5; bad "pkg-config program"; }
[ "$(cat $out/pytest.rc)" = 0 ] && grep -q "passed" $out/pytest.out &&
	ok "the example's Python test under Debian's pytest with the installed plugin: $(tail -n 1 $out/pytest.out)" ||
	{ tail -15 $out/pytest.out; bad "installed pytest plugin"; }
[ "$(cat $out/hild-help.rc)" = 0 ] && ok "hild --help exits 0" || bad "hild --help exit $(cat $out/hild-help.rc)"
grep -q "run a design under test" $out/man1.txt && grep -q "the hil daemon" $out/man8.txt &&
	ok "man hil and man hild format" || bad "man pages"
make -s -f mk/install.mk uninstall PREFIX=$prefix >$w/uninstall.log 2>&1
left=$(find $prefix -type f -o -type l | head -n 5)
[ -z "$left" ] && ok "make uninstall leaves no file in the prefix" ||
	bad "make uninstall left: $left"
echo "$p passed, $f failed"
[ $f -eq 0 ]
