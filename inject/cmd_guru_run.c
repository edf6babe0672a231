/* cmd_guru_run.c - pass 5 loader (being written). */
#include <stdio.h>

int main(void)
{
	fputs("guru-run: not built yet\n", stderr);
	return 1;
}
