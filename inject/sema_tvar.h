/* sema_tvar.h - pass 2 for target variables: $param, $param->f[i].g,
 * $$parms/$$vars/$$locals (and their $/$$ pretty forms), $return,
 * @cast(p, "struct T")->f, @var, @defined, @entry.
 *
 * Types and layouts come from BTF (btf.h), so no debuginfo is needed. The
 * result is the access plan in e->tvar (ast.h: struct tvar_access), which
 * pass 3 turns into register reads and guarded kernel reads, and e->type.
 *
 * Arguments of a kernel function on x86-64 are the integer registers di,
 * si, dx, cx, r8, r9 (TV_REG_ARG 0..5) in the SysV order: a struct of up
 * to 8 bytes is its register (members are bits of it, TV_BITFIELD), one of
 * 9 to 16 bytes takes two registers, a larger one and whatever no longer
 * fits goes on the stack; those are reported as unavailable (and print as
 * "name=?" in $$parms). The return value is ax
 * (TV_RETVAL). In a .return probe, $param means its value at entry (stap's
 * rule): the access is evaluated by the entry handler into an @entry slot.
 * Tracepoint arguments are TV_REG_ARG n too: argument n of TP_PROTO.
 */
#ifndef INJECT_SEMA_TVAR_H
#define INJECT_SEMA_TVAR_H

#include "ast.h"

/* Resolve e (E_TARGET, E_CAST, E_ATVAR, E_DEFINED, E_ENTRY) in probe dp.
 * Sets e->type and e->tvar; E_DEFINED is rewritten in place into E_NUM 1
 * or 0 (its operand is resolved quietly); E_ENTRY takes a slot from
 * dp->nentry into e->entry_slot and resolves its operand as at entry.
 * dp may be NULL (a function body): only @cast and @defined resolve there.
 * Returns 0, or -1 after diag_error(). */
int sema_tvar_resolve(struct program *prog, struct derived_probe *dp, struct expr *e);

/* Is e (any kind) an lvalue that writes kernel state when assigned: a
 * target variable, @cast or @var? The sema helper requires -g for these
 * and calls sema_tvar_resolve_write() instead of sema_tvar_resolve(). */
int sema_tvar_is_target(const struct expr *e);
/* Resolve e as the left side of an assignment: also rejects what cannot be
 * written ($$parms, $x$ pretty forms, char[] strings, values in @entry). */
int sema_tvar_resolve_write(struct program *prog, struct derived_probe *dp,
			    struct expr *e);

/* The context variables of dp for -L: arena strings "$name:type", e.g.
 * "$file:struct file*", in argument order ($return last for returns).
 * Returns the count, 0 for probes without context, -1 when BTF lacks the
 * function (nothing appended). */
int sema_tvar_list(struct program *prog, struct derived_probe *dp, struct ptrvec *out);

#endif
