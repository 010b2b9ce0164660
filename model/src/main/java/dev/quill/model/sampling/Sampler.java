package dev.quill.model.sampling;

import java.util.SplittableRandom;

/**
 * Chooses the next token of one sequence from the logits of its last position.
 *
 * <p>One sampler per sequence, made from that request's {@link SamplingParams}. It owns the
 * sequence's random generator, so a seeded sequence produces the same tokens from the same logits
 * whatever else shares its batch. Called only on the engine thread; not thread-safe.
 *
 * <p>The stages run in vLLM's and HF's order: penalties &rarr; logit bias &rarr; temperature &rarr; top-k &rarr;
 * top-p &rarr; min-p &rarr; draw. With temperature 0 (or below
 * {@link SamplingParams#GREEDY_BELOW}) the token is the argmax of the penalised logits, the
 * lowest id on ties.
 */
public interface Sampler {

    /**
     * The next token id.
     *
     * <p>{@code logits} (length = vocabulary size) is only read, never written: the stages work on
     * the sampler's own copy. The chosen token is not appended to {@code history}; the caller does
     * that once it has decided the token joins the sequence.
     *
     * <p>The result is always a token id in {@code [0, logits.length)}. A logit of +inf is
     * certain (the lowest such id); -inf is never drawn.
     *
     * @throws IllegalArgumentException when a logit is NaN or no logit is above -inf (after the
     *     penalties): the sequence cannot go on, and the engine ends it alone
     */
    int sample(float[] logits, TokenHistory history);

    /** A sampler for one new sequence; seeded from {@code params.seed()} when it has one. */
    static Sampler of(SamplingParams params) {
        if (params.isGreedy()) {
            return new GreedySampler(params);
        }
        Long seed = params.seed();
        return new RandomSampler(params, seed == null ? new SplittableRandom() : new SplittableRandom(seed));
    }

    /**
     * A sampler for one new sequence that chooses only tokens {@code mask} allows (unmasked when it
     * is null); a {@link ScoringSampler} when the params ask for log-probabilities.
     */
    static Sampler of(SamplingParams params, TokenMask mask) {
        if (params.wantsLogprobs()) {
            return new ScoringSampler(params, mask);
        }
        return mask == null ? of(params) : new MaskedSampler(of(params), mask);
    }
}
