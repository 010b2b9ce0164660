package dev.quill.model.engine;

/**
 * How the engine schedules.
 *
 * @param maxWaiting requests that may wait for a slot; one more is refused as overloaded
 * @param stepTokenBudget tokens one step may compute: decode tokens first, prompt chunks fill the rest
 * @param cacheFinishedSequences keep finished sequences' keys/values for prefix reuse (LRU)
 */
public record EngineOptions(int maxWaiting, int stepTokenBudget, boolean cacheFinishedSequences) {

    public EngineOptions {
        if (maxWaiting < 0 || stepTokenBudget <= 0) {
            throw new IllegalArgumentException("maxWaiting must be >= 0 and stepTokenBudget > 0");
        }
    }

    public static EngineOptions defaults() {
        return new EngineOptions(256, 512, true);
    }
}
