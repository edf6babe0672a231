/* uprobe_consumer handlers take a __u64 *data argument (6.12+) */
#include <linux/uprobes.h>

_Static_assert(__builtin_types_compatible_p(
		       typeof(((struct uprobe_consumer *)0)->handler),
		       int (*)(struct uprobe_consumer *, struct pt_regs *, __u64 *)),
	       "old uprobe handler signature");
