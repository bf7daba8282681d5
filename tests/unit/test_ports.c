/* ports.json: a good file (tests/fixtures/unit/ports_alu.json), the DUT
 * signature against values computed outside hil, and one bad file for every
 * check the loader makes, each refused with a message naming the file and
 * the port at fault. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "hil/ports.h"

static char tmp[64];

/* Writes `text` to a temporary file; the path is in tmp. */
static void put(const char *text)
{
	strcpy(tmp, "/tmp/hil_test_ports_XXXXXX");
	int fd = mkstemp(tmp);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	size_t n = strlen(text);
	CHECK(write(fd, text, n) == (ssize_t)n);
	close(fd);
}

/* Loads `text` expecting failure with a message holding the file name and
 * every one of the fragments (up to three; NULL ends). */
static void bad(const char *text, const char *f1, const char *f2, const char *f3)
{
	struct hil_ports p;
	char err[512] = "";
	put(text);
	int rc = hil_ports_load(&p, tmp, err, sizeof(err));
	CHECK(rc == -1);
	CHECK(p.port == NULL && p.n == 0);
	CHECK(strstr(err, tmp) != NULL);
	const char *frag[] = {f1, f2, f3};
	for (int i = 0; i < 3 && frag[i]; i++)
		if (!strstr(err, frag[i])) {
			fprintf(stderr, "message '%s' lacks '%s'\n", err, frag[i]);
			CHECK(!"message fragment");
		}
	if (rc == 0)
		hil_ports_free(&p);
	unlink(tmp);
}

static void test_good(void)
{
	struct hil_ports p;
	char err[512] = "";
	int rc = hil_ports_load(&p, "tests/fixtures/unit/ports_alu.json", err, sizeof(err));
	CHECK(rc == 0);
	if (rc) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	CHECK(!strcmp(p.top, "alu") && !strcmp(p.clock, "clk"));
	CHECK(p.n == 5);
	CHECK(!strcmp(p.port[0].name, "a") && p.port[0].is_input && p.port[0].width == 8 &&
	      p.port[0].nbytes == 1);
	CHECK(!strcmp(p.port[2].name, "op") && p.port[2].width == 3);
	CHECK(!strcmp(p.port[3].name, "sum") && !p.port[3].is_input && p.port[3].width == 9 &&
	      p.port[3].nbytes == 2);
	CHECK(!strcmp(p.port[4].name, "flag") && p.port[4].nbytes == 1);
	/* FNV-1a 64 of "hil-ports-v1\na in 8\nb in 8\nop in 3\nsum out 9\n
	 * flag out 1\n", computed with a Python one-liner:
	 *   h = 0xcbf29ce484222325
	 *   for b in text.encode(): h = ((h ^ b) * 0x100000001b3) % 2**64 */
	CHECK(p.signature == 0x5aaedb7ce2744458ull);
	CHECK(hil_ports_signature(&p) == 0x5aaedb7ce2744458ull);
	CHECK(hil_ports_find(&p, "sum") == 3);
	CHECK(hil_ports_find(&p, "a") == 0);
	CHECK(hil_ports_find(&p, "clk") == -1);
	CHECK(hil_ports_find(&p, "SUM") == -1);
	CHECK(hil_ports_find(&p, "") == -1);
	hil_ports_free(&p);
	CHECK(p.port == NULL && p.n == 0);
}

static void test_signature(void)
{
	/* tests/fixtures/vectors/vcounter, by the same Python one-liner. */
	struct hil_port v[] = {
		{"rst", 1, 1, 1}, {"en", 1, 1, 1}, {"count", 0, 8, 1}, {"wrap", 0, 1, 1}};
	struct hil_ports p = {"vcounter", "clk", v, 4, 0, ""};
	CHECK(hil_ports_signature(&p) == 0x0f8b133898183eefull);
	/* Parameter overrides are part of it: a board built with other
	 * values is refused although its ports are alike. */
	snprintf(p.params, sizeof(p.params), "DEPTH=8");
	uint64_t d8 = hil_ports_signature(&p);
	snprintf(p.params, sizeof(p.params), "DEPTH=16");
	CHECK(d8 != 0x0f8b133898183eefull && d8 != hil_ports_signature(&p));
	p.params[0] = '\0';
	/* The empty list hashes the header line alone. */
	p.n = 0;
	CHECK(hil_ports_signature(&p) == 0xeb7a784d55c8f4d3ull);
	/* Each field of a port changes it. */
	p.n = 4;
	v[2].width = 9;
	CHECK(hil_ports_signature(&p) != 0x0f8b133898183eefull);
	v[2].width = 8;
	v[3].is_input = 1;
	CHECK(hil_ports_signature(&p) != 0x0f8b133898183eefull);
}

