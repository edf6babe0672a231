/* debuginfo.c - a user-space function's parameters from DWARF (libdw);
 * see debuginfo.h. */
#include "debuginfo.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Pointers are followed this many levels when types are translated; a
 * deeper one becomes void *. Struct members below it are kept. */
#define DEBUGINFO_MAX_DEPTH 6

struct cached {
	struct cached *next;
	const char *path, *fn;
	struct debuginfo_func f;	/* f.btf NULL: failed, see why */
	const char *why;
};

static struct arena di_arena;
static struct cached *cache;

void debuginfo_cache_free(void)
{
	struct cached *c;

	for (c = cache; c; c = c->next)
		btf__free((struct btf *)c->f.btf);
	cache = NULL;
	arena_free(&di_arena);
}

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

/* --- DWARF types as BTF ---------------------------------------------------- */

struct conv {
	struct btf *btf;
	struct ptrvec offs;	/* Dwarf_Off of converted DIEs (as pointers) */
	struct ptrvec ids;	/* their BTF ids */
	int index_type;		/* "unsigned int" for arrays, 0 until needed */
};

static int memo_get(struct conv *cv, Dwarf_Die *die)
{
	uintptr_t off = (uintptr_t)dwarf_dieoffset(die);
	int i;

	for (i = 0; i < cv->offs.n; i++)
		if ((uintptr_t)cv->offs.v[i] == off)
			return (int)(intptr_t)cv->ids.v[i];
	return -1;
}

static void memo_put(struct conv *cv, Dwarf_Die *die, int id)
{
	ptrvec_push(&di_arena, &cv->offs, (void *)(uintptr_t)dwarf_dieoffset(die));
	ptrvec_push(&di_arena, &cv->ids, (void *)(intptr_t)id);
}

static Dwarf_Word die_udata(Dwarf_Die *die, int name, Dwarf_Word dflt)
{
	Dwarf_Attribute attr;
	Dwarf_Word v;

	return dwarf_formudata(dwarf_attr_integrate(die, name, &attr), &v) == 0 ? v : dflt;
}

static int convert(struct conv *cv, Dwarf_Die *type, int depth);

/* The BTF id of the type DW_AT_type of holder names (0: void). */
static int convert_ref(struct conv *cv, Dwarf_Die *holder, int depth)
{
	Dwarf_Die t;

	return die_type(holder, &t) ? convert(cv, &t, depth) : 0;
}

static int convert_struct(struct conv *cv, Dwarf_Die *type, int depth, int tag)
{
	const char *name = die_name(type);
	struct ptrvec names = { 0 }, ids = { 0 }, bits = { 0 }, sizes = { 0 };
	Dwarf_Die m;
	int id, i;

	if (dwarf_hasattr(type, DW_AT_declaration))
		return btf__add_fwd(cv->btf, name ? name : "", tag == DW_TAG_union_type ?
				    BTF_FWD_UNION : BTF_FWD_STRUCT);
	/* member types first: btf__add_field appends to the last type added */
	if (dwarf_child(type, &m) == 0) {
		do {
			Dwarf_Word off;

			if (dwarf_tag(&m) != DW_TAG_member)
				continue;
			off = die_udata(&m, DW_AT_data_bit_offset, (Dwarf_Word)-1);
			if (off == (Dwarf_Word)-1)
				off = die_udata(&m, DW_AT_data_member_location, 0) * 8;
			ptrvec_push(&di_arena, &names, (void *)die_name(&m));
			ptrvec_push(&di_arena, &ids, (void *)(intptr_t)convert_ref(cv, &m, depth));
			ptrvec_push(&di_arena, &bits, (void *)(uintptr_t)off);
			ptrvec_push(&di_arena, &sizes,
				    (void *)(uintptr_t)die_udata(&m, DW_AT_bit_size, 0));
		} while (dwarf_siblingof(&m, &m) == 0);
	}
	id = tag == DW_TAG_union_type ?
		     btf__add_union(cv->btf, name, (unsigned)die_udata(type, DW_AT_byte_size, 0)) :
		     btf__add_struct(cv->btf, name, (unsigned)die_udata(type, DW_AT_byte_size, 0));
	for (i = 0; id > 0 && i < names.n; i++)
		btf__add_field(cv->btf, names.v[i], (int)(intptr_t)ids.v[i],
			       (unsigned)(uintptr_t)bits.v[i], (unsigned)(uintptr_t)sizes.v[i]);
	return id;
}

/* Translate one DWARF type into cv->btf; pointers deeper than the limit
 * become void *. A pointer is added before its target (as a placeholder
 * patched afterwards), which ends the recursion of self-referring structs. */
