package io.nais.pg.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of processes so far, read from Linux {@code /proc} in one pass, for benchmarks that say which
 * component of a co-located set-up (service, its database, the clusters, the broker) a run's CPU went to.
 * The mains' one way to read {@code /proc} CPU; the scripts have theirs, {@code bench/lib/proc-cpu.sh}, so that
 * neither starts a process of the other language per reading.
 */
public final class ProcessCpu {

    /** {@code USER_HZ}: the unit of the times in {@code /proc}, 100 a second on Linux. */
    private static final long TICK_MILLIS = 10;

    private final List<Stat> processes;
    private final long machineBusyTicks;

    private ProcessCpu(List<Stat> processes, long machineBusyTicks) {
        this.processes = processes;
        this.machineBusyTicks = machineBusyTicks;
    }

    /** Every process's CPU time now, and the machine's. */
    public static ProcessCpu now() {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            List<Stat> processes = entries
                    .filter(entry -> entry.getFileName().toString().chars().allMatch(Character::isDigit))
                    .map(ProcessCpu::read).filter(Objects::nonNull).toList();
            return new ProcessCpu(processes, machineBusy());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The process's own CPU (all its threads). */
    public Duration of(long pid) {
        return ticks(processes.stream().filter(stat -> stat.pid() == pid).mapToLong(Stat::own).sum());
    }

    /**
     * The process's own CPU, that of its live children, and that of its children that ended and were reaped
     * (a postmaster reaps its backends): a PostgreSQL cluster's whole CPU from its postmaster's id.
     */
    public Duration ofTree(long pid) {
        long ticks = 0;
        for (Stat stat : processes) {
            if (stat.pid() == pid) {
                ticks += stat.own() + stat.reapedChildren();
            } else if (stat.parent() == pid) {
                ticks += stat.own();
            }
        }
        return ticks(ticks);
    }

    /** CPU the whole machine spent, all cores: user, nice, system, irq and softirq (no idle, I/O wait or steal). */
    public Duration machine() {
        return ticks(machineBusyTicks);
    }

    private static Duration ticks(long ticks) {
        return Duration.ofMillis(ticks * TICK_MILLIS);
    }

    /**
     * CPU time of each thread group of a process so far: thread names with their trailing numbers (and the
     * separator before them) cut off, so a pool of eight threads is one group (Linux keeps the first 15
     * characters of a name: "kafka-producer-network-thread" is "kafka-producer").
     */
    public static Map<String, Duration> byThread(long pid) {
        Map<String, Duration> groups = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks.map(ProcessCpu::read).filter(Objects::nonNull).forEach(thread -> groups.merge(
                    thread.name().replaceAll("[-# ]*\\d*$", ""), ticks(thread.own()), Duration::plus));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return groups;
    }

    /** The fields of one {@code /proc/<pid>/stat} (or {@code /proc/<pid>/task/<tid>/stat}) used here. */
    private record Stat(long pid, String name, long parent, long own, long reapedChildren) {

        /** "pid (comm) state ppid …": comm may hold spaces and parentheses, so fields count from the last ')'. */
        static Stat parse(String line) {
            long pid = Long.parseLong(line.substring(0, line.indexOf(' ')));
            String name = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
            String[] fields = line.substring(line.lastIndexOf(')') + 2).strip().split(" ");
            // fields[0] is field 3 (state): ppid is 4, utime 14, stime 15, cutime 16, cstime 17
            return new Stat(pid, name, Long.parseLong(fields[1]),
                    Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
                    Long.parseLong(fields[13]) + Long.parseLong(fields[14]));
        }
    }

    private static Stat read(Path process) {
        try {
            return Stat.parse(Files.readString(process.resolve("stat")));
        } catch (IOException gone) {
            return null; // ended between the listing and the read
        }
    }

    /**
     * The first line of {@code /proc/stat}: "cpu user nice system idle iowait irq softirq steal guest …"; steal
     * is time a virtual machine's host gave to someone else, and guest time is already in user.
     */
    private static long machineBusy() throws IOException {
        String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int field : new int[] {1, 2, 3, 6, 7}) {
            busy += Long.parseLong(fields[field]);
        }
        return busy;
    }
}
