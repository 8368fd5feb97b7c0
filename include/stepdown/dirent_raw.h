/* A record of getdents64(2), as the kernel lays it out: read through the
 * raw syscall (musl 1.2.3 has no getdents64 wrapper). */
#ifndef STEPDOWN_DIRENT_RAW_H
#define STEPDOWN_DIRENT_RAW_H

#include <stdint.h>

struct dirent64_raw {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

#endif
