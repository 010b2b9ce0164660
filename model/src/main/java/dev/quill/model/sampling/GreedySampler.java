package dev.quill.model.sampling;

/**
 * Temperature 0 (or below {@link SamplingParams#GREEDY_BELOW}): the argmax of the penalised,
 * biased logits, lowest id on ties. Uses no randomness.
 */
final class GreedySampler implements Sampler {
    private final SamplingParams params;
    private final LogitBias bias;
    private float[] work; // (vocab) penalised, biased copy of the logits; only when either is on

    GreedySampler(SamplingParams params) {
        this.params = params;
        this.bias = LogitBias.of(params);
    }

    @Override
    public int sample(float[] logits, TokenHistory history) {
        if (!params.hasPenalties() && bias.isEmpty()) {
            return Ranking.argmax(logits); // nothing to change, so no copy
        }
        if (work == null || work.length != logits.length) {
            work = new float[logits.length];
        }
        System.arraycopy(logits, 0, work, 0, logits.length);
        Penalties.apply(work, history, params);
        bias.apply(work);
        return Ranking.argmax(work);
    }
}
