package dev.quill.model.sampling;

/**
 * One token's log-probability and the most likely alternatives at its position, as OpenAI's
 * {@code logprobs} report them. Natural log; a token the distribution excludes (masked by a
 * grammar, say) has {@code -Infinity}, which the server writes as OpenAI's -9999.
 *
 * @param token the token id that was chosen (or, for a prompt, that came next)
 * @param logprob its log-probability
 * @param topIds the most likely ids, best first (ties: lowest id first); may be empty
 * @param topLogprobs their log-probabilities, in the same order
 */
public record TokenScores(int token, float logprob, int[] topIds, float[] topLogprobs) {
}
