#include "descriptors.h"

#include "hilfx2.h"

#define LO(x) ((x)&0xff)
#define HI(x) (((x) >> 8) & 0xff)

static const ROM uint8_t device[18] = {
	18,
	DESC_DEVICE,
	LO(0x0200),
	HI(0x0200),
	0x00,
	0x00,
	0x00, /* class per interface */
	64,   /* EP0 packet */
	LO(HILFX2_VID),
	HI(HILFX2_VID),
	LO(HILFX2_PID),
	HI(HILFX2_PID),
	LO(HILFX2_API),
	HI(HILFX2_API),
	1,
	2,
	0, /* manufacturer, product, no serial */
	1,
};

static const ROM uint8_t qualifier[10] = {
	10, DESC_QUALIFIER, LO(0x0200), HI(0x0200), 0x00, 0x00, 0x00, 64, 1, 0,
};

/* configuration, interface, EP2 OUT, EP6 IN: 32 bytes */
#define CONFIG(type, mps)                                                                     \
	{                                                                                     \
		9, type, 32, 0, 1, 1, 0, 0x80, 250, 9, 4, 0, 0, 2, 0xff, 0x00, 0x00, 0, 7, 5, \
			HILFX2_EP_OUT, 0x02, LO(mps), HI(mps), 0, 7, 5, HILFX2_EP_IN, 0x02,   \
			LO(mps), HI(mps), 0,                                                  \
	}

static const ROM uint8_t config_hs[32] = CONFIG(DESC_CONFIG, 512);
static const ROM uint8_t config_fs[32] = CONFIG(DESC_CONFIG, 64);
static const ROM uint8_t other_hs[32] = CONFIG(DESC_OTHER_SPEED, 512);
static const ROM uint8_t other_fs[32] = CONFIG(DESC_OTHER_SPEED, 64);

static const ROM uint8_t lang[4] = {4, DESC_STRING, LO(0x0409), HI(0x0409)};
static const ROM uint8_t maker[8] = {8, DESC_STRING, 'h', 0, 'i', 0, 'l', 0};
static const ROM uint8_t product[30] = {
	30, DESC_STRING, 'h', 0,   'i', 0,   'l', 0,   ' ', 0,   'F', 0,   'X', 0,   '2',
	0,  ' ',         0,   'b', 0,   'r', 0,   'i', 0,   'd', 0,   'g', 0,   'e', 0,
};

uint8_t desc_find(uint16_t wvalue, uint8_t highspeed, const ROM uint8_t **out)
{
	uint8_t index = LO(wvalue);
	switch (HI(wvalue)) {
	case DESC_DEVICE:
		*out = device;
		break;
	case DESC_QUALIFIER:
		*out = qualifier;
		break;
	case DESC_CONFIG:
		*out = highspeed ? config_hs : config_fs;
		break;
	case DESC_OTHER_SPEED:
		*out = highspeed ? other_fs : other_hs;
		break;
	case DESC_STRING:
		if (index == 0)
			*out = lang;
		else if (index == 1)
			*out = maker;
		else if (index == 2)
			*out = product;
		else
			return 0;
		break;
	default:
		return 0;
	}
	if (HI(wvalue) != DESC_STRING && index != 0)
		return 0;
	/* A configuration's length is its total length; the others' their first byte. */
	if (HI(wvalue) == DESC_CONFIG || HI(wvalue) == DESC_OTHER_SPEED)
		return (*out)[2];
	return (*out)[0];
}
