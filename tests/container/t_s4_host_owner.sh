#!/bin/bash
# Situation 4: saving trained models to a host bind mount owned by a host
# user (uid 4321, unknown to the image). With --user-from, the workload runs
# as that uid:gid, so the files it creates belong to the host user; no host
# file changes owner, not even under a --writable dir below the mount. A
# root-owned mount falls back to --user.
. "$(dirname "$0")/lib.sh"

cat > "$T/Containerfile" <<EOF
FROM $BASE_IMAGE
ENTRYPOINT ["/usr/local/bin/stepdown", "--user", "app", "--user-from", "/out", "--writable", "/out/checkpoints", "--"]
EOF
build_image localhost/sd-s4:test "$T"

# The host user's dir: an earlier run's files, a file of another host user
# (5555) that the workload may append to, and a checkpoints dir owned by
# that other user and shared through group 4321.
H=$T/host-out
mkdir -p "$H/runs/1" "$H/checkpoints"
echo old > "$H/runs/1/model.pt"
echo theirs > "$H/shared.txt"
chown -R 4321:4321 "$H"
chown 5555:5555 "$H/shared.txt"; chmod 0666 "$H/shared.txt"
chown 5555:4321 "$H/checkpoints"; chmod 0775 "$H/checkpoints"
old=("$H" "$H/runs" "$H/runs/1" "$H/runs/1/model.pt" "$H/shared.txt" "$H/checkpoints")
owners_before=$(stat -c '%u:%g %a %n' "${old[@]}")
untouched_before=$(stat -c '%u:%g %a %Z.%z %n' "$H/runs/1" "$H/runs/1/model.pt")

job='cat /proc/$$/status > /out/work.status; cat /proc/1/status > /out/pid1.status
  mkdir -p /out/runs/2 && head -c 8192 /dev/zero > /out/runs/2/model.pt &&
  echo step > /out/checkpoints/step-100.pt && echo appended >> /out/shared.txt || exit 3'
prun --rm --name "$(name)" "${CAPS[@]}" -v "$H:/out" localhost/sd-s4:test sh -c "$job" 2>"$T/stderr1"
expect_eq "--user-from a host mount owned by 4321: exit 0" 0 "$?"
# No passwd entry for 4321 in the image: gid from the mount, no other group.
expect_dropped "workload" "$H/work.status" 4321 4321 ""
expect_dropped "PID 1 (stepdown)" "$H/pid1.status" 4321 4321 ""
expect_eq "  its new files are the host user's" "4321:4321 4321:4321 4321:4321 8192" \
  "$(stat -c %u:%g "$H/runs/2" "$H/runs/2/model.pt" "$H/checkpoints/step-100.pt" 2>&1 | xargs) $(stat -c %s "$H/runs/2/model.pt")"
expect_eq "  no host file changed owner or mode" "$owners_before" "$(stat -c '%u:%g %a %n' "${old[@]}")"
expect_eq "  what it did not write was not touched at all (ctime)" "$untouched_before" \
  "$(stat -c '%u:%g %a %Z.%z %n' "$H/runs/1" "$H/runs/1/model.pt")"
expect_eq "  the other user's file got the data, kept its owner" "theirs appended 5555:5555" \
  "$(cat "$H/shared.txt" | xargs) $(stat -c %u:%g "$H/shared.txt")"
expect_match "  the --writable dir below it is left to the host, and said so" "/out/checkpoints is under --user-from /out: the host.s files are not re-owned" "$(cat "$T/stderr1")"

# A root-owned mount: --user-from falls back to --user app.
R=$T/root-out
mkdir -m 0777 "$R"
prun --rm --name "$(name)" "${CAPS[@]}" -v "$R:/out" \
  --entrypoint '["/usr/local/bin/stepdown", "--user", "app", "--user-from", "/out", "--"]' \
  localhost/sd-s4:test sh -c 'cat /proc/$$/status > /out/work.status; touch /out/made' 2>"$T/stderr"
expect_eq "root-owned mount: exit 0" 0 "$?"
expect_dropped "  falls back to app" "$R/work.status" 1000 1000 "1000 2000"
expect_eq "  its file is app's" 1000:1000 "$(stat -c %u:%g "$R/made" 2>&1)"
expect_eq "  the mount itself not re-owned" "0:0 777" "$(stat -c '%u:%g %a' "$R")"
finish
