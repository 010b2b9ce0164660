package dev.quill.model.engine;

/**
 * Token counts and timings of one finished request.
 *
 * @param promptTokens tokens in the prompt
 * @param completionTokens tokens generated
 * @param cachedTokens prompt tokens whose keys/values were reused from an earlier sequence
 * @param timeToFirstTokenNanos from submit to the first generated token
 * @param totalNanos from submit to the end
 */
public record Usage(int promptTokens, int completionTokens, int cachedTokens, long timeToFirstTokenNanos, long totalNanos) {

    /** Mean time between generated tokens after the first, in nanoseconds (0 with fewer than 2). */
    public long interTokenNanos() {
        return completionTokens < 2 ? 0 : (totalNanos - timeToFirstTokenNanos) / (completionTokens - 1);
    }
}
