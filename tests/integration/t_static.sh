#!/bin/bash
# The release binary is fully static (no interpreter, no shared libraries)
# and holds no NSS code: no passwd/group lookups through glibc.
. "$(dirname "$0")/lib.sh"
command -v readelf >/dev/null && command -v nm >/dev/null || skip "needs binutils (readelf, nm)"
expect_eq "no PT_INTERP program header" "" "$(readelf -lW "$STEPDOWN" | grep -i interp)"
expect_eq "no NEEDED entries" "" "$(readelf -dW "$STEPDOWN" 2>/dev/null | grep -i needed)"
expect_eq "ELF type EXEC or static-pie" 1 "$(readelf -hW "$STEPDOWN" | grep -cE 'Type:[[:space:]]+(EXEC|DYN)')"
syms=$(nm "$STEPDOWN" | awk '{print $NF}' |
       grep -xE 'getpwnam|getpwnam_r|getpwuid|getpwuid_r|getgrnam|getgrnam_r|getgrgid|getgrgid_r|initgroups|getgrouplist|getpwent|getgrent|__nss_[a-z_]*lookup[a-z_0-9]*' | sort -u | xargs)
expect_eq "no NSS functions linked in" "" "$syms"
finish
