/* get_kretprobe(ri) (5.11+) instead of ri->rp */
#include <linux/kprobes.h>

struct kretprobe *stp_feature(struct kretprobe_instance *ri);
struct kretprobe *stp_feature(struct kretprobe_instance *ri)
{
	return get_kretprobe(ri);
}
