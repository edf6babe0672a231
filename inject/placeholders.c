/* placeholders.c - TEMPORARY: entry points whose real files are being
 * written. Each owner deletes its entries here when its file lands; this
 * file must be gone before any issue is called resolved. */
#include "gen.h"
#include "parse.h"
#include "sema.h"
#include "session.h"

#include <stdio.h>

static int not_built(const char *what)
{
	diag_fatal("%s is not built yet", what);
	return -1;
}
