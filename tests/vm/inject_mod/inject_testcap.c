// SPDX-License-Identifier: GPL-2.0
/* inject_testcap.c - the test module with tiny pools, to see the caps hold:
 * at most 4 held bios and 2 sleeping tasks. */
#define STP_INJECT_MAXHELD 4
#define STP_INJECT_MAXSLEEPERS 2
#include "inject_testmod.c"
