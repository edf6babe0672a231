/* uprobe_register(inode, offset, ref_ctr_offset, uc) returns the uprobe (6.12+) */
#include <linux/uprobes.h>

struct uprobe *stp_feature(struct inode *inode, struct uprobe_consumer *uc);
struct uprobe *stp_feature(struct inode *inode, struct uprobe_consumer *uc)
{
	return uprobe_register(inode, 0, 0, uc);
}
