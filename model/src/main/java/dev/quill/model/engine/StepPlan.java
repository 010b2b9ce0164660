package dev.quill.model.engine;

import java.util.List;

/**
 * What one step computes: a chunk of new tokens per scheduled sequence. Made by the scheduler,
 * run by the engine, then handed back to the scheduler with the sampled tokens.
 *
 * @param chunks decode chunks (one token) first, then prompt chunks
 */
record StepPlan(List<Chunk> chunks) {

    /**
     * @param sequence who
     * @param start first position computed (equals the sequence's cached tokens)
     * @param tokens ids at positions [start, start + tokens.length)
     * @param samples whether this chunk reaches the end of what is known, so its logits are sampled
     */
    record Chunk(Sequence sequence, int start, int[] tokens, boolean samples) {
    }

    boolean isEmpty() {
        return chunks.isEmpty();
    }
}
