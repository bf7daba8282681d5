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

/* What a file is, by its name's end. */
enum dut_kind {
	DUT_HEADER,  /* .vh, .svh: included, not compiled */
	DUT_DATA,    /* .hex, .mem, .dat, .bin: for $readmemh and $readmemb */
	DUT_VERILOG, /* .v */
	DUT_SV,      /* .sv: SystemVerilog */
};

struct dut_file {
	char name[256]; /* a plain name: letters, digits, '_', '+', '-', '.' */
	char *data;
	size_t len;
	enum dut_kind kind;
	int compile; /* a .v or .sv file the tools read; the others only travel */
};

struct dut_src {
	struct dut_file *f;
	size_t n;
};

/* Reads the sources of dir (.v, .sv; headers .vh, .svh; memory files .hex,
 * .mem, .dat, .bin). A file name hil cannot pass safely is refused, named
 * in the message. Returns 0 or -1 with a message in err. */
int dut_src_read(struct dut_src *s, const char *dir, char *err, size_t errlen);
/* Adds the headers (.vh, .svh, .v, .sv) of an --include folder, the k-th,
 * as incK/NAME: a header's folder in the build is src/incK. */
int dut_src_include(struct dut_src *s, const char *dir, int k, char *err, size_t errlen);
/* Feeds names and contents to a hash. */
void dut_src_hash(const struct dut_src *s, EVP_MD_CTX *h);
/* Writes (or writes again) every file into the folder `to` (which exists),
 * to be read from `final` (absolute: `to` itself, or where it will be
 * renamed to). A $readmemh or $readmemb of a memory file of the DUT's,
 * named relative to the DUT's directory, is pointed at its copy in
 * `final`, so that every tool finds it wherever it runs. */
int dut_src_write(const struct dut_src *s, const char *to, const char *final, char *err,
		  size_t errlen);
void dut_src_free(struct dut_src *s);

/* s as shown to a person: printable characters as they are, the others as
 * \xNN, at most outlen bytes. */
void hil_escape(const char *s, char *out, size_t outlen);

#endif
