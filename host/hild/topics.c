/* Topics and subscriptions. A topic is a path of segments
 * ("board/icebreaker-0/port/valid", "board/sim-3/session", "job/17");
 * a pattern may use "*" for exactly one segment and "#" as its last
 * segment for any number of them (MQTT's wildcards). An event is
 * serialised once and sent to every matching subscriber, each with its
 * own subscription id. An event that belongs to a user (a session's
 * ports, a job's states) goes only to that user's subscriptions and an
 * admin's; a board's state is everyone's. */
#include <stdlib.h>
#include <string.h>

#include "hild.h"

#define MAX_PATTERN 256

struct sub {
	unsigned long id;
	struct client *c;
	char pattern[MAX_PATTERN];
	struct sub *next;
};

int topic_match(const char *p, const char *t)
{
	for (;;) {
		if (p[0] == '#' && p[1] == '\0')
			return 1;
		const char *pe = strchr(p, '/'), *te = strchr(t, '/');
		size_t pl = pe ? (size_t)(pe - p) : strlen(p);
		size_t tl = te ? (size_t)(te - t) : strlen(t);
		if (!(pl == 1 && p[0] == '*') && (pl != tl || memcmp(p, t, pl)))
			return 0;
		if (!pe || !te)
			/* "a/#" also matches "a" itself. */
			return !pe && !te ? 1 : pe && !strcmp(pe, "/#");
		p = pe + 1;
		t = te + 1;
	}
}

int topic_valid_pattern(const char *p)
{
	size_t n = strlen(p);
	if (n == 0 || n >= MAX_PATTERN || p[0] == '/' || p[n - 1] == '/' || strstr(p, "//"))
		return 0;
	for (const char *s = p; *s; s++) {
		if ((unsigned char)*s < 0x20)
			return 0;
		/* A wildcard is a whole segment, and # only the last. */
		if ((*s == '*' || *s == '#') &&
		    ((s > p && s[-1] != '/') || (s[1] && s[1] != '/') || (*s == '#' && s[1])))
			return 0;
	}
	return 1;
}

unsigned long topics_subscribe(struct hild *d, struct client *c, const char *pattern)
{
	struct sub *s = calloc(1, sizeof(*s));
	if (!s)
		return 0;
	s->id = ++d->next_sub;
	s->c = c;
	client_count_subs(c, 1);
	snprintf(s->pattern, sizeof(s->pattern), "%s", pattern);
	s->next = d->subs;
	d->subs = s;
	return s->id;
}

int topics_unsubscribe(struct hild *d, struct client *c, unsigned long id)
{
	for (struct sub **p = &d->subs; *p; p = &(*p)->next)
		if ((*p)->id == id && (*p)->c == c) {
			struct sub *s = *p;
			*p = s->next;
			free(s);
			client_count_subs(c, -1);
			return 0;
		}
	return -1;
}

void topics_drop_client(struct hild *d, struct client *c)
{
	for (struct sub **p = &d->subs; *p;) {
		if ((*p)->c == c) {
			struct sub *s = *p;
			*p = s->next;
			free(s);
			client_count_subs(c, -1);
		} else
			p = &(*p)->next;
	}
}

void topics_publish(struct hild *d, const char *topic, json_t *event, const char *owner)
{
	char *body = NULL;
	size_t n = 0;
	/* Oldest subscription first, so a session's owner (subscribed when the
	 * lease began) and its monitors see events in one order. */
	struct sub *match[64], **list = match;
	size_t nm = 0, cap = 64;
	for (struct sub *s = d->subs; s; s = s->next) {
		/* A direct owner has its own board's events from the worker. */
		struct session *own = client_session(s->c);
		if (!topic_match(s->pattern, topic) || (own && session_carries(own, topic)) ||
		    (owner && !client_may_see(s->c, owner)))
			continue;
		if (nm == cap) {
			struct sub **bigger = malloc(2 * cap * sizeof(*bigger));
			if (!bigger)
				break;
			memcpy(bigger, list, nm * sizeof(*bigger));
			if (list != match)
				free(list);
			list = bigger;
			cap *= 2;
		}
		list[nm++] = s;
	}
	if (nm) {
		json_t *j = json_pack("{s:s,s:O}", "topic", topic, "event", event);
		char *full = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(j);
		if (full) {
			body = full + 1; /* past '{': client_event puts "sub" first */
			n = strlen(body);
			/* Sending never frees a client (a drop ends it from the
			 * loop later), so the list stays valid. */
			for (size_t i = nm; i-- > 0;)
				client_event(list[i]->c, list[i]->id, body, n);
		}
		free(full);
	}
	if (list != match)
		free(list);
	json_decref(event);
}
