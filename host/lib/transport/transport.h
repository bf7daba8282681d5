/* A byte transport under the link layer: the sim model's socket, and later
 * FTDI, tty and USB. Non-blocking reads and writes plus a wait, so the link
 * can run its retransmission timers in a single thread. */
#ifndef HIL_TRANSPORT_H
#define HIL_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct hil_transport;

struct hil_transport_ops {
	/* Writes up to n bytes; returns how many (0 if it would block), -1 on
	 * error with a message in the transport. */
	ssize_t (*write)(struct hil_transport *t, const void *p, size_t n);
	/* Reads up to n bytes; returns how many (0 if none now), -1 on error or
	 * end of stream. */
	ssize_t (*read)(struct hil_transport *t, void *p, size_t n);
	/* Waits until bytes may be read (or written, if want_write), at most
	 * timeout_ms. Returns -1 on error. */
	int (*wait)(struct hil_transport *t, int want_write, int timeout_ms);
	void (*close)(struct hil_transport *t);
	/* The in-process model only (NULL elsewhere): reads a signal inside
	 * the DUT as it stands, between two runs (hil_model_signal). Returns
	 * 1, or 0 with the reason in the transport's err. */
	int (*signal)(struct hil_transport *t, const char *name, uint8_t *val, size_t cap,
		      unsigned *width);
	/* The in-process model only (NULL elsewhere): its lane, pokes that
	 * skip the byte port (hil_model_lane, whose entries and rules these
	 * are). lane takes whole entries while there is room and returns how
	 * many bytes, or -1 with a message in err; cycles is the DUT's edges
	 * so far; len 0 with p NULL drops what the lane holds. */
	ssize_t (*lane)(struct hil_transport *t, const uint8_t *p, size_t len);
	uint64_t (*cycles)(struct hil_transport *t);
	/* The in-process model only (NULL elsewhere): a poke made at once in
	 * the DUT's current cycle (hil_model_poke_now), for a caller whose
	 * every command has been written and acknowledged. Returns 1 when
	 * made, 0 when it must go as a POKE, -1 with a message in err. */
	int (*poke_now)(struct hil_transport *t, uint64_t cycle, int port, const uint8_t *val,
			size_t len);
};

struct hil_transport {
	const struct hil_transport_ops *ops;
	int rto_ms; /* retransmission timeout suited to this transport */
	/* A transport that can put its bridge back in the state it had when
	 * the transport opened (an FX2 board's FPGA configured again after a
	 * power cut) sets can_restart and counts in restarts each time it
	 * did; the link then replays the session from its start. */
	int can_restart;
	unsigned restarts;
	char err[512];
};

/* Loads the Verilator model `so_path` (hil-model.so) into this process
 * (transport/model.c); waves: NULL, or the file a traced model dumps
 * every DUT signal to. */
struct hil_transport *hil_transport_model(const char *so_path, const char *waves, char *err,
					  size_t errlen);

/* Starts the Verilator model `sim_path` on a socketpair (the ce: model and
 * the board-level ones). */
struct hil_transport *hil_transport_sim(const char *sim_path, char *err, size_t errlen);

struct hil_board;
struct hil_usbsel;

/* Board b's UART channel through libftdi (transport/ftdi.c). */
struct hil_transport *hil_transport_ftdi(const struct hil_board *b,
					 const struct hil_usbsel *sel, char *err,
					 size_t errlen);

/* An FX2 board's bulk endpoints (transport/usb.c), its FPGA configured
 * with img first unless it holds it already. */
struct hil_transport *hil_transport_usb(const struct hil_board *b, const uint8_t *img,
					size_t len, char *err, size_t errlen);

/* A serial device (/dev/ttyUSB*, /dev/ttyACM*) at baud, raw. */
struct hil_transport *hil_transport_tty(const char *path, unsigned long baud, char *err,
					size_t errlen);

/* Wraps `inner` in a shim that damages bytes in both directions, for the
 * lossy-link test: spec is "rate=1e-3,seed=N,chunk=1|burst". Each byte is,
 * with probability rate each, dropped, flipped, duplicated, or followed by a
 * random byte. chunk=1 hands bytes over one per call, burst as they come. */
struct hil_transport *hil_transport_fault(struct hil_transport *inner, const char *spec,
					  char *err, size_t errlen);

#endif
