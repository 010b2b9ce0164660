package dev.quill.server.http;

import com.sun.management.GcInfo;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The JVM heap seen three ways. Used bytes swing with every collection, so a minute's mean says
 * little about growth. What survived the latest collection bounds the live set from above: G1's
 * young collections leave promoted garbage in the old generation until a marking cycle, so this
 * climbs and falls back, and a leak shows in its troughs. Committed bytes are what the heap takes
 * from the process; G1 raises them on its own under allocation pressure up to {@code -Xmx}, which
 * shows in the process's RSS without being a leak. All in-memory MXBean reads, cheap enough for a
 * scrape on the event loop.
 */
final class JvmMemory {

    private static final Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());

    private static final List<com.sun.management.GarbageCollectorMXBean> COLLECTORS =
            ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .filter(c -> c instanceof com.sun.management.GarbageCollectorMXBean)
                    .map(c -> (com.sun.management.GarbageCollectorMXBean) c).toList();

    private JvmMemory() {
    }

    static MemoryUsage heap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    }

    /**
     * Heap bytes in use right after the most recent collection by any collector; empty before the
     * first collection, or on a JVM without the {@code com.sun.management} extension.
     */
    static OptionalLong heapAfterLastGc() {
        GcInfo latest = null;
        for (com.sun.management.GarbageCollectorMXBean c : COLLECTORS) {
            GcInfo info = c.getLastGcInfo();
            if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                latest = info;
            }
        }
        if (latest == null) {
            return OptionalLong.empty();
        }
        long used = latest.getMemoryUsageAfterGc().entrySet().stream()
                .filter(e -> HEAP_POOLS.contains(e.getKey())).mapToLong(e -> e.getValue().getUsed()).sum();
        return OptionalLong.of(used);
    }
}
