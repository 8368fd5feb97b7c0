#!/bin/bash
# Situation 1: serve a model mounted read-only from the host. The non-root
# workload reads every byte; the mount is never chowned or written, and a
# read-only mount declared --writable by the image is reported, not an error.
. "$(dirname "$0")/lib.sh"

# The host's model dir: root-owned, with one file of another host user, as a
# model store shared between services would be.
M=$T/models
mkdir -p "$M/tokenizer"
head -c 262144 /dev/urandom > "$M/model.safetensors"
echo '{"hidden": 64}' > "$M/config.json"
printf 'a\nb\nc\n' > "$M/tokenizer/vocab.txt"
chown -R 0:0 "$M"; chown 4242:4242 "$M/config.json"
chmod -R u=rwX,go=rX "$M"
sum=$(cd "$M" && sha256sum model.safetensors config.json tokenizer/vocab.txt)
before=$(tree_state "$M")

# The workload "serves" the model: reads every file, checks it cannot write.
serve="$SNAP"'
  cd /models && sha256sum model.safetensors config.json tokenizer/vocab.txt > /out/sums
  if touch /models/probe 2>/out/write.err; then echo wrote > /out/write; fi'

# ---- an image that only reads /models -------------------------------------
mkdir -p "$T/ctx1"
cat > "$T/ctx1/Containerfile" <<EOF
FROM $BASE_IMAGE
ENTRYPOINT ["/usr/local/bin/stepdown", "--user", "app", "--"]
EOF
build_image localhost/sd-s1-read:test "$T/ctx1"
new_out
prun --rm --name "$(name)" "${CAPS[@]}" -v "$M:/models:ro" -v "$T/out:/out" \
  localhost/sd-s1-read:test sh -c "$serve" >"$T/stdout" 2>"$T/stderr"
expect_eq "read-only model: exit 0" 0 "$?"
expect_dropped "workload" "$T/out/work.status" 1000 1000 "1000 2000"
expect_eq "  read every byte of the model, as on the host" "$sum" "$(cat "$T/out/sums" 2>&1)"
expect_match "  could not write the mount" "Read-only file system" "$(cat "$T/out/write.err" 2>&1)"
[ ! -e "$T/out/write" ] && pass "  nothing written" || fail "  the workload wrote to the read-only mount"
expect_eq "  no error or warning from stepdown" "" "$(grep -E 'error|warning' "$T/stderr")"
expect_eq "  host files: owners, modes and ctimes unchanged" "$before" "$(tree_state "$M")"

# ---- an image that declares /models writable, mounted read-only ---------
# (the image author planned downloads there; the operator mounts a model
# read-only): reported and skipped, not fatal, and nothing is re-owned.
mkdir -p "$T/ctx2"
cat > "$T/ctx2/Containerfile" <<EOF
FROM $BASE_IMAGE
ENTRYPOINT ["/usr/local/bin/stepdown", "--user", "app", "--writable", "/models", "--"]
EOF
build_image localhost/sd-s1-declared:test "$T/ctx2"
new_out
prun --rm --name "$(name)" "${CAPS[@]}" -v "$M:/models:ro" -v "$T/out:/out" \
  localhost/sd-s1-declared:test sh -c "$serve" >"$T/stdout" 2>"$T/stderr"
expect_eq "declared --writable, mounted read-only: exit 0" 0 "$?"
expect_dropped "workload" "$T/out/work.status" 1000 1000 "1000 2000"
expect_eq "  read every byte of the model" "$sum" "$(cat "$T/out/sums" 2>&1)"
expect_match "  stepdown reports the read-only mount" "/models.*read-only" "$(cat "$T/stderr")"
expect_eq "  and it is not an error" "" "$(grep 'error' "$T/stderr")"
expect_eq "  host files: owners, modes and ctimes unchanged" "$before" "$(tree_state "$M")"

# ---- the same with --dry-run: the plan says so, nothing runs ------------
prun --rm --name "$(name)" "${CAPS[@]}" -v "$M:/models:ro" --entrypoint /usr/local/bin/stepdown \
  localhost/sd-s1-declared:test --dry-run --user app --writable /models -- true >"$T/stdout" 2>"$T/stderr"
expect_eq "--dry-run: exit 0" 0 "$?"
expect_match "  the plan says /models is left as it is" "writable: +/models \(read-only filesystem: left as it is\)" "$(cat "$T/stdout")"
expect_eq "  host files unchanged" "$before" "$(tree_state "$M")"
finish
