#!/bin/bash
# Declared paths are compared in normal form: '--user-from //host/' and
# '-w /host/sub' name one tree, so the host's files below it are still never
# re-owned (the check that a --writable dir is under --user-from is a prefix
# test, which '//' or a trailing '/' used to skip).
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
export NS_TIMEOUT=30

H=$T/host                       # stands for the host bind mount
mkdir -p "$H/sub"
echo old > "$H/sub/root-file"   # root-owned, on the host
chown 1234:1234 "$H" "$H/sub"
chown 0:0 "$H/sub/root-file"

for spelled in "/$H" "$H/" "/$H//" "$(printf '%s' "$H" | sed 's|/|//|g')"; do
  for w in "$H/sub" "$H//sub/"; do
    in_ns "$STEPDOWN" --user-from "$spelled" -w "$w" -- true 2>"$T/err"
    expect_eq "--user-from '$spelled' -w '$w': exit 0" 0 "$?"
    expect_eq "  the host's root-owned file below it stays 0:0" 0:0 "$(stat -c %u:%g "$H/sub/root-file")"
    expect_match "  says the dir is not re-owned" "not re-owned|host" "$(cat "$T/err")"
    chown 0:0 "$H/sub/root-file"
  done
done
finish
