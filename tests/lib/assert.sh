# The checks every shell test uses (integration, release and container
# suites). Source it; a test ends with finish.
FAILED=0

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; FAILED=1; }
pass() { echo "ok: $*"; }
finish() { [ "$FAILED" = 0 ] && { echo "PASS"; exit 0; }; echo "some checks failed"; exit 1; }

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected [$2], got [$3]"; fi
}

# expect_match WHAT REGEX TEXT
expect_match() {
  if printf '%s\n' "$3" | grep -Eq -- "$2"; then pass "$1"; else fail "$1: [$3] does not match /$2/"; fi
}
