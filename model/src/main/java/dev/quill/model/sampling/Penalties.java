package dev.quill.model.sampling;

/**
 * The first stage of sampling: the penalties that push the model away from what it already said.
 * In vLLM's order: the repetition penalty (HF/CTRL) over prompt and generated tokens, then the
 * OpenAI frequency and presence penalties over generated tokens only.
 *
 * <p>Each loop runs over the distinct ids in the history, not over the vocabulary. Ids at or
 * beyond the vocabulary size cannot be sampled, so they are skipped rather than rejected.
 */
final class Penalties {
    private Penalties() {
    }

    /**
     * Applies the penalties of {@code params} to {@code logits} in place. Callers pass their own
     * working copy; the engine's logits array is never given here.
     */
    static void apply(float[] logits, TokenHistory history, SamplingParams params) {
        int vocab = logits.length;
        double repetition = params.repetitionPenalty();
        if (repetition != 1) {
            history.forEachSeen((id, count) -> {
                if (id < vocab) {
                    double x = logits[id];
                    // Dividing a negative logit would raise it; CTRL multiplies instead. In double,
                    // because a legal penalty such as 1e300 is infinite as a float, and 0 times
                    // infinity is NaN; in double the worst a penalty does is round a logit to
                    // -inf (never drawn) or +inf (certain, see Sampler).
                    logits[id] = (float) (x > 0 ? x / repetition : x * repetition);
                }
            });
        }
        float frequency = (float) params.frequencyPenalty();
        float presence = (float) params.presencePenalty();
        if (frequency != 0f || presence != 0f) {
            history.forEachGenerated((id, count) -> {
                if (id < vocab) {
                    logits[id] -= count * frequency + presence;
                }
            });
        }
    }
}
