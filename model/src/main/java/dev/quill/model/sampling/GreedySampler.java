package dev.quill.model.sampling;

/** Temperature 0 (or below {@link SamplingParams#GREEDY_BELOW}): the argmax of the penalised logits, lowest id on ties. Uses no randomness. */
final class GreedySampler implements Sampler {
    private final SamplingParams params;
    private float[] work; // (vocab) penalised copy of the logits; only when penalties are on

    GreedySampler(SamplingParams params) {
        this.params = params;
    }

    @Override
    public int sample(float[] logits, TokenHistory history) {
        if (!params.hasPenalties()) {
            return Ranking.argmax(logits); // nothing to change, so no copy
        }
        if (work == null || work.length != logits.length) {
            work = new float[logits.length];
        }
        System.arraycopy(logits, 0, work, 0, logits.length);
        Penalties.apply(work, history, params);
        return Ranking.argmax(work);
    }
}
