/* stderr logger. Every message is one write(2) so lines from PID 1 and the
 * workload do not interleave mid-line, and errno is preserved. Control bytes
 * in a message (a file name with a newline or an ESC in it) are escaped, so
 * every message is one line and nothing reaches the terminal as a command. */
#include "stepdown/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static enum log_level current_level = LOG_LEVEL_NORMAL;

void log_set_level(enum log_level level)
{
	current_level = level;
}

enum log_level log_get_level(void)
{
	return current_level;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), its code point
 * in *cp; 0 when s does not start one (overlong forms, surrogates and
 * values above U+10FFFF are not valid). */
static size_t utf8_sequence(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t min;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	uint32_t v = s[0] & (0x7fu >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3fu);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* Writes the escape of byte c into out (4 bytes, or 2 for the short forms). */
static size_t escape_byte(unsigned char c, char *out)
{
	static const char hex[] = "0123456789abcdef";
	const char *short_form = c == '\n'   ? "\\n"
				 : c == '\t' ? "\\t"
				 : c == '\r' ? "\\r"
				 : c == '\\' ? "\\\\"
					     : NULL;
	if (short_form) {
		memcpy(out, short_form, 2);
		return 2;
	}
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[c >> 4];
	out[3] = hex[c & 0xf];
	return 4;
}

size_t log_escape(char *dst, size_t dstlen, const char *src, size_t srclen, size_t *written)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t in = 0, out = 0;
	while (in < srclen) {
		char piece[8];
		size_t take = 1, n;
		uint32_t cp = 0;
		if (s[in] >= 0x20 && s[in] < 0x7f && s[in] != '\\') {
			piece[0] = (char)s[in];
			n = 1;
		} else if (s[in] < 0x80) {
			n = escape_byte(s[in], piece);
		} else if ((take = utf8_sequence(s + in, srclen - in, &cp)) == 0) {
			take = 1; /* not UTF-8: this one byte */
			n = escape_byte(s[in], piece);
		} else if (cp <= 0x9f) {
			n = escape_byte(s[in], piece); /* C1 control: both bytes */
			n += escape_byte(s[in + 1], piece + n);
		} else {
			memcpy(piece, s + in, take);
			n = take;
		}
		if (out + n + 1 > dstlen)
			break;
		memcpy(dst + out, piece, n);
		out += n;
		in += take;
	}
	if (dstlen)
		dst[out] = '\0';
	if (written)
		*written = out;
	return in;
}

__attribute__((format(printf, 2, 0))) static void log_emit(const char *tag, const char *fmt,
							   va_list ap)
{
	int saved = errno;
	char raw[1024], buf[1024];
	int n = snprintf(raw, sizeof(raw), "stepdown: %s", tag);
	if (n < 0)
		n = 0;
	size_t len = (size_t)n < sizeof(raw) ? (size_t)n : sizeof(raw) - 1;
	int m = vsnprintf(raw + len, sizeof(raw) - len, fmt, ap);
	if (m > 0)
		len += (size_t)m < sizeof(raw) - len ? (size_t)m : sizeof(raw) - len - 1;
	/* Escaped, it may grow up to 8 times: what does not fit is cut off,
	 * at a character boundary, leaving room for the newline. */
	log_escape(buf, sizeof(buf) - 1, raw, len, &len);
	buf[len++] = '\n';
	const char *p = buf;
	while (len > 0) {
		ssize_t w = write(STDERR_FILENO, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		p += w;
		len -= (size_t)w;
	}
	errno = saved;
}

#define LOG_AT(name, min, tag)             \
	void name(const char *fmt, ...)    \
	{                                  \
		if (current_level < (min)) \
			return;            \
		va_list ap;                \
		va_start(ap, fmt);         \
		log_emit(tag, fmt, ap);    \
		va_end(ap);                \
	}

LOG_AT(log_error, LOG_LEVEL_QUIET, "error: ")
LOG_AT(log_warn, LOG_LEVEL_NORMAL, "warning: ")
LOG_AT(log_notice, LOG_LEVEL_NORMAL, "")
LOG_AT(log_info, LOG_LEVEL_VERBOSE, "")
