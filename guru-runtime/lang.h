/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lang.h - the language library the generated code calls.
 *
 * Included by runtime.h after the core (context.h: stp_error, stp_print,
 * the limits). Everything here is static and prefixed stp_/STP_; nothing
 * allocates in probe context: maps and statistics take their nodes from
 * pools that stp_map_init() allocates when the module loads.
 *
 *   lang_string.h  string values (MAXSTRINGLEN, silent truncation) and
 *                  the helpers embedded-C tapset functions use
 *   lang_format.h  stap's printf engine: %d %i %u %x %X %o %s %c %p %b
 *                  %m %M %%, flags - + space # 0, width, precision, '*'
 *   lang_stat.h    statistics: <<<, @count @sum @min @max @avg @variance,
 *                  @hist_log / @hist_linear and their ASCII drawing
 *   lang_map.h     associative arrays with 0..STP_MAP_MAX_KEYS long or
 *                  string keys, long/string/stat values, [N] sizes, %
 *                  wrap, insertion-ordered iteration, stable sorting
 *   lang_lock.h    the lock that guards the script's globals
 *   lang_regex.h   =~ and !~: a Pike VM over programs the translator compiles
 *   lang_ctx.h     probe arguments for target variables, `next`,
 *                  STAP_PRINTF
 *
 * The embedded-C conventions of stap (STAP_ARG_x, STAP_RETVALUE,
 * STAP_RETURN, STAP_ERROR, CONTEXT, THIS) are defined by the generated code
 * around each embedded body; the helpers they usually need are here.
 */
#ifndef STP_LANG_H
#define STP_LANG_H

#include <linux/jhash.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/ctype.h>

#include "lang_string.h"
#include "lang_format.h"
#include "lang_stat.h"
#include "lang_map.h"
#include "lang_lock.h"
#include "lang_ctx.h"
#include "lang_regex.h"

#endif /* STP_LANG_H */
