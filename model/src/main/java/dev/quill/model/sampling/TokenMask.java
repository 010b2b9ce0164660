package dev.quill.model.sampling;

/**
 * Which tokens one sequence may choose next, whatever their logits say: constrained decoding (a
 * JSON schema, a tool call) gives each constrained sequence its own mask, and the sampler applies
 * it before choosing, on the greedy and the random path alike. The forward pass knows nothing of
 * it, so constrained and free sequences share a batch unchanged.
 *
 * <p>Called only on the engine thread, once per step of its sequence.
 */
public interface TokenMask {

    /**
     * Writes {@code logits} into {@code out} (the same length), with -inf for every token that may
     * not come next. {@code logits} is only read.
     *
     * @throws RuntimeException when the mask cannot be computed: the engine ends this sequence alone
     */
    void apply(float[] logits, float[] out);
}
