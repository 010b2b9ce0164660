package dev.quill.model.engine;

import dev.quill.model.config.ModelConfig;

import java.lang.management.ManagementFactory;

/**
 * Sizes the KV cache. The budget is in tokens: configured, or derived from the memory free when
 * the server starts. The cache is preallocated as slots of {@code maxLength} tokens, so the budget
 * decides how many sequences can be decoded at once.
 */
public final class KvBudget {

    /** Share of free memory the cache may take when no budget is configured. */
    static final double FREE_MEMORY_SHARE = 0.4;

    private KvBudget() {
    }

    /** Bytes one cached token takes across all layers (keys and values, fp32 on CPU). */
    public static long bytesPerToken(ModelConfig c, int bytesPerValue) {
        return 2L * c.numLayers() * c.numKvHeads() * c.headDim() * bytesPerValue;
    }

    /**
     * How many slots fit.
     *
     * @param wantedSlots the configured upper bound
     * @param budgetTokens the configured budget, or 0 to derive it from free memory
     */
    public static int slots(ModelConfig c, int maxLength, int wantedSlots, long budgetTokens) {
        long budget = budgetTokens > 0 ? budgetTokens : derivedBudget(c);
        return (int) Math.max(1, Math.min(wantedSlots, budget / maxLength));
    }

    static long derivedBudget(ModelConfig c) {
        long free = freePhysicalMemory();
        return (long) (free * FREE_MEMORY_SHARE) / bytesPerToken(c, 4);
    }

    private static long freePhysicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getFreeMemorySize();
        }
        return Runtime.getRuntime().maxMemory(); // no OS figure: the heap bound is a safe underestimate
    }
}
