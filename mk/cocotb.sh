# Sourced by make bench (mk/bench_cocotb.sh) and make test
# (tests/suites/cocotb): cocotb 1.9.2 for Debian's python3, used from
# build/cocotb if it is there, else from python3 itself if it has it (pip
# install cocotb==1.9.2), else installed into build/cocotb from the release
# sources in COCOTB_SRC (cocotb-1.9.2.tar.gz and
# find_libpython-0.4.1.tar.gz; needs python3-dev, python3-pip,
# python3-setuptools, g++). cocotb_find LOGDIR sets ccpath (for
# PYTHONPATH, may be empty) and ccbin (for PATH, ends in ':' or is empty);
# it returns 1 after saying why there is none.
# The pinned sources sit in ../shared/third_party beside hil's tree on the
# project's machines, at /work/shared on a clone made elsewhere.
[ -d ../shared/third_party ] || [ ! -d /work/shared/third_party ] ||
	COCOTB_SRC=${COCOTB_SRC:-/work/shared/third_party}
COCOTB_SRC=${COCOTB_SRC:-../shared/third_party}

# cocotb's version as Debian's python3 sees it with PYTHONPATH $1 (may be empty).
cocotb_version() {
	PYTHONPATH=$1 /usr/bin/python3 -m cocotb.config --version 2>/dev/null
}

cocotb_find() {
	cc=$PWD/build/cocotb
	if [ "$(cocotb_version "$cc")" = 1.9.2 ] && [ -x "$cc/bin/cocotb-config" ]; then
		ccpath=$cc ccbin=$cc/bin:
		return 0
	fi
	if [ "$(cocotb_version "")" = 1.9.2 ] && command -v cocotb-config >/dev/null 2>&1; then
		ccpath="" ccbin=""
		return 0
	fi
	src=$(cd "$COCOTB_SRC" 2>/dev/null && pwd) &&
		[ -f "$src/cocotb-1.9.2.tar.gz" ] && [ -f "$src/find_libpython-0.4.1.tar.gz" ] || {
		echo "no cocotb 1.9.2: pip install cocotb==1.9.2, or set COCOTB_SRC to a" \
			"directory with cocotb-1.9.2.tar.gz and find_libpython-0.4.1.tar.gz" >&2
		return 1
	}
	echo "installing cocotb 1.9.2 into build/cocotb" >&2
	u=$1/cocotb-src
	rm -rf "$u" "$cc" && mkdir -p "$u" || return 1
	(cd "$u" && tar xzf "$src/find_libpython-0.4.1.tar.gz" && tar xzf "$src/cocotb-1.9.2.tar.gz") &&
		/usr/bin/python3 -m pip install --no-cache-dir --no-build-isolation --no-deps \
			--target "$cc" "$u/find_libpython-0.4.1" "$u/cocotb-1.9.2" >"$1/cocotb-pip.log" 2>&1 &&
		[ "$(cocotb_version "$cc")" = 1.9.2 ] || {
		tail -20 "$1/cocotb-pip.log" >&2
		rm -rf "$cc"
		return 1
	}
	rm -rf "$u"
	ccpath=$cc ccbin=$cc/bin:
}
