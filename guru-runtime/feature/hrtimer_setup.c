/* hrtimer_setup() (6.13+) sets the callback; hrtimer_init() is gone later */
#include <linux/hrtimer.h>

static enum hrtimer_restart stp_fn(struct hrtimer *t)
{
	return HRTIMER_NORESTART;
}

void stp_feature(struct hrtimer *t);
void stp_feature(struct hrtimer *t)
{
	hrtimer_setup(t, stp_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
}
