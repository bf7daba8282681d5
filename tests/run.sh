#!/bin/sh
# Runs every test suite (make test), or the suites named:
#   sh tests/run.sh hild usb unit-test_link
# (a suite is a folder of tests/suites with a run.sh, or unit-NAME for
# build/asan/test/NAME). Each suite prints its own closing line
# "N passed, M failed" (tests/lib.sh); this script adds them up and prints
# the total last.
# Set HIL to test another hil binary (default: the sanitizer build).
cd "$(dirname "$0")/.." || exit 2
HIL=${HIL:-build/asan/bin/hil}
export HIL
# Models build into a cache of the test run's own, so each run starts clean
# and nothing lands in the user's ~/.cache.
HIL_CACHE=${HIL_CACHE:-$PWD/build/cache}
export HIL_CACHE
log=build/test-logs
mkdir -p "$log"
total_p=0
total_f=0

# Is the suite one of those asked for (all when none is named)?
wanted() {
	[ -z "$only" ] && return 0
	case " $only " in *" $1 "*) return 0 ;; esac
	return 1
}
only="$*"
for n in $only; do
	[ -x "tests/suites/$n/run.sh" ] || [ -x "build/asan/test/${n#unit-}" ] ||
		{ echo "tests/run.sh: no suite '$n' (a folder of tests/suites with run.sh, or unit-NAME)" >&2; exit 2; }
done

# The closing line of suite $1, whose run exited $2, added to the totals.
tally() {
	name=$1 rc=$2
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log/$name.log" | tail -n 1)
	if [ -z "$line" ]; then
		# A suite that died before its closing line counts as one failure.
		tail -n 20 "$log/$name.log"
		line="0 passed, 1 failed"
	elif [ "$rc" -ne 0 ] || ! echo "$line" | grep -q ' 0 failed'; then
		grep -vE '^(ok|PASS)' "$log/$name.log" | tail -n 40
		echo "$line" | grep -q ' 0 failed' && line="$(echo "$line" | cut -d, -f1), 1 failed"
	fi
	p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	printf '   %s\n' "$line"
	total_p=$((total_p + p))
	total_f=$((total_f + f))
}

suite() {
	name=$1
	shift
	wanted "$name" || return 0
	printf '== %s\n' "$name"
	t0=$(date +%s)
	"$@" >"$log/$name.log" 2>&1
	rc=$?
	echo "   $(($(date +%s) - t0)) s" >"$log/$name.time"
	tally "$name" $rc
	cat "$log/$name.time"
}

# Most suites keep one core of two busy. These, each CPU-bound on one core
# (libFuzzer's runs; Yosys, Verilator and cocotb's simulators one after
# another; Icarus on mutants and on the oracle's testbenches), run one
# after the other beside the suites
# that follow boards (which uses both), and are counted at the end: make
# test takes minutes less.
BESIDE="fuzz build cocotb mutants oracle"
beside() {
	for n in $BESIDE; do
		wanted "$n" || continue
		t0=$(date +%s)
		"tests/suites/$n/run.sh" >"$log/$n.log" 2>&1
		echo $? >"$log/$n.rc"
		echo "   $(($(date +%s) - t0)) s" >"$log/$n.time"
	done
}

for t in build/asan/test/test_*; do
	[ -x "$t" ] && suite "unit-$(basename "$t")" "$t"
done
bpid=""
rm -f "$log"/*.rc
for s in tests/suites/*/run.sh; do
	n=$(basename "$(dirname "$s")")
	case " $BESIDE " in *" $n "*) continue ;; esac
	[ -x "$s" ] && suite "$n" "$s"
	if [ -z "$bpid" ]; then
		beside &
		bpid=$!
	fi
done
if [ -n "$bpid" ]; then
	wait "$bpid"
	for n in $BESIDE; do
		wanted "$n" || continue
		printf '== %s (beside the others)\n' "$n"
		tally "$n" "$(cat "$log/$n.rc" 2>/dev/null || echo 1)"
		cat "$log/$n.time" 2>/dev/null
	done
fi

echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
