#!/usr/bin/env bash
# Where the CPU of each process in a chain goes, from perf's call graphs: the share of its
# samples spent being switched out and in by the scheduler, and waking a peer, against its
# own work. The hop benchmarks (proxy-hop.sh, proxy-speed.sh, gateway-pgbench.sh) give each
# process's CPU per transaction; this says how much of it is the hop itself (a blocked read
# woken per message, a send that wakes its receiver) rather than code that could be made
# cheaper. Run it beside a measured point: perf's own cost lands on the sampled processes,
# so do not take the same point's throughput from that run.
#
#   bench/sched-share.sh <seconds> <label>=<pid>[,<pid>...] ...
#   e.g. bench/sched-share.sh 10 proxy=$(pgrep -f 'postgres proxy') backends=$(pgrep -d, -P "$POSTMASTER")
#
# Per label, of its samples (leaf frame first):
#   switch  under __schedule: blocking in read/epoll_wait, or preempted right after a send
#           woke a task with an earlier deadline;
#   wake    waking another task and not switching (try_to_wake_up, __wake_up*, a socket's
#           data-ready or write-space callback): on loopback the sender runs the receiver's
#           TCP softirq and its wake-up itself;
#   kernel  the rest of the kernel (TCP/IP, copies, syscalls);
#   user    the process's own code (JIT code, libc, crypto).
set -euo pipefail

(($# >= 2)) || { sed -n '10,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
SECONDS_TO_SAMPLE=$1; shift
command -v perf >/dev/null || { echo "sched-share: perf is missing (Debian: linux-perf)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/sched-share.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

declare -A LABEL_OF
for arg in "$@"; do
  label=${arg%%=*}
  IFS=, read -r -a list <<<"${arg#*=}"
  for pid in "${list[@]}"; do
    [[ -n $pid ]] || continue
    LABEL_OF[$pid]=$label
    # JIT-compiled Java frames get names only with the JVM's perf map (/tmp/perf-<pid>.map)
    if [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == */java ]]; then jcmd "$pid" Compiler.perfmap >/dev/null 2>&1 || true; fi
  done
done
((${#LABEL_OF[@]} > 0)) || { echo "sched-share: no process to sample" >&2; exit 2; }

pids=("${!LABEL_OF[@]}")
perf record -q -F 999 -g -p "$(IFS=,; echo "${pids[*]}")" -o "$WORK/perf.data" -- sleep "$SECONDS_TO_SAMPLE" >/dev/null 2>&1
for pid in "${pids[@]}"; do echo "$pid ${LABEL_OF[$pid]}"; done >"$WORK/labels"

# perf script: one header line per sample (its pid), then its frames leaf first, then a blank line
perf script -i "$WORK/perf.data" -F pid,ip,sym,dso 2>/dev/null | awk -v labels="$WORK/labels" '
  BEGIN { while ((getline line < labels) > 0) { split(line, f, " "); label[f[1]] = f[2] } }
  function close_sample() {
    if (pid == "") return
    l = (pid in label) ? label[pid] : "other"
    kind = sched ? "switch" : wake ? "wake" : kernel_leaf ? "kernel" : "user"
    count[l, kind]++; total[l]++; pid = ""
  }
  /^ *[0-9]+ *$/ { close_sample(); pid = $1 + 0; sched = 0; wake = 0; kernel_leaf = -1; next }
  NF == 0 { close_sample(); next }
  {
    if (kernel_leaf == -1) kernel_leaf = ($0 ~ /\[kernel\.kallsyms\]/)
    if ($0 ~ /[ ]__schedule[+ ]|[ ]finish_task_switch/) sched = 1
    if ($0 ~ /[ ](try_to_wake_up|__wake_up[a-z_]*|sock_def_readable|sock_def_write_space|ep_poll_callback)[+ ]/) wake = 1
  }
  END {
    close_sample()
    printf "%-12s %8s %7s %7s %7s %7s\n", "process", "samples", "switch", "wake", "kernel", "user"
    split("switch wake kernel user", kinds, " ")
    for (key in total) {
      printf "%-12s %8d", key, total[key]
      for (k = 1; k <= 4; k++) printf " %6.1f%%", 100 * count[key, kinds[k]] / total[key]
      printf "\n"
    }
  }'
