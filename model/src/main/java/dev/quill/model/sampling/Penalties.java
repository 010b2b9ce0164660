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
        float repetition = (float) params.repetitionPenalty();
        if (repetition != 1f) {
            history.forEachSeen((id, count) -> {
                if (id < vocab) {
                    float x = logits[id];
                    // Dividing a negative logit would raise it; CTRL multiplies instead.
                    logits[id] = x > 0 ? x / repetition : x * repetition;
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
