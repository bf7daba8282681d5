#!/bin/sh
# The lossy-link test: every example's trace through a link that drops,
# corrupts, duplicates and inserts bytes (libhil's fault shim, HIL_FAULTS)
# must equal its clean trace, at 1e-3 and 1e-2 per byte, with bytes handed
# over one at a time and in bursts. The link statistics must show that the
# faults really happened and were recovered from.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
HIL=${HIL:-build/asan/bin/hil}
w=build/lossy
mkdir -p $w
for d in examples/*/ tests/fixtures/duts/lfsr/; do
	[ -f "$d/test.hil" ] || continue
	n=$(basename "$d")
	"$HIL" run --dut "$d" "$d/test.hil" >$w/$n.clean 2>$w/$n.clean.err
	clean_rc=$?
	seed=1
	for rate in 1e-3 1e-2; do
		for chunk in 1 burst; do
			seed=$((seed + 1))
			spec="rate=$rate,seed=$seed,chunk=$chunk"
			HIL_FAULTS=$spec "$HIL" run --stats --dut "$d" "$d/test.hil" \
				>$w/$n.lossy 2>$w/$n.lossy.err
			rc=$?
			damaged=$(sed -n 's/.*bad_frames=\([0-9]*\).*/\1/p' $w/$n.lossy.err)
			if [ $rc -ne $clean_rc ] || ! cmp -s $w/$n.clean $w/$n.lossy; then
				bad "$n $spec: trace or exit status differs (rc $rc vs $clean_rc)"
				diff $w/$n.clean $w/$n.lossy | head -5
				head -3 $w/$n.lossy.err
			elif [ "$rate" = 1e-2 ] && [ "${damaged:-0}" -eq 0 ]; then
				bad "$n $spec: no frame was damaged, the test proved nothing"
			else
				ok "$n $spec ($(grep -o 'bad_frames=.*' $w/$n.lossy.err))"
			fi
		done
	done
done
summary
