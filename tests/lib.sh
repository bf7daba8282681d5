# The helpers every suite's runner sources (tests/suites/NAME/run.sh, run
# from anywhere by tests/run.sh), once it has gone to the repository's root:
#   cd "$(dirname "$0")/../../.." || exit 2
#   . tests/lib.sh
# They count the suite's checks and write the closing line tests/run.sh
# adds up; `two` runs builds two at a time (mk/fuzz.sh uses it too).

p=0 f=0

# ok WHAT: a check passed.
ok() {
	echo "ok $1"
	p=$((p + 1))
}

# bad WHAT [LOG]: a check failed; the end of LOG, if given, goes under it.
bad() {
	echo "FAIL $1"
	[ -n "${2:-}" ] && tail -n 8 "$2" | sed 's/^/    /'
	f=$((f + 1))
}

# tally FILE: adds the closing line that ends FILE, from a part of the
# suite that counts its own checks, to the suite's counts; a part that
# ended without one counts as one failure.
tally() {
	_line=$(tail -n 1 "$1")
	_np=$(echo "$_line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	_nf=$(echo "$_line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	[ -n "$_np" ] || { _np=0; _nf=1; }
	p=$((p + _np))
	f=$((f + _nf))
}

# part OUT CMD...: runs CMD, such a part, into OUT, shows what it printed
# and tallies it.
part() {
	_out=$1
	shift
	"$@" >"$_out" 2>&1
	cat "$_out"
	tally "$_out"
}

# summary: the suite's closing line, "N passed, M failed"; its status is
# whether none failed, for the runner's own exit status.
summary() {
	echo "$p passed, $f failed"
	[ $f -eq 0 ]
}

# two CMD ARGS...: starts CMD in the background and, once two are
# running, waits for both (the machines have two cores); two_wait waits
# for the rest.
two_jobs=""
two() {
	"$@" &
	two_jobs="$two_jobs $!"
	if [ $(echo $two_jobs | wc -w) -ge 2 ]; then
		wait $two_jobs
		two_jobs=""
	fi
}
two_wait() {
	wait $two_jobs
	two_jobs=""
}
