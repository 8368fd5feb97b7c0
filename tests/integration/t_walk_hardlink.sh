#!/bin/bash
# A hard link planted in a declared dir to a root-owned file outside (the
# classic attack on find/chown scripts) is left alone and reported; the walk
# still succeeds and re-owns the rest of the tree.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
export NS_TIMEOUT=30

W=$T/w
O=$T/outside
mkdir -p "$W/a/b" "$W/c" "$O"
echo 'root:$6$secret' > "$O/shadow"
chmod 0600 "$O/shadow"
ln "$O/shadow" "$W/a/b/innocent"        # same file, second name inside the tree
for f in "$W/f1" "$W/a/f2" "$W/a/b/f3" "$W/c/f4"; do echo data > "$f"; done
ln -s f1 "$W/c/link"
chown -R 0:0 "$W" "$O"
ctime_before=$(stat -c %.9Z "$O/shadow")

in_ns "$STEPDOWN" -u app -w "$W" -- touch "$T/out/ran" 2>"$T/err"
expect_eq "exit 0: a hard link is not an error" 0 "$?"
[ -e "$T/out/ran" ] && pass "the workload ran" || fail "the workload did not run"
expect_eq "the outside file stays 0:0 with 2 links" "0:0 2" "$(stat -c '%u:%g %h' "$O/shadow")"
expect_eq "  and was not touched at all (ctime)" "$ctime_before" "$(stat -c %.9Z "$O/shadow")"
expect_eq "  mode unchanged" 600 "$(stat -c %a "$O/shadow")"
err=$(cat "$T/err")
expect_match "stderr reports a hard link" "hard link" "$err"
expect_match "  naming the entry" "$W/a/b/innocent" "$err"
expect_match "  and how many" "(^|[^0-9])1 file" "$err"
left=$(find "$W" \( ! -user 1000 -o ! -group 1000 \) -printf '%P\n' | sort)
expect_eq "every other entry re-owned" "a/b/innocent" "$left"
expect_eq "entries re-owned (link, dirs, files)" 9 "$(find "$W" -user 1000 -group 1000 | wc -l)"

# Two names of one file both inside the tree: also left alone, both counted
# the same way; the run still succeeds.
mkdir -p "$T/w2/x"; echo pair > "$T/w2/one"; ln "$T/w2/one" "$T/w2/x/two"
chown -R 0:0 "$T/w2"
in_ns "$STEPDOWN" -u app -w "$T/w2" -- true 2>"$T/err"
expect_eq "hard links within the tree: exit 0" 0 "$?"
expect_eq "  left alone" "0:0 2" "$(stat -c '%u:%g %h' "$T/w2/one")"
expect_match "  reported" "hard link" "$(cat "$T/err")"
expect_eq "  the dirs re-owned" "1000:1000 1000:1000" "$(stat -c %u:%g "$T/w2" "$T/w2/x" | xargs)"

# A second run (everything else now owned) still leaves the file alone.
in_ns "$STEPDOWN" -u app -w "$W" -- true 2>"$T/err"
expect_eq "second run: exit 0" 0 "$?"
expect_eq "  the outside file still 0:0" 0:0 "$(stat -c %u:%g "$O/shadow")"
finish
