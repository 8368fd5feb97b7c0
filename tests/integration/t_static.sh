#!/bin/bash
# The release binary is fully static (no interpreter, no shared libraries)
# and holds no NSS code: no passwd/group lookups through glibc.
. "$(dirname "$0")/lib.sh"
command -v readelf >/dev/null && command -v nm >/dev/null || skip "needs binutils (readelf, nm)"
expect_eq "no PT_INTERP program header" "" "$(readelf -lW "$STEPDOWN" | grep -i interp)"
expect_eq "no NEEDED entries" "" "$(readelf -dW "$STEPDOWN" 2>/dev/null | grep -i needed)"
expect_eq "ELF type EXEC or static-pie" 1 "$(readelf -hW "$STEPDOWN" | grep -cE 'Type:[[:space:]]+(EXEC|DYN)')"
# A stripped release binary keeps its symbols next to it in stepdown.debug.
symfile=$STEPDOWN
[ -f "$STEPDOWN.debug" ] && symfile=$STEPDOWN.debug
all=$(nm "$symfile" 2>/dev/null | awk '{print $NF}')
expect_eq "symbol table readable (else the next check proves nothing)" 1 \
  "$(printf '%s\n' "$all" | grep -cx main)"
syms=$(printf '%s\n' "$all" |
       grep -xE 'getpwnam|getpwnam_r|getpwuid|getpwuid_r|getgrnam|getgrnam_r|getgrgid|getgrgid_r|initgroups|getgrouplist|getpwent|getgrent|__nss_[a-z_]*lookup[a-z_0-9]*|__nscd_query' | sort -u | xargs)
expect_eq "no NSS (or nscd) functions linked in" "" "$syms"
# musl's passwd lookups would ask nscd over its socket: not in the binary.
expect_eq "no nscd socket path in the binary" 0 "$(grep -c 'nscd/socket' "$STEPDOWN")"
# The race tests' hooks (stepdown_hooked) are never in the binary that ships.
expect_eq "no test hook in the binary" 0 "$(grep -c 'STEPDOWN_TEST_HOOK' "$STEPDOWN")"
: "${HOOKED:?HOOKED must point at stepdown_hooked}"
expect_eq "  (the hooked test build has them: the check can see them)" yes \
  "$(grep -q 'STEPDOWN_TEST_HOOK_CMD' "$HOOKED" && echo yes)"
finish