#define HEAD "{\"top\": \"alu\", \"clock\": \"clk\", \"signature\": \"5aaedb7ce2744458\", "
#define P0   "{\"name\": \"a\", \"dir\": \"in\", \"width\": 8, \"index\": 0}"
#define REST                                                                                  \
	", {\"name\": \"b\", \"dir\": \"in\", \"width\": 8, \"index\": 1}, "                  \
	"{\"name\": \"op\", \"dir\": \"in\", \"width\": 3, \"index\": 2}, "                   \
	"{\"name\": \"sum\", \"dir\": \"out\", \"width\": 9, \"index\": 3}, "                 \
	"{\"name\": \"flag\", \"dir\": \"out\", \"width\": 1, \"index\": 4}]}"

static void test_bad(void)
{
	struct hil_ports p;
	char err[512] = "";
	CHECK(hil_ports_load(&p, "tests/fixtures/unit/nope.json", err, sizeof(err)) == -1);
	CHECK(strstr(err, "nope.json") && strstr(err, "No such file"));

	/* The good file as a string, to show the macros are right. */
	put(HEAD "\"ports\": [" P0 REST);
	CHECK(hil_ports_load(&p, tmp, err, sizeof(err)) == 0);
	hil_ports_free(&p);
	unlink(tmp);

	bad("{\"top\": ", "", NULL, NULL);
	bad("[1, 2]", "not a JSON object", NULL, NULL);
	bad("{\"top\": \"a\", \"top\": \"b\"}", "duplicate", NULL, NULL);
	bad("{\"clock\": \"clk\"}", "\"top\"", NULL, NULL);
	bad("{\"top\": \"a b\", \"clock\": \"clk\"}", "\"top\"", "a b", "identifier");
	bad("{\"top\": \"alu\"}", "\"clock\"", NULL, NULL);
	bad("{\"top\": \"alu\", \"clock\": \"clk\", \"signature\": \"123\", \"ports\": []}",
	    "signature", "16 hex", NULL);
	bad("{\"top\": \"alu\", \"clock\": \"clk\", \"signature\": \"5aaedb7ce274445g\"}",
	    "signature", "16 hex", NULL);
	bad(HEAD "\"ports\": {}}", "\"ports\"", NULL, NULL);
	bad(HEAD "\"ports\": []}", "0 ports", "1 to 254", NULL);
	bad(HEAD "\"ports\": [3" REST, "port 0", "not an object", NULL);
	bad(HEAD "\"ports\": [{\"dir\": \"in\", \"width\": 8, \"index\": 0}" REST, "port 0",
	    "\"name\"", NULL);
	bad(HEAD
	    "\"ports\": [{\"name\": \"a[0]\", \"dir\": \"in\", \"width\": 8, \"index\": 0}" REST,
	    "port 0", "a[0]", "identifier");
	bad(HEAD
	    "\"ports\": [{\"name\": \"a\", \"dir\": \"inout\", \"width\": 8, \"index\": 0}" REST,
	    "port 0 ('a')", "\"dir\"", NULL);
	bad(HEAD "\"ports\": [{\"name\": \"a\", \"width\": 8, \"index\": 0}" REST,
	    "port 0 ('a')", "\"dir\"", NULL);
	bad(HEAD
	    "\"ports\": [{\"name\": \"a\", \"dir\": \"in\", \"width\": 0, \"index\": 0}" REST,
	    "port 0 ('a')", "\"width\" is 0", "1 to 256");
	bad(HEAD
	    "\"ports\": [{\"name\": \"a\", \"dir\": \"in\", \"width\": 257, \"index\": 0}" REST,
	    "port 0 ('a')", "\"width\" is 257", NULL);
	bad(HEAD
	    "\"ports\": [{\"name\": \"a\", \"dir\": \"in\", \"width\": \"8\", \"index\": 0}" REST,
	    "port 0 ('a')", "integer \"width\"", NULL);
	bad(HEAD
	    "\"ports\": [{\"name\": \"a\", \"dir\": \"in\", \"width\": 8.0, \"index\": 0}" REST,
	    "port 0 ('a')", "integer \"width\"", NULL);
	bad(HEAD "\"ports\": [{\"name\": \"a\", \"dir\": \"in\", \"width\": 8}" REST,
	    "port 0 ('a')", "\"index\"", NULL);
	bad(HEAD
	    "\"ports\": [{\"name\": \"a\", \"dir\": \"in\", \"width\": 8, \"index\": 1}" REST,
	    "port 0 ('a')", "\"index\" 1", "position 0");
	bad(HEAD "\"ports\": [" P0
		 ", {\"name\": \"a\", \"dir\": \"in\", \"width\": 8, \"index\": 1}]}",
	    "port 1 ('a')", "same name as port 0", NULL);
	bad(HEAD
	    "\"ports\": [{\"name\": \"clk\", \"dir\": \"in\", \"width\": 8, \"index\": 0}" REST,
	    "port 0 ('clk')", "clock", NULL);
	/* A good list under another signature: edited, or another DUT's. */
	bad("{\"top\": \"alu\", \"clock\": \"clk\", \"signature\": \"5aaedb7ce2744459\", "
	    "\"ports\": [" P0 REST,
	    "5aaedb7ce2744459", "5aaedb7ce2744458", "rebuild");
	/* One width changed, signature kept. */
	bad(HEAD
	    "\"ports\": [{\"name\": \"a\", \"dir\": \"in\", \"width\": 7, \"index\": 0}" REST,
	    "signature", "hashes to", NULL);

	/* A name of 127 characters fits, 128 does not. */
	char big[600];
	snprintf(big, sizeof(big),
		 HEAD "\"ports\": [{\"name\": \"%0128d\", \"dir\": "
		      "\"in\", \"width\": 8, \"index\": 0}" REST,
		 0);
	big[strlen(HEAD) + 20] = 'n'; /* an identifier starts with a letter */
	bad(big, "port 0", "longer than 127", NULL);
}

