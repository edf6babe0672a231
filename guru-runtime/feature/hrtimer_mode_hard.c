/* HRTIMER_MODE_HARD (5.4+): expiry in hard interrupt context, even on
 * PREEMPT_RT, where an hrtimer without it expires in the ktimers/N thread */
#include <linux/hrtimer.h>

int stp_feature(void);
int stp_feature(void)
{
	return HRTIMER_MODE_REL_PINNED_HARD;
}