static int convert(struct conv *cv, Dwarf_Die *type, int depth)
{
	const char *name = die_name(type);
	int id = memo_get(cv, type), tag = dwarf_tag(type), target;
	Dwarf_Die sub;

	if (id >= 0)
		return id;
	switch (tag) {
	case DW_TAG_base_type: {
		Dwarf_Word enc = die_udata(type, DW_AT_encoding, 0);
		int size = (int)die_udata(type, DW_AT_byte_size, 8), e = 0;

		if (enc == DW_ATE_float || enc == DW_ATE_complex_float) {
			id = btf__add_float(cv->btf, name ? name : "float", (size_t)size);
			break;
		}
		if (enc == DW_ATE_signed || enc == DW_ATE_signed_char)
			e = BTF_INT_SIGNED;
		if (enc == DW_ATE_boolean)
			e = BTF_INT_BOOL;
		id = btf__add_int(cv->btf, name ? name : "int", (size_t)size, e);
		break;
	}
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		id = btf__add_ptr(cv->btf, 0);
		if (id <= 0)
			break;
		memo_put(cv, type, id);
		target = depth < DEBUGINFO_MAX_DEPTH ? convert_ref(cv, type, depth + 1) : 0;
		((struct btf_type *)btf__type_by_id(cv->btf, (unsigned)id))->type =
			(unsigned)(target > 0 ? target : 0);
		return id;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		return convert_ref(cv, type, depth);
	case DW_TAG_typedef:
		target = convert_ref(cv, type, depth);
		id = btf__add_typedef(cv->btf, name ? name : "?", target > 0 ? target : 0);
		break;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
		id = convert_struct(cv, type, depth, tag);
		break;
	case DW_TAG_enumeration_type:
		id = btf__add_enum(cv->btf, name, (unsigned)die_udata(type, DW_AT_byte_size, 4));
		break;
	case DW_TAG_array_type: {
		Dwarf_Word n = 0;

		target = convert_ref(cv, type, depth);
		if (dwarf_child(type, &sub) == 0 && dwarf_tag(&sub) == DW_TAG_subrange_type)
			n = die_udata(&sub, DW_AT_count, die_udata(&sub, DW_AT_upper_bound,
								   (Dwarf_Word)-1) + 1);
		if (!cv->index_type)
			cv->index_type = btf__add_int(cv->btf, "unsigned int", 4, 0);
		id = btf__add_array(cv->btf, cv->index_type, target > 0 ? target : 0,
				    (unsigned)n);
		break;
	}
	default:	/* functions and what BTF has no word for: void */
		id = 0;
		break;
	}
	if (id < 0)
		id = 0;
	memo_put(cv, type, id);
	return id;
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

const char *debuginfo_unavailable(const struct debuginfo_value *v)
{
	if (v->is_float)
		return "floating-point values are passed in xmm registers";
	if (v->is_aggregate && v->size > 16)
		return "it is a struct passed by value on the stack";
	if (v->is_aggregate && v->size > 8)
		return "it is a struct passed by value in two registers";
	if (v->slot < 0)
		return "it is passed on the stack";
	return NULL;
}

/* Read the function's parameters and translate their types. */
static int describe_function(struct arena *a, const char *path, const char *fn,
			     struct debuginfo_func *out, const char **why)
{
	struct find f = { fn, { 0 }, 0 };
	struct ptrvec params = { 0 };
	struct conv cv = { 0 };
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
	cv.btf = btf__new_empty();
	describe(a, &f.found, &out->ret);
	out->ret.name = "return";
	out->ret.type_id = convert_ref(&cv, &f.found, 0);
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
			v->type_id = convert_ref(&cv, &child, 0);
			ptrvec_push(a, &params, v);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	out->btf = cv.btf;
	out->nparams = params.n;
	out->params = arena_alloc(a, sizeof(*out->params) * (size_t)(params.n + 1));
	/* SysV: integers, pointers and structs of up to 8 bytes take the next
	 * of six registers, 9 to 16 bytes two; floats go to xmm registers;
	 * larger values, and whatever no longer fits, to the stack. */
	for (i = 0; i < params.n; i++) {
		struct debuginfo_value *v = params.v[i];
		int nregs = v->is_float ? 0 : v->size <= 8 ? 1 : v->size <= 16 ? 2 : 0;

		v->slot = -1;
		if (nregs && nextreg + nregs <= 6) {
			v->slot = nextreg;
			nextreg += nregs;
		}
		out->params[i] = *v;
	}
	dwarf_end(dw);
	close(fd);
	return 0;
}

const struct debuginfo_func *debuginfo_function(const char *path, const char *fn,
						const char **why)
{
	struct cached *c;

	for (c = cache; c; c = c->next)
		if (!strcmp(c->path, path) && !strcmp(c->fn, fn))
			break;
	if (!c) {
		c = ARENA_NEW(&di_arena, struct cached);
		c->path = arena_strdup(&di_arena, path);
		c->fn = arena_strdup(&di_arena, fn);
		if (describe_function(&di_arena, path, fn, &c->f, &c->why))
			c->f.btf = NULL;
		c->next = cache;
		cache = c;
	}
	if (!c->f.btf) {
		*why = c->why;
		return NULL;
	}
	return &c->f;
}
