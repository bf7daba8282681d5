/* A DUT directory's sources, read once: validated names, contents in
 * memory, and the hash they contribute to the build cache's key. The
 * directory's path may hold any character: it is opened, never written
 * into a script or a command line. */
#ifndef HIL_DUTSRC_H
#define HIL_DUTSRC_H

#include <openssl/evp.h>
#include <stddef.h>

#define HIL_DUT_MAX_FILES 512
#define HIL_DUT_MAX_BYTES (64u << 20)

struct dut_file {
	char name[256]; /* a plain name: letters, digits, '_', '+', '-', '.' */
	char *data;
	size_t len;
	int compile; /* a .v file the tools read; headers (.vh) only travel */
};

struct dut_src {
	struct dut_file *f;
	size_t n;
};

/* Reads the .v and .vh files of dir (the .v ones are compiled). A file name
 * hil cannot pass safely is refused, named in the message. Returns 0 or -1
 * with a message in err. */
int dut_src_read(struct dut_src *s, const char *dir, char *err, size_t errlen);
/* Feeds names and contents to a hash. */
void dut_src_hash(const struct dut_src *s, EVP_MD_CTX *h);
/* Writes every file into the folder `to` (which exists). */
int dut_src_write(const struct dut_src *s, const char *to, char *err, size_t errlen);
void dut_src_free(struct dut_src *s);

/* s as shown to a person: printable characters as they are, the others as
 * \xNN, at most outlen bytes. */
void hil_escape(const char *s, char *out, size_t outlen);

#endif
