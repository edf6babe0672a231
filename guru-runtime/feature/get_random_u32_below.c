/* get_random_u32_below() (6.2, backported) replaces prandom_u32_max() */
#include <linux/random.h>

u32 stp_feature(u32 n);
u32 stp_feature(u32 n)
{
	return get_random_u32_below(n);
}
