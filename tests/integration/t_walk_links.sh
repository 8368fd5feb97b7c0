#!/bin/bash
# Hard links reach outside through every kind of non-directory, not only
# regular files: links planted in the tree to an outside block device,
# character device, socket, FIFO and symlink are all left alone (owner,
# mode and ctime), and reported. A device node planted in the tree itself
# (one link: only root can have made it) is left alone and reported too.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
export NS_TIMEOUT=30

W=$T/w
O=$T/outside
mkdir -p "$W/d" "$O"
mknod "$O/blk" b 7 200
mknod "$O/chr" c 1 3
mkfifo "$O/fifo"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$O/sock"
ln -s /etc/shadow "$O/symlink"
kinds="blk chr fifo sock symlink"
for k in $kinds; do ln -P "$O/$k" "$W/d/$k-link"; done
mknod "$W/d/planted-chr" c 1 3
mknod "$W/planted-blk" b 7 201
echo data > "$W/d/file"
chown -hR 0:0 "$W" "$O"
chmod 0660 "$O/blk" "$O/chr" "$O/fifo"
state() { for k in $kinds; do stat -c "$k %u:%g %a %.9Z %h" "$O/$k"; done; }
before=$(state)
planted_before=$(stat -c '%u:%g %a %.9Z' "$W/d/planted-chr" "$W/planted-blk")

in_ns "$STEPDOWN" -u app -w "$W" -- true 2>"$T/err"
expect_eq "exit 0: links and devices are not errors" 0 "$?"
expect_eq "every outside node keeps owner, mode, ctime and both links" "$before" "$(state)"
expect_eq "the planted devices are left alone" "$planted_before" \
  "$(stat -c '%u:%g %a %.9Z' "$W/d/planted-chr" "$W/planted-blk")"
err=$(cat "$T/err")
expect_match "the fifo, socket and symlink links are reported" "3 file\(s\) with several hard links" "$err"
expect_match "the devices (2 linked, 2 planted) are reported" "4 device node\(s\) left alone" "$err"
# (which one is named depends on the order the walk jobs meet them)
expect_match "  naming one" "device node\(s\) left alone, e\.g\. '$W/(d/)?(planted-chr|planted-blk|blk-link|chr-link)'" "$err"
expect_eq "the rest is app's" "1000:1000 1000:1000 1000:1000" \
  "$(stat -c %u:%g "$W" "$W/d" "$W/d/file" | xargs)"

# A dry run counts them the same way and changes nothing.
chown -h 0:0 "$W/d/file"
in_ns "$STEPDOWN" --dry-run -u app -w "$W" -- true >"$T/plan" 2>&1
expect_eq "dry run: exit 0" 0 "$?"
expect_match "  one entry would change" "[^0-9]1 would change" "$(cat "$T/plan")"
expect_match "  the devices counted" ", 4 devices left alone" "$(cat "$T/plan")"
expect_eq "  nothing changed" 0:0 "$(stat -c %u:%g "$W/d/file")"
finish
