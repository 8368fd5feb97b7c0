#include "stepdown/errmsg.h"

#include <stdarg.h>
#include <stdio.h>

int errmsg_set(int code, char *err, size_t errlen, const char *fmt, ...)
{
	if (errlen == 0)
		return code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return code;
}
