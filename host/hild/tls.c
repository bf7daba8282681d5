/* TLS for TCP clients (OpenSSL): the server's certificate and key, and,
 * with --tls-client-ca, client certificates that CA signed are required
 * too (the token is asked for on top either way). The stream (stream.c)
 * reads and writes through here as it would through read(2) and write(2):
 * a call that must wait for the socket returns -1 with errno EAGAIN and
 * says whether it waits to write. Buffers are released while a
 * connection is quiet, so an idle TLS client costs a few kilobytes. */
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "hild.h"
#include "hil/tls.h"

static void ssl_reason(char *err, size_t errlen, const char *what, const char *file)
{
	char buf[256];
	ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
	snprintf(err, errlen, "%s %s: %s", what, file, buf);
}

int tls_setup(struct hild *d, char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx) {
		snprintf(err, errlen, "TLS: OpenSSL could not make a context");
		return -1;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_mode(ctx,
			 SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
				 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (SSL_CTX_use_certificate_chain_file(ctx, d->cfg.tls_cert) != 1) {
		ssl_reason(err, errlen, "--tls-cert", d->cfg.tls_cert);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, d->cfg.tls_key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		ssl_reason(err, errlen, "--tls-key", d->cfg.tls_key);
		goto fail;
	}
	if (d->cfg.tls_client_ca) {
		if (SSL_CTX_load_verify_locations(ctx, d->cfg.tls_client_ca, NULL) != 1) {
			ssl_reason(err, errlen, "--tls-client-ca", d->cfg.tls_client_ca);
			goto fail;
		}
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
				   NULL);
	}
	d->tls = ctx;
	return 0;
fail:
	SSL_CTX_free(ctx);
	return -1;
}

void tls_cleanup(struct hild *d)
{
	SSL_CTX_free(d->tls);
	d->tls = NULL;
}

void *tls_accept(struct hild *d, int fd)
{
	SSL *ssl = SSL_new(d->tls);
	if (ssl && SSL_set_fd(ssl, fd) != 1) {
		SSL_free(ssl);
		return NULL;
	}
	if (ssl)
		SSL_set_accept_state(ssl);
	return ssl;
}

ssize_t tls_read(void *t, void *buf, size_t n, int *wants)
{
	size_t got = 0;
	ERR_clear_error();
	int rc = SSL_read_ex(t, buf, n, &got);
	*wants = HIL_TLS_WANTS_NONE;
	return rc == 1 ? (ssize_t)got : hil_tls_outcome(t, rc, wants);
}

ssize_t tls_write(void *t, const void *buf, size_t n, int *wants)
{
	size_t put = 0;
	ERR_clear_error();
	int rc = SSL_write_ex(t, buf, n, &put);
	*wants = HIL_TLS_WANTS_NONE;
	return rc == 1 ? (ssize_t)put : hil_tls_outcome(t, rc, wants);
}

int tls_ready(void *t)
{
	return SSL_is_init_finished((SSL *)t);
}

size_t tls_pending(void *t)
{
	return (size_t)SSL_pending(t);
}

int tls_peer_name(void *t, char *buf, size_t n)
{
	X509 *cert = SSL_get1_peer_certificate(t);
	X509_NAME *sub = cert && SSL_get_verify_result(t) == X509_V_OK
		? X509_get_subject_name(cert)
		: NULL;
	int at = sub ? X509_NAME_get_index_by_NID(sub, NID_commonName, -1) : -1;
	unsigned char *utf8 = NULL;
	int len = -1;
	/* Exactly one common name, taken whole: a name cut short or picked
	 * from several could be two certificates' at once. */
	if (at >= 0 && X509_NAME_get_index_by_NID(sub, NID_commonName, at) < 0)
		len = ASN1_STRING_to_UTF8(
			&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(sub, at)));
	int ok = len > 0 && (size_t)len < n && !memchr(utf8, 0, (size_t)len);
	if (ok)
		snprintf(buf, n, "%.*s", len, (const char *)utf8);
	OPENSSL_free(utf8);
	X509_free(cert);
	return ok ? 0 : -1;
}

void tls_free(void *t)
{
	if (!t)
		return;
	/* One close_notify if the socket takes it now; never waits. */
	SSL_shutdown(t);
	ERR_clear_error();
	SSL_free(t);
}
