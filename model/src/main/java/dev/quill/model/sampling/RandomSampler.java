package dev.quill.model.sampling;

import java.util.SplittableRandom;

/**
 * Temperature at or above {@link SamplingParams#GREEDY_BELOW}: draws from the penalised, tempered
 * distribution after top-k, top-p and min-p have cut it down.
 *
 * <p>Exactly one random number is drawn per call, on every path, so a sequence's n-th token
 * depends only on its seed, its logits and its history.
 *
 * <p>Cost per call, vocabulary V: with top-k, one pass to select (O(V log k)) and k
 * exponentials; otherwise V exponentials, plus for top-p two passes and a sort of only the
 * tokens where the nucleus ends ({@link Nucleus}). Measured at V = 152k on one core: about 0.3 ms
 * with top-k, 2 to 2.5 ms without (the exponentials dominate), 0.03 ms greedy. Memory: one float[V]
 * working buffer for the life of the sequence, plus arrays the size of the candidate set.
 */
final class RandomSampler implements Sampler {
    /** exp(z) is 0 in float below this, so the exponential is skipped (and NaN lands here too). */
    private static final double EXP_UNDERFLOW = -104;

    private final SamplingParams params;
    private final SplittableRandom random;
    private final double inverseTemperature;
    private final LogitBias bias;
    private float[] work; // (vocab) penalised, biased logits, then in place their weights

    RandomSampler(SamplingParams params, SplittableRandom random) {
        this.params = params;
        this.random = random;
        if (params.isGreedy()) { // Sampler.of never does this: below GREEDY_BELOW, 1 / T may be infinite
            throw new IllegalArgumentException("temperature " + params.temperature() + " is greedy, not random");
        }
        this.inverseTemperature = 1.0 / params.temperature();
        this.bias = LogitBias.of(params);
    }

    @Override
    public int sample(float[] logits, TokenHistory history) {
        double u = random.nextDouble();
        return candidates(logits, history).draw(u);
    }

    /** The distribution the next draw comes from (for tests: same path as {@link #sample}). */
    double[] distribution(float[] logits, TokenHistory history) {
        return candidates(logits, history).probabilities(logits.length);
    }

    private Candidates candidates(float[] logits, TokenHistory history) {
        int k = params.topK();
        return k > 0 && k < logits.length ? fromTopK(logits, history, k) : fromAll(logits, history);
    }

    /** Top-k first: only k tokens get an exponential, and top-p / min-p walk only those. */
    private Candidates fromTopK(float[] logits, TokenHistory history, int k) {
        float[] x = params.hasPenalties() || !bias.isEmpty() ? penalised(logits, history) : logits;
        int[] ids = TopK.select(x, k);
        float max = x[ids[0]];
        if (!(max > Float.NEGATIVE_INFINITY && max < Float.POSITIVE_INFINITY)) {
            return Candidates.only(Ranking.argmax(x)); // +inf is certain; all -inf throws
        }
        float[] weights = new float[k];
        double total = 0;
        for (int i = 0; i < k; i++) {
            weights[i] = weight(x[ids[i]], max);
            total += weights[i];
        }
        return Candidates.ranked(ids, weights, k, nucleusMass(total), params.minP());
    }

    /** No top-k: weights for the whole vocabulary, computed in place in the working buffer. */
    private Candidates fromAll(float[] logits, TokenHistory history) {
        float[] w = penalised(logits, history);
        int argmax = Ranking.argmax(w);
        float max = w[argmax];
        if (max == Float.POSITIVE_INFINITY) {
            return Candidates.only(argmax);
        }
        double total = 0;
        for (int i = 0; i < w.length; i++) {
            w[i] = weight(w[i], max);
            total += w[i];
        }
        if (params.topP() < 1) {
            return Nucleus.select(w, total, params.topP(), params.minP());
        }
        if (params.minP() > 0) {
            total = 0; // min-p alone needs no order: zero the light tokens and keep id order
            for (int i = 0; i < w.length; i++) {
                if (w[i] < params.minP()) {
                    w[i] = 0f;
                }
                total += w[i];
            }
        }
        return Candidates.dense(w, total);
    }

    /** The logits copied into the working buffer, penalties and logit bias applied. */
    private float[] penalised(float[] logits, TokenHistory history) {
        if (work == null || work.length != logits.length) {
            work = new float[logits.length];
        }
        System.arraycopy(logits, 0, work, 0, logits.length);
        if (params.hasPenalties()) {
            Penalties.apply(work, history, params);
        }
        bias.apply(work);
        return work;
    }

    /** exp((x - max) / T): softmax numerator, with the most likely token weighing exactly 1. */
    private float weight(float x, float max) {
        double z = ((double) x - max) * inverseTemperature;
        return z > EXP_UNDERFLOW ? (float) Math.exp(z) : 0f;
    }

    /** Top-p's target mass; infinite when top-p is off, so rounding can never cut the tail. */
    private double nucleusMass(double total) {
        return params.topP() < 1 ? params.topP() * total : Double.POSITIVE_INFINITY;
    }
}
