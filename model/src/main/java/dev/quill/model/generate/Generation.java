package dev.quill.model.generate;

/**
 * The outcome of one generation.
 *
 * @param text everything streamed, stop strings excluded
 * @param tokenIds the generated ids (a stop token that ended it excluded)
 * @param finishReason why it ended
 * @param promptTokens prompt length in tokens
 * @param prefillNanos time of the prompt's forward pass
 * @param decodeNanos time of every later step
 */
public record Generation(
        String text, int[] tokenIds, FinishReason finishReason, int promptTokens, long prefillNanos, long decodeNanos) {

    /** Prompt tokens per second of the prefill pass. */
    public double prefillTokensPerSecond() {
        return prefillNanos == 0 ? 0 : promptTokens * 1e9 / prefillNanos;
    }

    /** Generated tokens per second after the first (which the prefill produced). */
    public double decodeTokensPerSecond() {
        return decodeNanos == 0 ? 0 : Math.max(0, tokenIds.length - 1) * 1e9 / decodeNanos;
    }
}
