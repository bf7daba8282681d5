/* The simulator as a shared library (hil-model.so): the C ABI between libhil
 * (transport/model.c, which dlopens it) and host/sim/hil_model.cpp, built
 * per DUT with the DUT's RTL and the bridge shell. Bytes in, bytes out, as
 * on the sim byte port, and the lane: pokes handed to the model directly. */
#ifndef HIL_MODEL_H
#define HIL_MODEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever this interface changes; a model of another version is
 * refused (and rebuilt: the number is part of the build cache's key). */
#define HIL_MODEL_ABI 5

/* The model is compiled with hidden symbols (calls inside it then need no
 * indirection); these are the ones it exports. */
#define HIL_MODEL_API __attribute__((visibility("default")))

struct hil_model;

HIL_MODEL_API unsigned hil_model_abi(void);
/* A model out of reset, or NULL with a message in err. waves: NULL, or a
 * file for every signal of the DUT, from a model built with tracing (the
 * sim-vcd and sim-fst builds; others refuse it): cycle n at n ns, its
 * clock's rising edge there and its falling edge half a cycle later, where
 * the cycle's pokes show too. */
HIL_MODEL_API struct hil_model *hil_model_new(const char *waves, char *err, size_t errlen);
HIL_MODEL_API void hil_model_free(struct hil_model *m);
/* A signal inside the DUT, from a model built to read them (the sim-peek
 * builds, with every signal public; others refuse): name is its path below
 * the top ("pc", "u_core.pc", "g[0].r", "u_mem.ram[3]" for one word of a
 * memory). Its value goes into val (little-endian, cap bytes at most) and
 * its width into *width. Returns 1 for a signal, 0 when the name is a
 * scope (an instance or a generate block) or nothing, or a signal hil
 * cannot read; err then says why and lists what the scope holds. */
HIL_MODEL_API int hil_model_signal(struct hil_model *m, const char *name, uint8_t *val,
				   size_t cap, unsigned *width, char *err, size_t errlen);
/* The DUT's edges since the model was made: the lane's cycles. */
HIL_MODEL_API uint64_t hil_model_cycles(const struct hil_model *m);
/* Pokes for the lane, each 8 bytes of cycle (little-endian), the port, the
 * value's length (the port's bytes), the value: each is made right after
 * the DUT's edge into its cycle, as a POKE executed there would be. The
 * caller owes them that order: every command sent before an entry is
 * stamped before its cycle, and the engine must reach the cycle through a
 * command sent later. Entries in cycle order, each after the DUT's cycle;
 * takes whole entries while the lane has room (about a megabyte) and sets
 * *taken. Returns 0, or -1 with a message in err for an entry it refuses. */
HIL_MODEL_API int hil_model_lane(struct hil_model *m, const uint8_t *in, size_t len,
				 size_t *taken, char *err, size_t errlen);
/* Drops the pokes waiting in the lane (the bridge halted before them). */
HIL_MODEL_API void hil_model_lane_clear(struct hil_model *m);
/* A poke made at once, in the cycle the DUT stands in, as a POKE the
 * bridge executed now would be: for a caller whose every command has run
 * (the bridge idle since its last hil_model_run, nothing queued for it).
 * Returns 1 when made; 0 when the bridge is not idle or the lane holds
 * pokes, so that it must go as a POKE; -1 with a message in err for a
 * cycle other than the DUT's or a port that is not an input. */
HIL_MODEL_API int hil_model_poke_now(struct hil_model *m, uint64_t cycle, unsigned port,
				     const uint8_t *val, size_t len, char *err, size_t errlen);
/* Clocks the bridge at most `clocks` times, feeding it in[0..in_len) a byte
 * a clock as it takes them and collecting what it sends into out[0..cap).
 * Returns early once it has output and the bridge has paused sending, or
 * when it is idle: nothing will happen until more bytes come. Sets *taken
 * and *made; returns 1 when idle, else 0. */
HIL_MODEL_API int hil_model_run(struct hil_model *m, const uint8_t *in, size_t in_len,
				size_t *taken, uint8_t *out, size_t cap, size_t *made,
				unsigned long clocks);

#ifdef __cplusplus
}
#endif

#endif
