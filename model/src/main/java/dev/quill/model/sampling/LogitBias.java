package dev.quill.model.sampling;

import java.util.Map;

/**
 * OpenAI's {@code logit_bias}: a fixed amount added to chosen tokens' logits, after the penalties
 * and before temperature, so that it shifts greedy decoding as it shifts sampling. Made once per
 * sequence from its {@link SamplingParams}, so a step walks two small arrays, not a boxed map.
 * Ids at or past the vocabulary cannot be sampled and are skipped, as {@link Penalties} skips them.
 */
final class LogitBias {

    private static final LogitBias NONE = new LogitBias(new int[0], new float[0]);

    private final int[] ids;
    private final float[] biases;

    private LogitBias(int[] ids, float[] biases) {
        this.ids = ids;
        this.biases = biases;
    }

    static LogitBias of(SamplingParams params) {
        Map<Integer, Float> bias = params.logitBias();
        if (bias.isEmpty()) {
            return NONE;
        }
        int[] ids = new int[bias.size()];
        float[] biases = new float[bias.size()];
        int i = 0;
        for (Map.Entry<Integer, Float> e : bias.entrySet()) {
            ids[i] = e.getKey();
            biases[i++] = e.getValue();
        }
        return new LogitBias(ids, biases);
    }

    boolean isEmpty() {
        return ids.length == 0;
    }

    /** Adds the biases to {@code logits} in place (the sampler's own working copy). */
    void apply(float[] logits) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < logits.length) {
                logits[ids[i]] += biases[i];
            }
        }
    }
}
