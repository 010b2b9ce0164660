package dev.quill.model.engine;

import dev.quill.model.config.ModelConfig;

import java.lang.management.ManagementFactory;

/**
 * Sizes the KV cache. The budget is in tokens: configured, or derived from the memory free when
 * the server starts. The cache is a pool of blocks that every sequence shares ({@link #poolTokens}):
 * it bounds how much all sequences, running and cached for reuse, hold together, while the slots
 * bound how many are decoded at once.
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

    /**
     * The KV pool's size in tokens: the configured budget (at least one full sequence), or by default
     * slots x maxLength, what the cache reserved before it was paged, within the free memory share.
     * A pool larger than the default keeps more finished conversations' prefixes for their next turns.
     */
    public static long poolTokens(ModelConfig c, int maxLength, int slots, long budgetTokens) {
        return poolTokens(maxLength, slots, budgetTokens, budgetTokens > 0 ? 0 : derivedBudget(c));
    }

    /** {@link #poolTokens} with the free-memory budget given. */
    static long poolTokens(int maxLength, int slots, long budgetTokens, long freeBudgetTokens) {
        if (budgetTokens > 0) {
            return Math.max(budgetTokens, maxLength);
        }
        return Math.max(maxLength, Math.min((long) slots * maxLength, freeBudgetTokens));
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
