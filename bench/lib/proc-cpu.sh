#!/usr/bin/env bash
# CPU of the processes in a benchmark's chain, from /proc, so the cost of each hop is visible
# whatever the machine. Source it. This is the scripts' one way to read /proc CPU; the Java
# mains have theirs, io.nais.pg.bench.ProcessCpu (a script would start a JVM per
# reading to use that, a main would fork a shell per reading to use this): each language
# reads /proc once, and neither does the other's job.

# listener_pid <port>: the process listening on a local TCP port (the gateway JVM, a postmaster)
listener_pid() { ss -Htlnp "sport = :$1" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1; }

# cpu_ticks <pid>: CPU the process used so far, its own plus that of its reaped children
# (a postmaster's: the backends that ended), in clock ticks (fields 14-17 of /proc/<pid>/stat)
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13 + $14 + $15}'; }

# thread_ticks <pid>: "ticks<TAB>thread name" per thread of the process (utime+stime)
thread_ticks() {
  local stat
  for stat in /proc/"$1"/task/*/stat; do
    sed -n 's/^[0-9]* (\(.*\)) [A-Za-z] \(.*\)/\2\t\1/p' "$stat" 2>/dev/null | awk -F'\t' '{ split($1, f, " "); print f[11] + f[12] "\t" $2 }'
  done
}

# thread_delta <before-file> <after-file> <top>: the threads that used most CPU in between,
# summed by name with the digits dropped ("nioEventLoopGroup-3-1" -> "nioEventLoopGroup--"), in ticks
thread_delta() {
  awk -F'\t' -v top="$3" 'NR == FNR { gsub(/[0-9]+/, "", $2); before[$2] += $1; next }
    { gsub(/[0-9]+/, "", $2); after[$2] += $1 }
    END { for (t in after) if (after[t] - before[t] > 0) print after[t] - before[t] "\t" t }' "$1" "$2" \
    | sort -rn | head -"$3" | awk -F'\t' '{ printf "%s %s; ", $2, $1 }'
}

# cpu_times: "idle all" clock ticks of every core so far (/proc/stat's first line; idle
# counts iowait too)
cpu_times() { awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }

# machine_ticks: CPU every process and the kernel used so far, all cores, in clock ticks
machine_ticks() { cpu_times | awk '{ print $2 - $1 }'; }

# settle [max-seconds=180]: waits until the machine has been at least 90% idle for 3 s in a
# row, so that a measured point does not pay for work the previous one left behind (the
# statement audit the platform is still storing); prints the seconds it waited
settle() {
  local max=${1:-180} quiet=0 waited=0 idle0 all0 idle1 all1
  while ((waited < max && quiet < 3)); do
    read -r idle0 all0 < <(cpu_times)
    sleep 1
    read -r idle1 all1 < <(cpu_times)
    waited=$((waited + 1))
    if (((idle1 - idle0) * 10 >= (all1 - all0) * 9)); then quiet=$((quiet + 1)); else quiet=0; fi
  done
  echo "$waited"
}
