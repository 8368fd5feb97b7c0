#!/bin/bash
# PID 1 reaps every orphan: 1000 grandchildren whose parents exit at once
# are reparented to stepdown and leave no zombie behind.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture

PY=/usr/bin/python3
[ -x "$PY" ] || skip "needs Debian's python3 (tests/run installs it)"

# The workload forks 1000 children that each fork a grandchild and exit at
# once, so every grandchild is reparented to PID 1. It records how many live
# processes had PID 1 as parent (proof they were orphans), waits until they
# have all exited, then counts zombies in the namespace.
workload='
import os, sys, time
out = sys.argv[1]
def procs():
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/stat") as f:
                    state, ppid = f.read().rsplit(")", 1)[1].split()[:2]
                if int(p) != os.getpid():
                    yield int(p), state, int(ppid)
            except (OSError, ValueError):
                pass
# Each grandchild lives until the workload closes the pipe, so all 1000
# are alive when counted, however slow the machine.
r, w = os.pipe()
for i in range(1000):
    if os.fork() == 0:
        if os.fork() == 0:
            os.close(w)
            os.read(r, 1)
            os._exit(0)
        os._exit(0)
    os.wait()
orphans = sum(1 for _, s, pp in procs() if pp == 1 and s != "Z")
open(f"{out}/orphans", "w").write(str(orphans))
os.close(w)
for _ in range(300):
    if not any(pp == 1 and s != "Z" for _, s, pp in procs()):
        break
    time.sleep(0.1)
time.sleep(0.5)
open(f"{out}/zombies", "w").write(str(sum(1 for _, s, _ in procs() if s == "Z")))
'
in_ns "$STEPDOWN" -u app -- "$PY" -c "$workload" "$T/out"
expect_eq "exit status" 0 "$?"
orphans=$(cat "$T/out/orphans")
[ "$orphans" -eq 1000 ] && pass "orphans were reparented to PID 1 ($orphans seen alive)" \
  || fail "only $orphans orphans seen with PID 1 as parent"
expect_eq "zombies left after the orphans exited" 0 "$(cat "$T/out/zombies")"
finish
