# Sourced by the suites that build or run many things: `two CMD ARGS...`
# starts CMD in the background and, once two are running, waits for both
# (the machines have two cores); `two_wait` waits for the rest.
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
