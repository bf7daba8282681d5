// Reading the DUT's insides by name, for hil_model_signal (hil_model.h).
// Included by hil_model.cpp in the sim-peek builds only: Verilator makes
// every signal public there (--public-flat-rw) and lists it in its scope
// table, which costs a CPU-sized model 40% of its speed, so the plain
// model leaves it out.
//
// Verilator names the scopes "dut.TOP_MODULE.u_core.g[0]" (the model is
// called "dut") and keeps each scope's variables by their plain names; a
// user's path below the top is looked up there as is.
#include <cstdarg>
#include <cstring>
#include <string>

#include "verilated_syms.h"

// The scope of the top module: the one "dut.X" other than Verilator's own
// "dut.TOP", which holds the ports alone.
static const VerilatedScope *peek_root(hil_model *m)
{
	for (const auto &kv : *m->ctx.scopeNameMap()) {
		const char *n = kv.first;
		if (!std::strncmp(n, "dut.", 4) && !std::strchr(n + 4, '.') &&
		    std::strcmp(n, "dut.TOP"))
			return kv.second;
	}
	return nullptr;
}

__attribute__((format(printf, 3, 4))) static int peek_fail(char *err, size_t errlen,
							   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	std::vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return 0;
}

// What scope `s` holds, for a message: its signals (a memory with its
// range) and the scopes right below it, as far as `room` allows.
static std::string peek_contents(hil_model *m, const VerilatedScope *s, size_t room)
{
	std::string out, scopes;
	if (s->varsp())
		for (const auto &kv : *s->varsp()) {
			const VerilatedVar &v = kv.second;
			if (v.isParam())
				continue;
			out += out.empty() ? "" : ", ";
			out += kv.first;
			if (v.udims() == 1)
				out += "[" + std::to_string(v.unpacked().left()) + ":" +
					std::to_string(v.unpacked().right()) + "]";
		}
	std::string prefix = std::string(s->name()) + ".";
	for (const auto &kv : *m->ctx.scopeNameMap()) {
		const char *n = kv.first;
		if (!std::strncmp(n, prefix.c_str(), prefix.size()) &&
		    !std::strchr(n + prefix.size(), '.')) {
			scopes += scopes.empty() ? "" : ", ";
			scopes += n + prefix.size();
		}
	}
	std::string all = "signals: " + (out.empty() ? std::string("none") : out);
	if (!scopes.empty())
		all += "; scopes: " + scopes;
	if (all.size() > room)
		all = all.substr(0, room > 4 ? room - 4 : 0) + " ...";
	return all;
}

static int peek_signal(hil_model *m, const char *name, uint8_t *val, size_t cap,
		       unsigned *width, char *err, size_t errlen)
{
	const VerilatedScope *root = peek_root(m);
	if (!root)
		return peek_fail(err, errlen, "the model lists no scopes: rebuild it");
	const size_t room = errlen > 160 ? errlen - 160 : 0;
	const char *top = root->identifier();
	std::string full = std::string(root->name()) + "." + name;
	if (const VerilatedScope *s = m->ctx.scopeFind(full.c_str()))
		return peek_fail(err, errlen, "'%s' is a scope of %s, not a signal (%s)", name,
				 top, peek_contents(m, s, room).c_str());
	// scope.var or scope.var[index]: the scope is everything up to the
	// last dot outside brackets.
	const char *last = nullptr;
	int depth = 0;
	for (const char *c = name; *c; c++) {
		depth += *c == '[' ? 1 : *c == ']' ? -1 : 0;
		if (*c == '.' && !depth)
			last = c;
	}
	std::string scope = last ? std::string(name, (size_t)(last - name)) : "";
	std::string var = last ? last + 1 : name;
	const VerilatedScope *s = scope.empty()
		? root
		: m->ctx.scopeFind((std::string(root->name()) + "." + scope).c_str());
	if (!s)
		return peek_fail(err, errlen, "%s has no scope '%s' (%s)", top, scope.c_str(),
				 peek_contents(m, root, room).c_str());
	long index = 0;
	bool indexed = false;
	size_t br = var.find('[');
	if (br != std::string::npos) {
		char *end = nullptr;
		const char *digits = var.c_str() + br + 1;
		index = std::strtol(digits, &end, 10);
		if (end == digits || std::strcmp(end, "]"))
			return peek_fail(
				err, errlen,
				"'%s': a memory's word is NAME[N], N a decimal number", name);
		indexed = true;
		var.resize(br);
	}
	const VerilatedVar *v = s->varFind(var.c_str());
	const char *where = scope.empty() ? top : scope.c_str();
	if (!v)
		return peek_fail(err, errlen, "%s has no signal '%s' (%s)", where, var.c_str(),
				 peek_contents(m, s, room).c_str());
	int t = v->vltype();
	if (t != VLVT_UINT8 && t != VLVT_UINT16 && t != VLVT_UINT32 && t != VLVT_UINT64 &&
	    t != VLVT_WDATA)
		return peek_fail(err, errlen, "'%s' is not a vector of bits", name);
	if (v->udims() > 1)
		return peek_fail(
			err, errlen,
			"'%s' is an array of %d dimensions; hil reads one-dimensional "
			"memories, a word at a time",
			name, v->udims());
	void *data = v->datap();
	if (v->udims() == 1 && !indexed)
		return peek_fail(err, errlen, "'%s' is a memory [%d:%d]: peek one word, %s[N]",
				 name, v->unpacked().left(), v->unpacked().right(), name);
	if (v->udims() == 0 && indexed)
		return peek_fail(err, errlen, "'%s' is not a memory: peek %s", name,
				 var.c_str());
	if (indexed) {
		if (index < v->unpacked().low() || index > v->unpacked().high())
			return peek_fail(err, errlen, "'%s': %s has words %d to %d", name,
					 var.c_str(), v->unpacked().low(),
					 v->unpacked().high());
		data = v->datapAdjustIndex(data, 1, (int)index);
	}
	unsigned w = v->dims() == 0 ? 1u : (unsigned)v->packed().elements();
	size_t nbytes = (w + 7) / 8;
	if (!data || nbytes > cap)
		return peek_fail(err, errlen, "'%s' is %u bits wide; hil reads at most %zu",
				 name, w, cap * 8);
	// Verilator keeps every vector little-endian (WDATA as 32-bit words,
	// least significant first), like hil's values, on this host.
	std::memcpy(val, data, nbytes);
	if (w % 8)
		val[nbytes - 1] &= (uint8_t)((1u << (w % 8)) - 1);
	*width = w;
	return 1;
}
