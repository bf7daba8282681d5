/* What to do with a SETUP packet: the decision, kept apart from the EP0
 * register work in main.c so that the host's unit tests can check every
 * request. The FX2 answers SET_ADDRESS itself; anything not listed here,
 * or with a wrong direction or length, stalls. */
#ifndef HILFX2_SETUP_H
#define HILFX2_SETUP_H

#include <stdint.h>

enum setup_action {
	SETUP_STALL,
	SETUP_SEND,       /* send ptr[0..len) (a descriptor or a reply buffer) */
	SETUP_ACK,        /* status stage only */
	SETUP_SET_CONFIG, /* value: 0 or 1 */
	SETUP_GET_CONFIG,
	SETUP_SET_INTERFACE,
	SETUP_GET_INTERFACE,
	SETUP_GET_STATUS,
	SETUP_CLEAR_HALT, /* value: the endpoint address */
	SETUP_IDENTIFY,
	SETUP_STATUS,
	SETUP_CONFIG_BEGIN,
	SETUP_CONFIG_DATA, /* len: bytes in the data stage */
	SETUP_CONFIG_END,
	SETUP_RESET,
	SETUP_ROM,
};

struct setup_route {
	uint8_t action;
	uint16_t value;
	uint16_t len; /* bytes to send (capped at wLength) or to receive */
	const uint8_t *ptr;
};

/* raw: the 8 bytes of SETUPDAT. */
void setup_decide(const uint8_t *raw, uint8_t highspeed, struct setup_route *r);

#endif
