/* The option table of src/config.c, one row a line, for t_man.sh: the long
 * name, the short name or "-", the STEPDOWN_* twin or "-". Printed from the
 * table itself, so the man page is held to every option the binary has,
 * not to a list kept by hand. A test helper: never installed. */
#include <stdio.h>

#include "stepdown/config.h"

int main(void)
{
	for (size_t i = 0; i < config_option_count(); i++) {
		const struct config_option *o = config_option_at(i);
		char short_name[3] = { '-', o->short_name, '\0' };
		printf("%s %s %s\n", o->long_name, o->short_name ? short_name : "-",
		       o->env ? o->env : "-");
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
