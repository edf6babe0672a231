/* list.h - gstap -l/-L, --dump-probe-types, --dump-functions. */
#ifndef INJECT_LIST_H
#define INJECT_LIST_H

#include "session.h"

/* Does the session ask for a listing instead of a compilation? */
int list_requested(const struct session *s);
/* Print the listing (after target_init); returns the exit status: 0, or 1
 * when -l/-L matched nothing or the library has errors. */
int list_run(struct session *s);

#endif
