#!/bin/sh
# hild, the daemon, as far as it goes yet (issue 5): its socket, the
# client protocol's handshake and request/reply matching, the errors that
# end one connection and leave the rest served, its client limit, a client
# that never reads dropped, 200 clients at once, and a clean stop on
# SIGTERM. tests/hild/client.py does
# the talking and counts; this script adds the start and stop checks.
cd "$(dirname "$0")/../.." || exit 2
HILD=${HILD:-$(dirname "${HIL:-build/asan/bin/hil}")/hild}
w=build/hild-tests
rm -rf $w && mkdir -p $w
p=0 f=0
ok() { echo "ok $1"; p=$((p + 1)); }
bad() { echo "FAIL $1"; f=$((f + 1)); }

start() {
	$HILD "$@" --state $w/state --foreground 2>>$w/hild.log &
	pid=$!
	i=0
	while [ ! -S "$2" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}

start --socket $w/a.sock
a=$pid
start --socket $w/b.sock --max-clients 2
b=$pid
start --socket $w/c.sock --max-msg 1024 --max-out 2048
c=$pid
timeout 120 python3 tests/hild/client.py $w/a.sock $w/b.sock $w/c.sock >$w/client.out 2>&1
cat $w/client.out
line=$(tail -n 1 $w/client.out)
cp=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
cf=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
[ -n "$cp" ] || { cp=0; cf=1; }
p=$((p + cp))
f=$((f + cf))

# A second hild on a live socket refuses, and leaves the first alone.
$HILD --socket $w/a.sock --foreground >$w/second.out 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q 'another hild is serving' $w/second.out && [ -S $w/a.sock ]; then
	ok "a second hild on the same socket: refused, the first untouched"
else
	cat $w/second.out; bad "second hild (exit $rc)"
fi

# SIGTERM: exit 0, socket gone.
kill -TERM $a $b $c
wait $a
ra=$?
wait $b
wait $c
if grep -q 'c.sock' $w/hild.log && grep -q '1 dropped' $w/hild.log; then
	ok "the dropped client is counted in hild's log"
else
	bad "dropped client not in the log"
fi
if [ $ra -eq 0 ] && [ ! -e $w/a.sock ] && grep -q 'hild: stopped' $w/hild.log; then
	ok "SIGTERM: exit 0, socket removed"
else
	cat $w/hild.log; bad "SIGTERM (exit $ra)"
fi

echo "$p passed, $f failed"
[ $f -eq 0 ]
