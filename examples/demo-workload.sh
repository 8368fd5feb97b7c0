# The demo's workload: shows who it runs as, who PID 1 is, and an orphan
# being reaped. Run by examples/demo.sh under stepdown.
show() { grep -E "^(Uid|Gid|Groups|CapEff|CapBnd|CapAmb|NoNewPrivs):" "$1" | sed "s/^/    /"; }
procs() {
  for s in /proc/[0-9]*/stat; do
    read -r line < "$s" 2>/dev/null || continue
    pid=${line%% *}; rest=${line##*) }
    set -- $rest
    printf "    pid %-3s ppid %-3s state %s  %s\n" "$pid" "$2" "$1" "$(cat "/proc/$pid/comm" 2>/dev/null)"
  done
}
echo
echo "== after: the workload (pid $$) runs as $(id)"
show /proc/self/status
echo "    HOME=$HOME USER=$USER"
echo "    writing to the cache as $(id -un): $(echo ok > "$DEMO_CACHE/models/tiny/used" && echo done)"
echo
echo "== after: PID 1, stepdown itself, is no longer root either"
show /proc/1/status
echo
echo "== an orphan: its parent exits at once, so it is reparented to PID 1"
sh -c "sleep 1 & exit 0"
sleep 0.2
procs
sleep 1.3
echo "== a second later: the orphan exited and PID 1 reaped it (no zombie, state Z)"
procs
exit 3
