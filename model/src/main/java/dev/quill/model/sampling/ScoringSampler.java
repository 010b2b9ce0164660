package dev.quill.model.sampling;

/**
 * A sampler that also reports the log-probabilities of what it chose ({@link SamplingParams#logprobs}).
 *
 * <p>Which distribution: the one the token is drawn from before it is cut down. The model's
 * logits with, in the sampler's order, the grammar mask (-inf), the penalties, the logit bias and
 * the temperature applied; top-k, top-p and min-p are <em>not</em> applied (they would turn most
 * alternatives into -inf and say nothing about them). Greedy decoding reports temperature 1 (its
 * point mass would report 0 and -inf). This is vLLM's {@code processed_logprobs} without the
 * truncation; OpenAI's own figures are the model's distribution, which equals this one when no
 * penalty, bias, mask or temperature other than 1 is set.
 *
 * <p>The adjusted logits are computed again here, beside the inner sampler's own copy: the
 * cost (one more O(V) pass) is paid only by requests that ask. Engine thread only.
 */
public final class ScoringSampler implements Sampler {
    private final Sampler inner; // unmasked: this class applies the mask, once, for both
    private final TokenMask mask;
    private final SamplingParams params;
    private final LogitBias bias;
    private final double inverseTemperature;
    private float[] masked;   // (vocab) logits with the mask applied; reused
    private float[] adjusted; // (vocab) masked logits with penalties and bias; reused
    private TokenScores last;

    ScoringSampler(SamplingParams params, TokenMask mask) {
        this.inner = Sampler.of(params);
        this.mask = mask;
        this.params = params;
        this.bias = LogitBias.of(params);
        this.inverseTemperature = params.isGreedy() ? 1.0 : 1.0 / params.temperature();
    }

    @Override
    public int sample(float[] logits, TokenHistory history) {
        float[] x = logits;
        if (mask != null) {
            masked = buffer(masked, logits.length);
            mask.apply(logits, masked);
            x = masked;
        }
        int token = inner.sample(x, history);
        adjusted = buffer(adjusted, x.length);
        System.arraycopy(x, 0, adjusted, 0, x.length);
        if (params.hasPenalties()) {
            Penalties.apply(adjusted, history, params);
        }
        bias.apply(adjusted);
        last = LogSoftmax.score(adjusted, inverseTemperature, token, params.logprobs());
        return token;
    }

    /** The scores of the token {@link #sample} last returned. */
    public TokenScores last() {
        return last;
    }

    private static float[] buffer(float[] b, int n) {
        return b == null || b.length != n ? new float[n] : b;
    }
}
