/* gstap_target.c - a process for uprobe tests: calls gstap_target_fn(i)
 * argv[1] times (default 3) and prints the sum. Static, so it runs in the
 * busybox guest; the function is noinline so it keeps its own symbol. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) int gstap_target_fn(int x);

__attribute__((noinline)) int gstap_target_fn(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 2;
}

int main(int argc, char **argv)
{
	int i, n = argc > 1 ? atoi(argv[1]) : 3, sum = 0;

	for (i = 0; i < n; i++)
		sum += gstap_target_fn(i);
	printf("%d\n", sum);
	return 0;
}
