#include "setup.h"

#include "descriptors.h"
#include "hilfx2.h"

#define DIR_IN         0x80
#define TYPE_MASK      0x60
#define TYPE_STANDARD  0x00
#define TYPE_VENDOR    0x40
#define RECIPIENT_MASK 0x1f

static void in_reply(struct setup_route *r, uint8_t action, uint16_t n, uint16_t wlength)
{
	r->action = action;
	r->len = n < wlength ? n : wlength;
}

static void standard(const uint8_t *raw, uint8_t highspeed, struct setup_route *r,
		     uint16_t wvalue, uint16_t wlength)
{
	uint8_t rt = raw[0], recipient = raw[0] & RECIPIENT_MASK;
	const ROM uint8_t *d;
	uint8_t n;

	switch (raw[1]) {
	case 0: /* GET_STATUS */
		if (rt & DIR_IN && recipient <= 2 && wlength == 2)
			in_reply(r, SETUP_GET_STATUS, 2, wlength);
		break;
	case 1: /* CLEAR_FEATURE: only ENDPOINT_HALT on our two endpoints */
		if (rt == 0x02 && wvalue == 0 &&
		    (raw[4] == HILFX2_EP_OUT || raw[4] == HILFX2_EP_IN)) {
			r->action = SETUP_CLEAR_HALT;
			r->value = raw[4];
		}
		break;
	case 6: /* GET_DESCRIPTOR */
		if (rt != 0x80)
			break;
		n = desc_find(wvalue, highspeed, &d);
		if (n) {
			r->ptr = (const uint8_t *)d;
			in_reply(r, SETUP_SEND, n, wlength);
		}
		break;
	case 8: /* GET_CONFIGURATION */
		if (rt == 0x80 && wlength == 1)
			in_reply(r, SETUP_GET_CONFIG, 1, wlength);
		break;
	case 9: /* SET_CONFIGURATION */
		if (rt == 0x00 && wvalue <= 1) {
			r->action = SETUP_SET_CONFIG;
			r->value = wvalue;
		}
		break;
	case 10: /* GET_INTERFACE */
		if (rt == 0x81 && raw[4] == 0 && wlength == 1)
			in_reply(r, SETUP_GET_INTERFACE, 1, wlength);
		break;
	case 11: /* SET_INTERFACE: one interface, one alternate setting */
		if (rt == 0x01 && wvalue == 0 && raw[4] == 0)
			r->action = SETUP_SET_INTERFACE;
		break;
	default:
		break;
	}
}

static void vendor(const uint8_t *raw, struct setup_route *r, uint16_t wlength)
{
	uint8_t in = raw[0] & DIR_IN;

	switch (raw[1]) {
	case HILFX2_REQ_IDENTIFY:
		if (in && wlength)
			in_reply(r, SETUP_IDENTIFY, HILFX2_IDENTIFY_LEN, wlength);
		break;
	case HILFX2_REQ_STATUS:
		if (in && wlength)
			in_reply(r, SETUP_STATUS, HILFX2_STATUS_LEN, wlength);
		break;
	case HILFX2_REQ_CONFIG_BEGIN:
		if (!in && wlength == 8) {
			r->action = SETUP_CONFIG_BEGIN;
			r->len = 8;
		}
		break;
	case HILFX2_REQ_CONFIG_DATA:
		if (!in && wlength >= 1 && wlength <= HILFX2_CONFIG_MAX) {
			r->action = SETUP_CONFIG_DATA;
			r->len = wlength;
		}
		break;
	case HILFX2_REQ_CONFIG_END:
		if (!in && wlength == 0)
			r->action = SETUP_CONFIG_END;
		break;
	case HILFX2_REQ_RESET:
		if (!in && wlength == 0)
			r->action = SETUP_RESET;
		break;
	case HILFX2_REQ_ROM:
		if (!in && wlength == 0)
			r->action = SETUP_ROM;
		break;
	default:
		break;
	}
}

void setup_decide(const uint8_t *raw, uint8_t highspeed, struct setup_route *r)
{
	uint16_t wvalue = (uint16_t)(raw[2] | raw[3] << 8);
	uint16_t wlength = (uint16_t)(raw[6] | raw[7] << 8);

	r->action = SETUP_STALL;
	r->value = 0;
	r->len = 0;
	r->ptr = 0;
	if ((raw[0] & TYPE_MASK) == TYPE_STANDARD)
		standard(raw, highspeed, r, wvalue, wlength);
	else if ((raw[0] & TYPE_MASK) == TYPE_VENDOR && (raw[0] & RECIPIENT_MASK) == 0)
		vendor(raw, r, wlength);
}
