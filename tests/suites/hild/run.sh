#!/bin/sh
# hild, the daemon (issue 5). client.py checks the client protocol's
# framing, handshake and limits; sessions.py the sessions, the fair queue,
# monitors, a board going offline, slow subscribers, TCP with its token
# and the jobs surviving a SIGKILL; direct.py direct sessions (the data on
# the worker's own socket) and a busy worker; hardening.py, isolation.py
# (users), tls.py, load.py (attacks and users at once), params.py (a DUT's
# parameters in opens and jobs), internals.py (signals inside a sim's
# DUT), retention.py and
# storage.py (a full disk) the lab hardening
# (issue 18); this
# script adds the CLI through hild,
# replay and trace export, and the start and stop checks.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
HIL=${HIL:-build/asan/bin/hil}
HILD=${HILD:-$(dirname "${HIL:-build/asan/bin/hil}")/hild}
w=build/hild-tests
rm -rf $w && mkdir -p $w
# The Python parts, beside this script.
py=tests/suites/hild

start() {
	$HILD "$@" --state $w/state --foreground 2>>$w/hild.log &
	pid=$!
	i=0
	while [ ! -S "$2" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}

start --socket $w/a.sock --max-unix 256
a=$pid
start --socket $w/b.sock --max-clients 2
b=$pid
start --socket $w/c.sock --max-msg 1024 --max-out 2048
c=$pid
part $w/client.out timeout 120 python3 $py/client.py $w/a.sock $w/b.sock $w/c.sock

# Sessions, the queue, monitors, limits, TCP and jobs (sessions.py).
mkdir -p $w/sessions
part $w/sessions.out timeout 1200 python3 $py/sessions.py $HILD $HIL $w/sessions
mkdir -p $w/direct
part $w/direct.out timeout 300 python3 $py/direct.py $HILD $w/direct
mkdir -p $w/hardening
part $w/hardening.out timeout 300 python3 $py/hardening.py $HILD $HIL $w/hardening
# Users: clients run as other uids, so it needs root too (as in CI).
mkdir -p $w/isolation && chmod 755 $w $w/isolation
part $w/isolation.out timeout 300 python3 $py/isolation.py $HILD $HIL $w/isolation
mkdir -p $w/tls
part $w/tls.out timeout 300 python3 $py/tls.py $HILD $HIL $w/tls
mkdir -p $w/load
part $w/load.out timeout 600 python3 $py/load.py $HILD $HIL $w/load
mkdir -p $w/params
part $w/params.out timeout 300 python3 $py/params.py $HILD $HIL $w/params
mkdir -p $w/internals
part $w/internals.out timeout 300 python3 $py/internals.py $HILD $HIL $w/internals
mkdir -p $w/retention
part $w/retention.out timeout 300 python3 $py/retention.py $HILD $HIL $w/retention
# The full-disk test mounts a tmpfs in a mount namespace of its own: it
# needs root (as make test runs in CI); without it the part fails.
mkdir -p $w/storage
part $w/storage.out timeout 300 unshare -m python3 $py/storage.py $HILD $HIL $w/storage

# The CLI through a running hild: hil run --dut uses it and says so, the
# session is recorded, and the recording replays identically on the
# netlist backend; a changed recording shows its first difference.
start --socket $w/cli.sock
cli=$pid
export HIL_HILD=$w/cli.sock
$HIL run --dut examples/alu examples/alu/test.hil >$w/via.txt 2>$w/via.err
$HIL run --direct --dut examples/alu examples/alu/test.hil >$w/direct.txt 2>&1
if grep -q "target hild:sim:examples/alu, through hild at $w/cli.sock" $w/via.err &&
	cmp -s $w/via.txt $w/direct.txt; then
	ok "hil run --dut goes through the running hild, says so, and prints the direct run's trace"
else
	cat $w/via.err; bad "hil run through hild"
fi
log=$(ls $w/state/sessions/*-sim-*.hlog 2>/dev/null | tail -n 1)
$HIL replay "$log" --target netlist:icebreaker:examples/alu >$w/replay.out 2>&1
if [ -n "$log" ] && grep -q '^identical' $w/replay.out; then
	ok "the recorded sim session replays on the netlist backend: $(cat $w/replay.out)"
else
	cat $w/replay.out; bad "replay on netlist"
fi
# Flip the low bit of the first sample's value.
awk '!done && /^s / { l = substr($4, length($4)); $4 = substr($4, 1, length($4) - 1) (l == "0" ? "1" : "0"); done = 1 } { print }' "$log" >$w/changed.hlog
$HIL replay $w/changed.hlog --target sim:examples/alu >$w/replay2.out 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q '^first difference at cycle [0-9]*, port ' $w/replay2.out; then
	ok "a changed recording: exit 1, $(cat $w/replay2.out)"
else
	cat $w/replay2.out; bad "replay of a changed recording (exit $rc)"
fi
# A cut log is refused (docs/trace-log.md): cut at a line's end it lacks
# its end record; cut inside a line, that line is unfinished. A log whose
# cycles go back is refused too.
head -n $(($(wc -l <"$log") - 1)) "$log" >$w/cut.hlog
$HIL replay $w/cut.hlog --target sim:examples/alu >$w/cut.out 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "has no end record" $w/cut.out && ! grep -q identical $w/cut.out &&
	ok "a log cut at a line's end: refused (exit 2): $(cat $w/cut.out)" ||
	{ cat $w/cut.out; bad "replay of a log cut at a line's end (exit $rc)"; }
head -c $(($(wc -c <"$log") - 2)) "$log" >$w/cut2.hlog
$HIL replay $w/cut2.hlog --target sim:examples/alu >$w/cut2.out 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "the last line stops before its end: the log was cut" $w/cut2.out &&
	ok "a log cut inside its last line: refused (exit 2)" ||
	{ cat $w/cut2.out; bad "replay of a log cut inside a line (exit $rc)"; }
sed -n '1,/^begin /p' "$log" >$w/back.hlog
printf 't 5\nt 3\ne 5\n' >>$w/back.hlog
$HIL replay $w/back.hlog --target sim:examples/alu >$w/back.out 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "cycle 3 comes after cycle 5: a log's cycles never go back" $w/back.out &&
	ok "a log whose cycles go back: refused (exit 2), naming the line" ||
	{ cat $w/back.out; bad "replay of a log going back in time (exit $rc)"; }
$HIL trace export "$log" --vcd $w/alu.vcd >$w/export.out 2>&1
if grep -q 'enddefinitions' $w/alu.vcd && [ "$(grep -c '^#' $w/alu.vcd)" -gt 2 ]; then
	ok "hil trace export writes the session's VCD"
else
	cat $w/export.out; bad "trace export"
fi
kill -TERM $cli
wait $cli
unset HIL_HILD
$HIL run --dut examples/alu examples/alu/test.hil >/dev/null 2>$w/nohild.err
if ! grep -q 'through hild' $w/nohild.err; then
	ok "with no hild running, hil run --dut runs directly"
else
	bad "hil run with no hild"
fi
# HIL_HILD names a hild that does not answer: an error, not a run that
# quietly leaves hild out (it once ran directly, saying nothing).
HIL_HILD=$w/nobody.sock $HIL run --dut examples/alu examples/alu/test.hil >$w/gone.out 2>$w/gone.err
rc=$?
if [ $rc -eq 2 ] && [ ! -s $w/gone.out ] && grep -q 'HIL_HILD is set, but .*nobody.sock.*--direct' $w/gone.err; then
	ok "hil run with HIL_HILD at a hild that does not answer refuses and says why ($(head -c 150 $w/gone.err))"
else
	cat $w/gone.err; bad "hil run with HIL_HILD unanswered: exit $rc"
fi

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

# The systemd unit: valid as systemd reads it, and sandboxed: its own
# user from boards/hil.sysusers (tried on a copy of /etc), no new
# privileges, a read-only system, devices closed but USB and serial.
sed "s|/usr/local/bin/hild|$PWD/$HILD|" boards/hild.service >$w/hild.service
systemd-analyze verify $w/hild.service >$w/verify.out 2>&1 &&
	ok "systemd-analyze verify accepts boards/hild.service" ||
	{ cat $w/verify.out; bad "systemd-analyze verify"; }
systemd-analyze security --offline=true $w/hild.service >$w/security.out 2>&1
exposure=$(sed -n 's/.*Overall exposure level for hild.service: \([0-9.]*\).*/\1/p' $w/security.out)
held=0
for d in "User=/DynamicUser=" "NoNewPrivileges=" "ProtectSystem=" "PrivateTmp=" \
	"CapabilityBoundingSet=~CAP_SYS_ADMIN" "RestrictSUIDSGID=" "SystemCallFilter=~@mount"; do
	grep -q "✓ $d" $w/security.out && held=$((held + 1))
done
devices=$(sed -n 's/.*device ACL with some special devices: //p' $w/security.out | awk '{$NF=""; print}')
[ -n "$exposure" ] && [ "$(echo "$exposure <= 3.0" | bc)" = 1 ] && [ $held -eq 7 ] &&
	[ "$(echo $devices)" = "char-rtc:r char-ttyACM:rw char-ttyUSB:rw char-usb_device:rw" ] &&
	ok "the unit's exposure (systemd-analyze security) is $exposure of 10: its own user, no new privileges, system read-only, system calls filtered, devices: $devices" ||
	{ grep '✗' $w/security.out | head -n 20; bad "unit sandbox: exposure ${exposure:-?}, $held of 7 held, devices ${devices:-?}"; }
rm -rf $w/sysroot && mkdir -p $w/sysroot/etc
grep -E '^(root|plugdev|dialout):' /etc/group >$w/sysroot/etc/group
grep '^root:' /etc/passwd >$w/sysroot/etc/passwd
: >$w/sysroot/etc/shadow
: >$w/sysroot/etc/gshadow
systemd-sysusers --root=$w/sysroot "$PWD/boards/hil.sysusers" >$w/sysusers.out 2>&1
gid=$(sed -n 's/^hil:x:\([0-9]*\):.*/\1/p' $w/sysroot/etc/group)
if grep -q "^hild:x:[0-9]*:$gid:" $w/sysroot/etc/passwd && grep -q '^plugdev:.*hild' $w/sysroot/etc/group &&
	grep -q '^hil-admin:' $w/sysroot/etc/group; then
	ok "boards/hil.sysusers makes user hild (group hil, in plugdev) and group hil-admin"
else
	cat $w/sysusers.out; bad "sysusers"
fi

summary
