/* TLS from libhil's client to hild (OpenSSL), for tls:HOST:PORT. The
 * server's certificate is checked against $HIL_TLS_CA (a PEM file of the
 * CAs to trust; without it, the system's) and HOST; $HIL_TLS_CERT and
 * $HIL_TLS_KEY give a client certificate when hild asks for one. The
 * socket stays non-blocking: reads and writes that must wait return -1
 * with errno EAGAIN, as recv and send would. */
#ifndef HIL_TLSC_H
#define HIL_TLSC_H

#include <stddef.h>
#include <sys/types.h>

struct hil_tlsc;

/* The handshake over connected socket fd (made non-blocking), waiting
 * at most timeout_ms; NULL with the reason in err. */
struct hil_tlsc *hil_tlsc_open(int fd, const char *host, int timeout_ms, char *err,
			       size_t errlen);
ssize_t hil_tlsc_read(struct hil_tlsc *t, void *buf, size_t n);
ssize_t hil_tlsc_write(struct hil_tlsc *t, const void *buf, size_t n);
/* Bytes decrypted and not yet read: poll(2) does not see them. */
size_t hil_tlsc_pending(struct hil_tlsc *t);
void hil_tlsc_close(struct hil_tlsc *t);

/* What an OpenSSL read or write that returned rc (not 1) means, for both
 * ends (hild's tls.c too): -1 with errno EAGAIN when it waits, and then
 * *wants (if not NULL) says for what; 0 at the peer's clean end; -1 with
 * errno ECONNRESET otherwise. */
enum {
	HIL_TLS_WANTS_NONE,
	HIL_TLS_WANTS_READ,
	HIL_TLS_WANTS_WRITE
};
ssize_t hil_tls_outcome(void *ssl, int rc, int *wants);

#endif
