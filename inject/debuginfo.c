/* debuginfo.c - a user-space function's parameters from DWARF (libdw);
 * see debuginfo.h. */
#include "debuginfo.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The DWARF of path, or of its separate debug file. */
static Dwarf *open_dwarf(struct arena *a, const char *path, int *fd_out, const char **why)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	const unsigned char *id = NULL;
	Dwarf *dw;
	Elf *elf;
	ssize_t n;
	char *debug;
	ssize_t i;

	*fd_out = -1;
	if (fd < 0) {
		*why = arena_printf(a, "cannot open '%s'", path);
		return NULL;
	}
	dw = dwarf_begin(fd, DWARF_C_READ);
	if (dw) {
		*fd_out = fd;
		return dw;
	}
	/* no .debug_info: look for the -dbgsym file by build-id */
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	n = elf ? dwelf_elf_gnu_build_id(elf, (const void **)&id) : -1;
	debug = NULL;
	if (n > 1) {
		debug = arena_printf(a, "/usr/lib/debug/.build-id/%02x/", id[0]);
		for (i = 1; i < n; i++)
			debug = arena_printf(a, "%s%02x", debug, id[i]);
		debug = arena_printf(a, "%s.debug", debug);
	}
	if (elf)
		elf_end(elf);
	close(fd);
	if (debug && (fd = open(debug, O_RDONLY | O_CLOEXEC)) >= 0) {
		dw = dwarf_begin(fd, DWARF_C_READ);
		if (dw) {
			*fd_out = fd;
			return dw;
		}
		close(fd);
	}
	*why = debug ? arena_printf(a, "'%s' has no debuginfo (nor '%s'; install its -dbgsym "
				    "package)", path, debug) :
		       arena_printf(a, "'%s' has no debuginfo", path);
	return NULL;
}

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;

	return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &attr));
}

/* The DIE that DW_AT_type of die refers to; 0 when there is none (void). */
static int die_type(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute attr;

	return dwarf_attr_integrate(die, DW_AT_type, &attr) && dwarf_formref_die(&attr, type);
}

/* C spelling as -L shows it (qualifiers dropped, '*' glued). */
static const char *type_text(struct arena *a, Dwarf_Die *type, int depth)
{
	Dwarf_Die inner;
	const char *name = die_name(type);
	int has_inner = die_type(type, &inner);

	if (depth > 16)
		return "?";
	switch (dwarf_tag(type)) {
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
		return arena_printf(a, "%s*", has_inner ? type_text(a, &inner, depth + 1) : "void");
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
		return has_inner ? type_text(a, &inner, depth + 1) : "void";
	case DW_TAG_structure_type:
		return arena_printf(a, "struct %s", name ? name : "{...}");
	case DW_TAG_union_type:
		return arena_printf(a, "union %s", name ? name : "{...}");
	case DW_TAG_enumeration_type:
		return arena_printf(a, "enum %s", name ? name : "{...}");
	case DW_TAG_array_type:
		return arena_printf(a, "%s[]", has_inner ? type_text(a, &inner, depth + 1) : "?");
	case DW_TAG_subroutine_type:
		return arena_printf(a, "%s (*)(...)",
				    has_inner ? type_text(a, &inner, depth + 1) : "void");
	default:
		return name ? arena_strdup(a, name) : "?";
	}
}

/* Fill v from a DW_AT_type holder (a parameter or the function). */
static void describe(struct arena *a, Dwarf_Die *holder, struct debuginfo_value *v)
{
	Dwarf_Die type, peeled;
	Dwarf_Word size = 0;
	Dwarf_Attribute attr;
	Dwarf_Word enc = 0;
	int tag;

	if (!die_type(holder, &type)) {
		v->c_type = "void";
		return;
	}
	v->c_type = type_text(a, &type, 0);
	if (dwarf_peel_type(&type, &peeled) != 0)
		peeled = type;
	tag = dwarf_tag(&peeled);
	if (dwarf_aggregate_size(&peeled, &size) != 0)
		size = tag == DW_TAG_pointer_type || tag == DW_TAG_reference_type ? 8 : 0;
	v->size = (int)size;
	v->is_aggregate = tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
			  tag == DW_TAG_array_type || tag == DW_TAG_class_type;
	if (tag == DW_TAG_base_type && dwarf_formudata(dwarf_attr(&peeled, DW_AT_encoding,
								  &attr), &enc) == 0) {
		v->is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
		v->is_float = enc == DW_ATE_float || enc == DW_ATE_complex_float;
	}
	if (tag == DW_TAG_enumeration_type)
		v->is_signed = 1;
}

struct find {
	const char *fn;
	Dwarf_Die found;
	int ok;
};

static int match_func(Dwarf_Die *die, void *arg)
{
	struct find *f = arg;
	const char *name = die_name(die);

	/* the concrete, out-of-line instance: it has code */
	if (!name || strcmp(name, f->fn) ||
	    !(dwarf_hasattr(die, DW_AT_low_pc) || dwarf_hasattr(die, DW_AT_ranges)))
		return DWARF_CB_OK;
	f->found = *die;
	f->ok = 1;
	return DWARF_CB_ABORT;
}

int debuginfo_function(struct arena *a, const char *path, const char *fn,
		       struct debuginfo_func *out, const char **why)
{
	struct find f = { fn, { 0 }, 0 };
	struct ptrvec params = { 0 };
	Dwarf_Off off = 0, next;
	size_t hsize;
	Dwarf_Die cu, child;
	Dwarf *dw;
	int fd, i, nextreg = 0;

	memset(out, 0, sizeof(*out));
	dw = open_dwarf(a, path, &fd, why);
	if (!dw)
		return -1;
	while (!f.ok && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		if (dwarf_offdie(dw, off + hsize, &cu))
			dwarf_getfuncs(&cu, match_func, &f, 0);
		off = next;
	}
	if (!f.ok) {
		*why = arena_printf(a, "the debuginfo of '%s' does not describe function '%s'",
				    path, fn);
		dwarf_end(dw);
		close(fd);
		return -1;
	}
	describe(a, &f.found, &out->ret);
	out->ret.name = "return";
	out->ret.slot = 0;
	if (dwarf_child(&f.found, &child) == 0) {
		do {
			struct debuginfo_value *v;
			const char *name;

			if (dwarf_tag(&child) != DW_TAG_formal_parameter)
				continue;
			v = ARENA_NEW(a, struct debuginfo_value);
			name = die_name(&child);
			v->name = name ? arena_strdup(a, name) :
					 arena_printf(a, "arg%d", params.n + 1);
			describe(a, &child, v);
			ptrvec_push(a, &params, v);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	out->nparams = params.n;
	out->params = arena_alloc(a, sizeof(*out->params) * (size_t)(params.n + 1));
	/* SysV: integers and pointers take the next of six registers; floats
	 * go to xmm registers; aggregates are not followed (marked -1) but
	 * consume what they would (up to two registers, else memory). */
	for (i = 0; i < params.n; i++) {
		struct debuginfo_value *v = params.v[i];
		int nregs = v->is_float ? 0 : v->size <= 8 ? 1 : v->size <= 16 ? 2 : 0;

		v->slot = -1;
		if (nregs && nextreg + nregs <= 6) {
			if (!v->is_aggregate)
				v->slot = nextreg;
			nextreg += nregs;
		}
		out->params[i] = *v;
	}
	dwarf_end(dw);
	close(fd);
	return 0;
}
