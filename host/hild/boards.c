/* The boards hild owns: those the config file lists, and simulator boards
 * made on demand from a DUT directory ("sim-N", at most --max-sims at
 * once). One FIFO holds everyone waiting for a board (clients opening a
 * session, queued jobs); whenever a board comes free the queue is scanned
 * from its head and the first waiter that board suits gets it, so nobody
 * is overtaken for the board they asked for and nobody starves. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hil/dut.h"
#include "hil/hil.h"
#include "hild.h"
#include "hil/targets.h"

#define OFFLINE_RETRY_MS 30000
#define PRESENCE_MS      2000

enum state {
	FREE,
	LEASED,
	RESETTING,
	OFFLINE
};
static const char *const state_names[] = {"free", "leased", "resetting", "offline"};

struct board {
	char name[64], type[48], uri[1024], bitstream[1024];
	char params[1024]; /* an on-demand sim's parameter overrides, canonical */
	int internals;     /* an on-demand sim whose insides the session reads */
	int ondemand;
	int absent; /* offline because it is not plugged in */
	enum state state;
	struct session *sess;
	struct job *job;
	char why[256];
	uint64_t timer;
	struct hild *d;
	struct board *next;
};

struct waiter {
	struct waiter *prev, *next;
	struct client *c;
	json_t *id;
	struct job *job;
	int direct, internals;
	char board[64], type[48], sim[1000], params[1024];
};

const char *board_name(const struct board *b)
{
	return b->name;
}

const char *board_uri(const struct board *b)
{
	return b->uri;
}

const char *board_bitstream(const struct board *b)
{
	return b->bitstream[0] ? b->bitstream : NULL;
}

const char *board_params(const struct board *b)
{
	return b->params;
}

int board_internals(const struct board *b)
{
	return b->internals;
}

int board_is_sim(const struct board *b)
{
	return b->ondemand;
}

void boards_set_session(struct board *b, struct session *s)
{
	b->sess = s;
}

void boards_set_job(struct board *b, struct job *j)
{
	b->job = j;
	b->state = LEASED;
}

