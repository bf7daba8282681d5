/* libhil's session insides: the handle, and the table of functions each
 * kind of session fills (libusb's backend table, for the idea). hil.c
 * checks every call's arguments, keeps the session log and calls the
 * backend: direct.c runs the link layer to a bridge itself; remote.c
 * sends each call to hild as a request. */
#ifndef HIL_SESSION_H
#define HIL_SESSION_H

#include "hil/board.h"
#include "hil/hil.h"
#include "hil/log.h"
#include "hil/targets.h"
#include "hil/usbdev.h"

#define CYCLE_MAX ((1ull << 48) - 1)

struct watcher {
	hil_watch_fn fn;
	void *user;
};

/* Each is called with arguments hil.c has checked (a port that exists, a
 * value that fits it, cycles within the counter); each returns a HIL_
 * status and reports an error with hil_seterr. */
struct hil_backend {
	int (*poke_at)(hil_t *h, int port, uint64_t cycle, const uint8_t *val);
	int (*peek)(hil_t *h, int port, uint8_t *val);
	/* Runs to target, or to a break before it (*broke), and sets now to
	 * where the DUT stands; without a break, vals gets the k ports'
	 * values there (HIL_MAX_PORT_BYTES each). k is 0 unless
	 * samples_with_run. */
	int (*run)(hil_t *h, uint64_t target, int *broke, size_t k, const int *ports,
		   uint8_t *vals);
	int (*watch)(hil_t *h, int port, int on);
	/* As hil_wait; sets now, and records it in the log (hil_record)
	 * before anything else goes to the target. */
	int (*wait)(hil_t *h, int port, int ne, const uint8_t *val, const uint8_t *mask,
		    uint64_t timeout, uint64_t *at);
	int (*sync)(hil_t *h);
	int (*stats)(hil_t *h, struct hil_link_stats *s);
	/* hil_peek_signal, with a name hil.c has checked for its characters. */
	int (*signal)(hil_t *h, const char *name, uint8_t *val, unsigned *width);
	/* Frees what its open made, also after an open that failed half way. */
	void (*close)(hil_t *h);
	/* Does run read ports along with the run (one round trip), or does
	 * hil.c peek them after it? */
	int samples_with_run;
};

struct hil {
	const struct hil_backend *be; /* NULL until an open got far enough */
	struct hil_direct *direct;    /* direct.c's state */
	struct hil_remote *remote;    /* remote.c's state */
	struct hil_ports ports;
	uint64_t now;
	struct watcher *watch;     /* one a port */
	struct hil_log_writer log; /* hil_options.record */
	char err[512];
};

__attribute__((format(printf, 3, 4))) int hil_seterr(hil_t *h, int code, const char *fmt, ...);
/* Appends to the session log, if there is one; HIL_E_RECORD on failure. */
int hil_record(hil_t *h, enum hil_log_kind kind, int port, uint64_t cycle, const uint8_t *val);

/* Each fills h (ports, now, be) for a target of its kind; on failure the
 * reason is in err, and hil_close(h) frees what was made. */
int hil_direct_open(hil_t *h, const struct hil_target *tg, const struct hil_options *opt,
		    char *err, size_t errlen);
int hil_remote_open(hil_t *h, const char *uri, const struct hil_options *opt, char *err,
		    size_t errlen);

/* board_target.c: a board target's board and device (ftdi:, tty:, usb:),
 * and the transport that reaches it. */
struct hil_board_target {
	struct hil_board board;
	struct hil_usbsel sel;
	char serial[64], tty[200];
};
int hil_board_target_parse(const char *kind, const char *mid, struct hil_board_target *bt,
			   char *err, size_t errlen);
struct hil_transport *hil_board_target_open(const struct hil_board_target *bt,
					    const char *kind, const char *dir,
					    uint64_t signature, char *err, size_t errlen);

#endif
