/* TLS from libhil's client to hild: see tlsc.h. */
#include "hil/tls.h"
#include "util/errfmt.h"
#include "util/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct hil_tlsc {
	SSL_CTX *ctx;
	SSL *ssl;
};

/* OpenSSL sends with write(2), which raises SIGPIPE on a connection the
 * peer has closed: a library must not kill its program for that. The
 * signal is held back around each call, and one the call raised is taken
 * off before it is let through again. */
struct hush {
	sigset_t old;
	int had; /* SIGPIPE was pending already: not ours to take */
};

static sigset_t only_sigpipe(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGPIPE);
	return s;
}

static void hush(struct hush *h)
{
	sigset_t pipe = only_sigpipe(), pending;
	pthread_sigmask(SIG_BLOCK, &pipe, &h->old);
	sigpending(&pending);
	h->had = sigismember(&pending, SIGPIPE);
}

static void unhush(struct hush *h)
{
	sigset_t pipe = only_sigpipe(), pending;
	sigpending(&pending);
	if (!h->had && sigismember(&pending, SIGPIPE)) {
		struct timespec now = {0, 0};
		sigtimedwait(&pipe, NULL, &now);
	}
	pthread_sigmask(SIG_SETMASK, &h->old, NULL);
}

static void reason(char *err, size_t errlen, const char *what)
{
	char buf[256];
	unsigned long e = ERR_get_error();
	ERR_error_string_n(e, buf, sizeof(buf));
	hil_fail(err, errlen, "%s: %s", what, e ? buf : "the connection closed");
	ERR_clear_error();
}

static int credentials(SSL_CTX *ctx, char *err, size_t errlen)
{
	const char *ca = getenv("HIL_TLS_CA"), *cert = getenv("HIL_TLS_CERT"),
		   *key = getenv("HIL_TLS_KEY");
	char what[300];
	if (ca && *ca ? SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1
		      : SSL_CTX_set_default_verify_paths(ctx) != 1) {
		snprintf(what, sizeof(what), "HIL_TLS_CA %.250s", ca ? ca : "(system CAs)");
		reason(err, errlen, what);
		return -1;
	}
	if (cert && *cert && SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		snprintf(what, sizeof(what), "HIL_TLS_CERT %.250s", cert);
		reason(err, errlen, what);
		return -1;
	}
	if (cert && *cert &&
	    SSL_CTX_use_PrivateKey_file(ctx, key && *key ? key : cert, SSL_FILETYPE_PEM) !=
		    1) {
		snprintf(what, sizeof(what), "HIL_TLS_KEY %.250s", key && *key ? key : cert);
		reason(err, errlen, what);
		return -1;
	}
	return 0;
}

struct hil_tlsc *hil_tlsc_open(int fd, const char *host, int timeout_ms, char *err,
			       size_t errlen)
{
	struct hil_tlsc *t = calloc(1, sizeof(*t));
	if (!t || !(t->ctx = SSL_CTX_new(TLS_client_method()))) {
		hil_fail(err, errlen, "TLS: out of memory");
		free(t);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
	SSL_CTX_set_mode(t->ctx,
			 SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
	if (credentials(t->ctx, err, errlen) < 0)
		goto fail;
	t->ssl = SSL_new(t->ctx);
	if (!t->ssl || SSL_set_fd(t->ssl, fd) != 1 || SSL_set1_host(t->ssl, host) != 1 ||
	    SSL_set_tlsext_host_name(t->ssl, host) != 1) {
		reason(err, errlen, "TLS");
		goto fail;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	uint64_t end = hil_mono_ms() + (uint64_t)timeout_ms;
	for (;;) {
		struct hush h;
		hush(&h);
		int rc = SSL_connect(t->ssl);
		unhush(&h);
		if (rc == 1)
			return t;
		int e = SSL_get_error(t->ssl, rc);
		struct pollfd p = {fd, e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, 0};
		long left = (long)end - (long)hil_mono_ms();
		if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) || left <= 0 ||
		    poll(&p, 1, (int)left) != 1) {
			long v = SSL_get_verify_result(t->ssl);
			char what[300];
			snprintf(what, sizeof(what), "TLS handshake with %.200s", host);
			if (v != X509_V_OK)
				hil_fail(
					err, errlen,
					"TLS to %.200s: its certificate is not "
					"trusted (%s); set HIL_TLS_CA to the CA that signed it",
					host, X509_verify_cert_error_string(v));
			else
				reason(err, errlen, what);
			goto fail;
		}
	}
fail:
	hil_tlsc_close(t);
	return NULL;
}

ssize_t hil_tls_outcome(void *ssl, int rc, int *wants)
{
	int e = SSL_get_error(ssl, rc);
	if (wants)
		*wants = e == SSL_ERROR_WANT_WRITE ? HIL_TLS_WANTS_WRITE
			: e == SSL_ERROR_WANT_READ ? HIL_TLS_WANTS_READ
						   : HIL_TLS_WANTS_NONE;
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		errno = EAGAIN;
		return -1;
	}
	ERR_clear_error();
	if (e == SSL_ERROR_ZERO_RETURN)
		return 0;
	errno = ECONNRESET;
	return -1;
}

ssize_t hil_tlsc_read(struct hil_tlsc *t, void *buf, size_t n)
{
	size_t got;
	struct hush h;
	hush(&h);
	ERR_clear_error();
	int rc = SSL_read_ex(t->ssl, buf, n, &got);
	unhush(&h);
	return rc == 1 ? (ssize_t)got : hil_tls_outcome(t->ssl, rc, NULL);
}

ssize_t hil_tlsc_write(struct hil_tlsc *t, const void *buf, size_t n)
{
	size_t put;
	struct hush h;
	hush(&h);
	ERR_clear_error();
	int rc = SSL_write_ex(t->ssl, buf, n, &put);
	unhush(&h);
	return rc == 1 ? (ssize_t)put : hil_tls_outcome(t->ssl, rc, NULL);
}

size_t hil_tlsc_pending(struct hil_tlsc *t)
{
	return (size_t)SSL_pending(t->ssl);
}

void hil_tlsc_close(struct hil_tlsc *t)
{
	if (!t)
		return;
	if (t->ssl) {
		struct hush h;
		hush(&h);
		SSL_shutdown(t->ssl);
		unhush(&h);
		SSL_free(t->ssl);
	}
	ERR_clear_error();
	SSL_CTX_free(t->ctx);
	free(t);
}
