package dev.quill.model.engine;

/**
 * How the engine schedules.
 *
 * @param maxWaiting requests that may wait for a slot; one more is refused as overloaded
 * @param stepTokenBudget tokens one step may compute: decode tokens first, prompt chunks fill the rest
 * @param cacheFinishedSequences prefix reuse: index computed KV blocks by the tokens they hold, so a
 *     sequence with the same prefix reads them (from a running sequence, or a finished one whose
 *     blocks stay cached until the pool needs them, least recently used first); false: every
 *     sequence computes its whole prompt and its blocks are freed when it ends
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
