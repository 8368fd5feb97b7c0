#!/bin/bash
# Situation 3: a library that writes its cache on its own (as Hugging Face
# hub, torch and matplotlib do: $XDG_CACHE_HOME, else $HOME/.cache), with
# the root filesystem --read-only and only a declared writable cache dir (a
# fresh named volume, root-owned as runtimes create them). The library works
# as non-root; the cache files on the host volume belong to the user. Without
# --writable the same run fails, so the test can tell the difference.
. "$(dirname "$0")/lib.sh"

# The "library": caches a download the way huggingface_hub lays it out.
mkdir -p "$T/ctx/usr/local/bin"
cat > "$T/ctx/usr/local/bin/fetch-model" <<'EOF'
#!/bin/sh
# Downloads (here: makes) a model into the cache the way huggingface_hub
# lays it out, then reads it back.
set -e
hub=${HF_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/huggingface}/hub
snap=$hub/models--tiny--model/snapshots/0123abcd
mkdir -p "$snap"
head -c 65536 /dev/zero > "$snap/model.safetensors"
echo '{"dim": 8}' > "$snap/config.json"
echo "cached in $snap"
wc -c < "$snap/model.safetensors"
EOF
chmod 0755 "$T/ctx/usr/local/bin/fetch-model"
cat > "$T/ctx/Containerfile" <<EOF
FROM $BASE_IMAGE
COPY usr/ /usr/
ENTRYPOINT ["/usr/local/bin/stepdown", "--user", "app", "--writable", "/home/app", "--"]
EOF
build_image localhost/sd-s3:test "$T/ctx"

# volume_dir NAME: the volume's directory on the host.
volume_dir() { pm volume inspect --format '{{.Mountpoint}}' "$1"; }
job="$SNAP"'; echo "HOME=$HOME" > /out/env; fetch-model > /out/fetch 2>&1 || exit 4
  for p in / /etc /usr/local /home; do touch "$p/probe" 2>/dev/null && echo "$p" >> /out/wrote; done; exit 0'

# ---- under HOME: /home/app is a named volume, declared writable ----------
vol=sd-s3-home-$$
pm volume create "$vol" >/dev/null
V=$(volume_dir "$vol")
expect_eq "a fresh volume is root's" 0:0 "$(stat -c %u:%g "$V")"
new_out
prun --rm --name "$(name)" "${CAPS[@]}" --read-only -v "$vol:/home/app" -v "$T/out:/out" \
  localhost/sd-s3:test sh -c "$job" 2>"$T/stderr"
expect_eq "read-only root, cache under HOME: exit 0" 0 "$?"
expect_dropped "workload" "$T/out/work.status" 1000 1000 "1000 2000"
expect_eq "  HOME is the declared dir" HOME=/home/app "$(cat "$T/out/env")"
expect_match "  the library cached its model" "^65536$" "$(cat "$T/out/fetch")"
f=$V/.cache/huggingface/hub/models--tiny--model/snapshots/0123abcd/model.safetensors
expect_eq "  on the host, the cache file is the user's" "1000:1000 65536" "$(stat -c '%u:%g %s' "$f" 2>&1)"
expect_eq "  and so is the volume" 1000:1000 "$(stat -c %u:%g "$V")"
expect_eq "  the root filesystem stayed read-only" "" "$(cat "$T/out/wrote" 2>/dev/null)"

# ---- under XDG_CACHE_HOME, no writable /tmp either --------------------------
vol=sd-s3-xdg-$$
pm volume create "$vol" >/dev/null
V=$(volume_dir "$vol")
new_out
prun --rm --name "$(name)" "${CAPS[@]}" --read-only --read-only-tmpfs=false \
  -e XDG_CACHE_HOME=/cache -v "$vol:/cache" -v "$T/out:/out" \
  --entrypoint '["/usr/local/bin/stepdown", "--user", "app", "--writable", "/cache", "--"]' \
  localhost/sd-s3:test sh -c "$job" 2>"$T/stderr"
expect_eq "read-only root and no tmpfs, cache in XDG_CACHE_HOME: exit 0" 0 "$?"
expect_dropped "workload" "$T/out/work.status" 1000 1000 "1000 2000"
f=$V/huggingface/hub/models--tiny--model/snapshots/0123abcd/config.json
expect_eq "  on the host, the cache file is the user's" 1000:1000 "$(stat -c %u:%g "$f" 2>&1)"
expect_eq "  the root filesystem stayed read-only" "" "$(cat "$T/out/wrote" 2>/dev/null)"

# ---- the control: the same without --writable fails --------------------
vol=sd-s3-none-$$
pm volume create "$vol" >/dev/null
V=$(volume_dir "$vol")
new_out
prun --rm --name "$(name)" "${CAPS[@]}" --read-only --read-only-tmpfs=false \
  -e XDG_CACHE_HOME=/cache -v "$vol:/cache" -v "$T/out:/out" \
  --entrypoint '["/usr/local/bin/stepdown", "--user", "app", "--"]' \
  localhost/sd-s3:test sh -c "$job" 2>"$T/stderr"
expect_eq "control, no --writable: the library fails (4)" 4 "$?"
expect_match "  with a permission error" "Permission denied" "$(cat "$T/out/fetch")"
expect_eq "  the volume is still root's and empty" "0:0 0" "$(stat -c %u:%g "$V") $(ls -A "$V" | wc -l)"
finish