/* 254 ports load, 255 do not; the signature of the long list is written
 * with the library's own hash, which test_signature checks. */
static void test_count(void)
{
	struct hil_port *v = calloc(255, sizeof(*v));
	char *text = malloc(255 * 80 + 200);
	CHECK(v && text);
	if (!v || !text) {
		free(v);
		free(text);
		return;
	}
	for (int n = 254; n <= 255; n++) {
		struct hil_ports p = {"many", "clk", v, (size_t)n, 0, ""};
		for (int i = 0; i < n; i++) {
			snprintf(v[i].name, sizeof(v[i].name), "p%d", i);
			v[i].is_input = i % 2;
			v[i].width = (unsigned)(i % 256 + 1);
		}
		size_t o = (size_t)sprintf(text,
					   "{\"top\": \"many\", \"clock\": \"clk\", "
					   "\"signature\": \"%016llx\", \"ports\": [",
					   (unsigned long long)hil_ports_signature(&p));
		for (int i = 0; i < n; i++)
			o += (size_t)sprintf(text + o,
					     "%s{\"name\": \"%s\", \"dir\": \"%s\", "
					     "\"width\": %u, \"index\": %d}",
					     i ? ", " : "", v[i].name,
					     v[i].is_input ? "in" : "out", v[i].width, i);
		strcpy(text + o, "]}");
		if (n == 255) {
			bad(text, "255 ports", "1 to 254", NULL);
			continue;
		}
		char err[512] = "";
		struct hil_ports q;
		put(text);
		CHECK(hil_ports_load(&q, tmp, err, sizeof(err)) == 0);
		CHECK(q.n == 254 && q.port[253].width == 254 && q.port[253].nbytes == 32);
		CHECK(hil_ports_find(&q, "p253") == 253);
		hil_ports_free(&q);
		unlink(tmp);
	}
	free(v);
	free(text);
}

/* Something that is not a port list at all, and far too big to be one. */
static void test_huge(void)
{
	size_t n = (1u << 20) + 10;
	char *text = malloc(n + 1);
	CHECK(text != NULL);
	if (!text)
		return;
	memset(text, ' ', n);
	text[0] = '{';
	text[n - 1] = '}';
	text[n] = '\0';
	bad(text, "larger than", NULL, NULL);
	free(text);
}

int main(void)
{
	test_good();
	test_signature();
	test_bad();
	test_count();
	test_huge();
	return CHECK_DONE();
}
