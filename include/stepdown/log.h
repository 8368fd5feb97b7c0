/* stderr logger: "stepdown: <level>: ...", errno-preserving, printf-checked. */
#ifndef STEPDOWN_LOG_H
#define STEPDOWN_LOG_H

#include <stddef.h>

enum log_level {
	LOG_LEVEL_QUIET = 0,   /* errors only */
	LOG_LEVEL_NORMAL = 1,  /* errors, warnings and notices */
	LOG_LEVEL_VERBOSE = 2, /* plus a phase-by-phase report */
};

void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Each preserves errno and adds the trailing newline. The formatted message
 * is passed through log_escape, so a file name cannot forge a line or send
 * the terminal an escape sequence. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copies src[0..srclen) into dst (dstlen bytes, NUL-terminated when
 * dstlen > 0) with every byte that a terminal or a reader of the log could
 * take for control written as an escape:
 *   \n \t \r for newline, tab and carriage return, \\ for a backslash,
 *   \xHH for the other C0 bytes (0x00-0x1f), DEL (0x7f), each byte of a
 *   C1 control (U+0080-U+009F in UTF-8) and every byte that is not part of
 *   valid UTF-8.
 * Everything else (printable ASCII, valid UTF-8) is copied as it is.
 * Stops before a character whose escape would not fit: an escape or a
 * UTF-8 sequence is never cut. Returns how many bytes of src were consumed
 * (all of them unless dst filled up); *written, when not NULL, gets the
 * number of bytes written to dst, the NUL not counted. */
size_t log_escape(char *dst, size_t dstlen, const char *src, size_t srclen, size_t *written);

#endif
