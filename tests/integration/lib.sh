# Shared helpers for the integration tests. Source it; STEPDOWN and TEST_SRC
# come from ctest (tests/integration/CMakeLists.txt).
set -u

: "${STEPDOWN:?STEPDOWN must point at the binary under test}"
: "${TEST_SRC:?TEST_SRC must point at the source tree}"
. "$TEST_SRC/tests/lib/assert.sh"

# The start of stepdown's command line for pgrep -f: under qemu-user through
# binfmt_misc (flag P) it is "<interpreter> <path> <path> ARGS...".
SD_RE='^([^ ]*-binfmt-P [^ ]* )?'

T=$(mktemp -d /tmp/stepdown-it.XXXXXX)
chmod 0755 "$T"
trap 'rm -rf "$T"' EXIT

require_root() {
  [ "$(id -u)" = 0 ] || skip "needs root (unshare, setgroups, bind mounts); CI runs as root"
  unshare -fp --mount-proc true 2>/dev/null || skip "cannot create a PID namespace here"
}

# A fixed user database for the tests, bind-mounted over /etc in a private
# mount namespace so the host's files are never touched.
make_fixture() {
  mkdir -p "$T/etc" "$T/home/app" "$T/out"
  cat > "$T/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
app:x:1000:1000:App:/home/app:/bin/sh
other:x:1001:1001::/home/other:/bin/sh
nohome:x:1002:1002:::/bin/sh
PW
  cat > "$T/etc/group" <<'GR'
root:x:0:
app:x:1000:
audio:x:29:app
video:x:44:other,app
staff:x:50:other
GR
  chown 1000:1000 "$T/home/app"
  chmod 0777 "$T/out"
}

# in_ns CMD...: run CMD in new PID + mount namespaces with the fixture's
# passwd/group and /home (app's home, owned by 1000) in place; CMD is exec'd so it is PID 1. Extra unshare flags
# can be given in UNSHARE_FLAGS (e.g. -n).
in_ns() {
  timeout -k 5 "${NS_TIMEOUT:-120}" \
  unshare -m -fp --mount-proc ${UNSHARE_FLAGS:-} --kill-child -- /bin/sh -c '
    mount --bind "$0/etc/passwd" /etc/passwd &&
    mount --bind "$0/etc/group" /etc/group &&
    mount --bind "$0/home" /home &&
    exec "$@"' "$T" "$@"
}

# status_field FILE FIELD: the value of "Field:" in a /proc/PID/status copy,
# blanks squeezed.
status_field() {
  awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "$1"
}

# wait_for FILE [TENTHS]: wait until FILE exists (default 10 s).
wait_for() {
  local n=${2:-100}
  while [ ! -e "$1" ] && [ "$n" -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
  [ -e "$1" ]
}
