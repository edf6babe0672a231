/* timer_delete_sync() (6.2+); del_timer_sync() was removed in 6.15 */
#include <linux/timer.h>

int stp_feature(struct timer_list *t);
int stp_feature(struct timer_list *t)
{
	return timer_delete_sync(t);
}