struct board *boards_find(struct hild *d, const char *name)
{
	for (struct board *b = d->boards; b; b = b->next)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

static const char *dut_of(const struct board *b)
{
	const char *c = strrchr(b->uri, ':');
	return c ? c + 1 : "";
}

static void announce(struct hild *d, struct board *b)
{
	char topic[96];
	snprintf(topic, sizeof(topic), "board/%s/state", b->name);
	json_t *e = json_pack("{s:s}", "state", state_names[b->state]);
	if (b->state == OFFLINE)
		json_object_set_new(e, "why", json_string(b->why));
	topics_publish(d, topic, e, NULL);
}

static int name_ok(const char *s)
{
	if (!*s || strlen(s) >= 64)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return 0;
	return 1;
}

static int ondemand_name(const char *s)
{
	if (strncmp(s, "sim-", 4) || !s[4])
		return 0;
	for (s += 4; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

int boards_load(struct hild *d, char *err, size_t errlen)
{
	json_error_t e;
	const char *path = d->cfg.config;
	if (!path)
		return 0;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
	if (!root) {
		snprintf(err, errlen, "%s:%d: %s", path, e.line, e.text);
		return -1;
	}
	json_t *list = json_object_get(root, "boards");
	int rc = -1;
	if (!json_is_array(list)) {
		snprintf(err, errlen,
			 "%s: expected {\"boards\": [{\"name\": ..., \"type\": "
			 "..., \"uri\": ..., \"bitstream\": ...}, ...]}",
			 path);
		goto out;
	}
	size_t i;
	json_t *j;
	struct board **tail = &d->boards;
	json_array_foreach(list, i, j)
	{
		const char *name = json_string_value(json_object_get(j, "name"));
		const char *type = json_string_value(json_object_get(j, "type"));
		const char *uri = json_string_value(json_object_get(j, "uri"));
		json_t *bs = json_object_get(j, "bitstream");
		if (!name || !name_ok(name) || ondemand_name(name)) {
			snprintf(err, errlen,
				 "%s: board %zu: \"name\" must be letters, digits, "
				 "'-', '_' or '.' (and not sim-N, which hild gives its "
				 "on-demand simulators)",
				 path, i + 1);
			goto out;
		}
		if (boards_find(d, name)) {
			snprintf(err, errlen, "%s: two boards are called %s", path, name);
			goto out;
		}
		if (!type || !name_ok(type)) {
			snprintf(err, errlen,
				 "%s: board %s: \"type\" must name the board "
				 "type (icebreaker, sim, ...)",
				 path, name);
			goto out;
		}
		if (!uri ||
		    (strncmp(uri, "sim:", 4) && strncmp(uri, "ce:", 3) &&
		     strncmp(uri, "netlist:", 8) && strncmp(uri, "uart:", 5) &&
		     strncmp(uri, "ftdi:", 5) && strncmp(uri, "tty:", 4) &&
		     strncmp(uri, "usb:", 4) && strncmp(uri, "fx2:", 4)) ||
		    strlen(uri) >= 1024) {
			snprintf(err, errlen,
				 "%s: board %s: \"uri\" must be a hil target: "
				 "ftdi:BOARD[@SERIAL]:DIR, tty:BOARD@DEV:DIR, usb:BOARD:DIR, "
				 "sim:DIR, ce:DIR, netlist:BOARD:DIR, uart:BOARD:DIR or "
				 "fx2:BOARD:DIR",
				 path, name);
			goto out;
		}
		if (bs && (!json_is_string(bs) || json_string_length(bs) >= 1024)) {
			snprintf(err, errlen, "%s: board %s: \"bitstream\" must be a path",
				 path, name);
			goto out;
		}
		if (bs && !strncmp(uri, "usb:", 4)) {
			snprintf(err, errlen,
				 "%s: board %s: a usb: board's FPGA is configured "
				 "at every session with its DUT's bitstream (hil bitstream "
				 "--board ... --dut ...): leave \"bitstream\" out",
				 path, name);
			goto out;
		}
		if (bs && access(json_string_value(bs), R_OK) != 0) {
			snprintf(err, errlen, "%s: board %s: bitstream %s: %s", path, name,
				 json_string_value(bs), strerror(errno));
			goto out;
		}
		struct board *b = calloc(1, sizeof(*b));
		if (!b) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		b->d = d;
		snprintf(b->name, sizeof(b->name), "%s", name);
		snprintf(b->type, sizeof(b->type), "%s", type);
		snprintf(b->uri, sizeof(b->uri), "%s", uri);
		if (bs)
			snprintf(b->bitstream, sizeof(b->bitstream), "%s",
				 json_string_value(bs));
		else if (!strncmp(uri, "ftdi:", 5) || !strncmp(uri, "tty:", 4))
			hild_log("board %s has no bitstream: hild cannot reset it "
				 "between sessions, so a session may find the DUT as "
				 "the last one left it",
				 name);
		*tail = b;
		tail = &b->next;
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

static int queued_for(struct hild *d, const struct board *b)
{
	int n = 0;
	for (struct waiter *w = d->wait_head; w; w = w->next)
		n += !strcmp(w->board, b->name) || !strcmp(w->type, b->type);
	return n;
}

json_t *boards_list(struct hild *d)
{
	json_t *a = json_array();
	int sims_waiting = 0;
	for (struct waiter *w = d->wait_head; w; w = w->next)
		sims_waiting += w->sim[0] != 0;
	for (struct board *b = d->boards; b; b = b->next) {
		json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:i}", "name", b->name, "type",
				      b->type, "uri", b->uri, "dut", dut_of(b), "state",
				      state_names[b->state], "on_demand", b->ondemand,
				      "queued", b->ondemand ? 0 : queued_for(d, b));
		char who[128] = "";
		if (b->job)
			snprintf(who, sizeof(who), "job %lu", job_id(b->job));
		if (b->sess)
			snprintf(who, sizeof(who), "session %lu", session_id(b->sess));
		if (who[0])
			json_object_set_new(o, "leased_by", json_string(who));
		if (b->state == OFFLINE)
			json_object_set_new(o, "why", json_string(b->why));
		if (b->bitstream[0])
			json_object_set_new(o, "bitstream", json_string(b->bitstream));
		json_array_append_new(a, o);
	}
	return json_pack("{s:o,s:i,s:i,s:i}", "boards", a, "sims", d->nsims, "max_sims",
			 d->cfg.max_sims, "sims_queued", sims_waiting);
}

static void unlink_waiter(struct hild *d, struct waiter *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		d->wait_head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		d->wait_tail = w->prev;
	if (w->c)
		client_set_waiter(w->c, NULL);
}

void boards_unwait(struct hild *d, struct waiter *w)
{
	unlink_waiter(d, w);
	json_decref(w->id);
	free(w);
}

void boards_cancel_wait(struct hild *d, struct waiter *w)
{
	struct client *c = w->c;
	client_reply_error(c, w->id, "closed",
			   "the open was withdrawn by a close "
			   "before a board came free");
	client_done(c);
	boards_unwait(d, w);
}

static void enqueue(struct hild *d, struct waiter *w)
{
	w->prev = d->wait_tail;
	if (d->wait_tail)
		d->wait_tail->next = w;
	else
		d->wait_head = w;
	d->wait_tail = w;
}

int boards_wait(struct hild *d, struct client *c, json_t *id, json_t *req, char *err,
		size_t errlen)
{
	const char *name = json_string_value(json_object_get(req, "board"));
	const char *type = json_string_value(json_object_get(req, "type"));
	const char *sim = json_string_value(json_object_get(req, "sim"));
	if (!!name + !!type + !!sim != 1) {
		snprintf(err, errlen,
			 "open takes one of \"board\": NAME, \"type\": T "
			 "or \"sim\": DUT_DIRECTORY");
		return -1;
	}
	if (name && !boards_find(d, name)) {
		snprintf(err, errlen,
			 "hild has no board called '%s' (hil boards lists "
			 "them)",
			 name);
		return -1;
	}
	if (name && boards_find(d, name)->ondemand) {
		snprintf(err, errlen,
			 "%s is an on-demand simulator: open \"sim\" with a "
			 "DUT directory for one of your own",
			 name);
		return -1;
	}
	if (type) {
		struct board *b = d->boards;
		while (b && (b->ondemand || strcmp(b->type, type)))
			b = b->next;
		if (!b) {
			snprintf(err, errlen,
				 "hild has no board of type '%s' (hil boards "
				 "lists them)",
				 type);
			return -1;
		}
	}
	if (sim && (sim[0] != '/' || strlen(sim) >= 1000 || access(sim, R_OK | X_OK))) {
		snprintf(err, errlen,
			 "sim: '%s' must be the absolute path of a DUT "
			 "directory hild can read",
			 sim);
		return -1;
	}
	json_t *pj = json_object_get(req, "params");
	char params[1024] = "";
	if (pj && (!sim || !json_is_string(pj))) {
		snprintf(err, errlen,
			 "\"params\" (a string, \"NAME=VALUE,...\") go with \"sim\": a "
			 "board runs the DUT it was built with");
		return -1;
	}
	if (pj &&
	    hil_params_canon(json_string_value(pj), params, sizeof(params), err, errlen) < 0)
		return -1;
	json_t *ij = json_object_get(req, "internals");
	if (ij && (!sim || !json_is_boolean(ij))) {
		snprintf(err, errlen,
			 "\"internals\" (true or false) goes with \"sim\": signals inside the "
			 "DUT are read in simulation only");
		return -1;
	}
	struct waiter *w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	w->c = c;
	w->direct = json_is_true(json_object_get(req, "direct"));
	w->internals = json_is_true(ij);
	w->id = json_incref(id);
	snprintf(w->board, sizeof(w->board), "%s", name ? name : "");
	snprintf(w->type, sizeof(w->type), "%s", type ? type : "");
	snprintf(w->sim, sizeof(w->sim), "%s", sim ? sim : "");
	snprintf(w->params, sizeof(w->params), "%s", params);
	enqueue(d, w);
	client_set_waiter(c, w);
	boards_dispatch(d);
	return 0;
}

int boards_wait_job(struct hild *d, struct job *j)
{
	struct waiter *w = calloc(1, sizeof(*w));
	if (!w)
		return -1;
	w->job = j;
	char kind[16];
	const char *what = job_target(j, kind, sizeof(kind));
	if (!strcmp(kind, "board"))
		snprintf(w->board, sizeof(w->board), "%s", what);
	else if (!strcmp(kind, "type"))
		snprintf(w->type, sizeof(w->type), "%s", what);
	else
		snprintf(w->sim, sizeof(w->sim), "%s", what);
	enqueue(d, w);
	return 0;
}

/* An on-demand simulator board, counted against --max-sims until released. */
static struct board *sim_board(struct hild *d, unsigned long n, const char *dut,
			       const char *params, int internals)
{
	struct board *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->d = d;
	b->ondemand = 1;
	snprintf(b->name, sizeof(b->name), "sim-%lu", n);
	snprintf(b->type, sizeof(b->type), "sim");
	snprintf(b->uri, sizeof(b->uri), "sim:%s", dut);
	snprintf(b->params, sizeof(b->params), "%s", params);
	b->internals = internals;
	b->next = d->boards;
	d->boards = b;
	d->nsims++;
	return b;
}

int boards_adopt_sim(struct hild *d, struct job *j, const char *name, const char *dut)
{
	char *end;
	unsigned long n = strncmp(name, "sim-", 4) ? 0 : strtoul(name + 4, &end, 10);
	if (!n || *end)
		return -1;
	/* The runner outlived the hild that named its board: later sim
	 * boards are numbered past it, so no two share a name. */
	if (n > d->next_sim)
		d->next_sim = n;
	struct board *b = sim_board(d, n, dut, "", 0);
	if (!b)
		return -1;
	boards_set_job(b, j);
	return 0;
}

static struct board *suitable(struct hild *d, const struct waiter *w)
{
	if (w->sim[0])
		return d->nsims < d->cfg.max_sims
			? sim_board(d, ++d->next_sim, w->sim, w->params, w->internals)
			: NULL;
	for (struct board *b = d->boards; b; b = b->next)
		if (b->state == FREE && !b->ondemand &&
		    (!strcmp(b->name, w->board) || !strcmp(b->type, w->type)))
			return b;
	return NULL;
}

void boards_dispatch(struct hild *d)
{
	if (d->stopping)
		return;
	for (struct waiter *w = d->wait_head, *next; w; w = next) {
		next = w->next;
		struct board *b = suitable(d, w);
		if (!b)
			continue;
		b->state = LEASED;
		announce(d, b);
		unlink_waiter(d, w);
		/* A start that fails releases the board, which may free it. */
		if (w->job)
			jobs_start(d, w->job, b);
		else
			session_start(d, b, w->c, w->id, w->direct);
		json_decref(w->id);
		free(w);
		next = d->wait_head; /* starting may have changed the queue */
	}
}

static long back_online(struct hil_reactor *r, uint64_t id, void *user)
{
	(void)r, (void)id;
	struct board *b = user;
	b->timer = 0;
	b->state = FREE;
	hild_log("board %s: trying it again after being offline (%s)", b->name, b->why);
	announce(b->d, b);
	boards_dispatch(b->d);
	return -1;
}

void boards_mark_resetting(struct board *b)
{
	b->state = RESETTING;
	announce(b->d, b);
}

void boards_release(struct hild *d, struct board *b, const char *offline_why)
{
	b->sess = NULL;
	b->job = NULL;
	if (b->ondemand) {
		for (struct board **p = &d->boards; *p; p = &(*p)->next)
			if (*p == b) {
				*p = b->next;
				break;
			}
		d->nsims--;
		free(b);
	} else if (offline_why) {
		b->state = OFFLINE;
		snprintf(b->why, sizeof(b->why), "%s", offline_why);
		hild_log("board %s is offline: %s", b->name, offline_why);
		b->timer = hil_reactor_timer(d->r, OFFLINE_RETRY_MS, back_online, b);
		announce(d, b);
	} else {
		b->state = FREE;
		announce(d, b);
	}
	boards_dispatch(d);
}

/* A free board on USB (or on a serial device) is looked for every
 * PRESENCE_MS (USB listed once for all of them, the first 64): unplugged,
 * it goes offline; plugged in again, it is free, with a state event each
 * time. A board in use is its session's to watch: the link waits out a
 * replug (HIL_REPLUG_MS) or fails. */
static int looked_for(const struct board *b)
{
	return !b->ondemand && (b->state == FREE || (b->state == OFFLINE && b->absent));
}

static long presence(struct hil_reactor *r, uint64_t id, void *user)
{
	(void)r, (void)id;
	struct hild *d = user;
	const char *uris[64];
	int here[64], n = 0, back = 0;
	for (struct board *b = d->boards; b && n < 64; b = b->next)
		if (looked_for(b))
			uris[n++] = b->uri;
	hil_targets_present(uris, n, here);
	n = 0;
	for (struct board *b = d->boards; b && n < 64; b = b->next) {
		if (!looked_for(b))
			continue;
		int h = here[n++];
		if (h == 0 && b->state == FREE) {
			b->state = OFFLINE;
			b->absent = 1;
			snprintf(b->why, sizeof(b->why),
				 "not plugged in (hild looks for it "
				 "every %d s)",
				 PRESENCE_MS / 1000);
			hild_log("board %s is offline: %s", b->name, b->why);
			announce(d, b);
		} else if (h == 1 && b->state == OFFLINE) {
			b->state = FREE;
			b->absent = 0;
			hild_log("board %s is plugged in again", b->name);
			announce(d, b);
			back = 1;
		}
	}
	if (back)
		boards_dispatch(d);
	return PRESENCE_MS;
}

void boards_watch_presence(struct hild *d)
{
	/* Whether any board is one to look for is in its URI: no USB listing
	 * at start-up beyond the first look itself. */
	for (struct board *b = d->boards; b; b = b->next) {
		struct hil_target tg;
		char err[1600];
		if (!b->ondemand && hil_target_parse(b->uri, &tg, err, sizeof(err)) == 0 &&
		    tg.kind == HIL_TARGET_BOARD) {
			presence(d->r, 0, d);
			hil_reactor_timer(d->r, PRESENCE_MS, presence, d);
			return;
		}
	}
}

void boards_free(struct hild *d)
{
	while (d->wait_head)
		boards_unwait(d, d->wait_head);
	while (d->boards) {
		struct board *b = d->boards;
		d->boards = b->next;
		free(b);
	}
}
