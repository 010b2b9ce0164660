package dev.quill.server.openai;

import dev.quill.model.sampling.SamplingParams;
import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ApiException;
import dev.quill.server.chat.JsonFields;

/**
 * How many answers a request wants and what comes with each: OpenAI's {@code n}, the token
 * log-probabilities ({@code logprobs} + {@code top_logprobs} on chat, {@code logprobs: int} on
 * completions) and, on completions, {@code echo} (the prompt in front of the answer, with its own
 * log-probabilities when logprobs are asked for).
 *
 * @param n answers, 1 to {@link #MAX_N}
 * @param topLogprobs alternatives per token; -1 when logprobs are off
 * @param echo the completion's prompt comes first in its text (and logprobs)
 * @param tokenIds vLLM's {@code return_tokens_as_token_ids}: logprobs name tokens {@code "token_id:123"},
 *     which tells apart the tokens whose text alone does not (half a UTF-8 character, say)
 */
record ChoiceOptions(int n, int topLogprobs, boolean echo, boolean tokenIds) {

    /**
     * Answers one request may ask for. Each is a sequence of its own in the engine (its own slot,
     * its own prefill of the prompt today), so n is bounded like a client's concurrent streams.
     */
    static final int MAX_N = 8;

    /** The legacy completions endpoint's bound on {@code logprobs} (OpenAI's). */
    static final int MAX_COMPLETION_LOGPROBS = 5;

    static final ChoiceOptions ONE = new ChoiceOptions(1, -1, false, false);

    /** {@code POST /v1/chat/completions}: {@code logprobs} (boolean), {@code top_logprobs} (0 to 20), {@code n}. */
    static ChoiceOptions chat(JsonFields f) {
        boolean logprobs = Boolean.TRUE.equals(f.bool("logprobs"));
        Long top = f.integer("top_logprobs", 0, SamplingParams.MAX_LOGPROBS);
        if (top != null && top > 0 && !logprobs) { // 0 asks for nothing, as vLLM reads it
            throw new ApiException(ApiError.invalid("top_logprobs needs logprobs: true", "top_logprobs"));
        }
        return new ChoiceOptions(n(f), logprobs ? (top == null ? 0 : (int) (long) top) : -1, false, tokenIds(f));
    }

    /** {@code POST /v1/completions}: {@code logprobs} (0 to 5), {@code echo}, {@code n}. */
    static ChoiceOptions completion(JsonFields f) {
        Long logprobs = f.integer("logprobs", 0, MAX_COMPLETION_LOGPROBS);
        boolean echo = Boolean.TRUE.equals(f.bool("echo"));
        return new ChoiceOptions(n(f), logprobs == null ? -1 : (int) (long) logprobs, echo, tokenIds(f));
    }

    private static boolean tokenIds(JsonFields f) {
        return Boolean.TRUE.equals(f.bool("return_tokens_as_token_ids"));
    }

    private static int n(JsonFields f) {
        Long n = f.integer("n", 1, MAX_N);
        return n == null ? 1 : (int) (long) n;
    }

    boolean logprobs() {
        return topLogprobs >= 0;
    }

    /** Whether the plain one-answer path serves this request (no logprobs, no echo, n = 1). */
    boolean plain() {
        return n == 1 && !logprobs() && !echo;
    }

    /** The request's sampling with what the engine must compute for these options. */
    SamplingParams apply(SamplingParams p) {
        if (!logprobs()) {
            return p;
        }
        return p.toBuilder().logprobs(topLogprobs).promptLogprobs(echo ? topLogprobs : -1).build();
    }

    /**
     * Answer {@code index}'s sampling: with a seed, answer 0 keeps it and answer i > 0 gets a seed
     * mixed from (seed, i), so the n answers differ from each other and repeat across requests.
     */
    static SamplingParams forChoice(int index, SamplingParams p) {
        if (index == 0 || p.seed() == null) {
            return p;
        }
        return p.toBuilder().seed(choiceSeed(p.seed(), index)).build();
    }

    /** SplitMix64's finaliser over seed + i·φ: neighbouring (seed, i) pairs land far apart. */
    static long choiceSeed(long seed, int index) {
        long z = seed + index * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
