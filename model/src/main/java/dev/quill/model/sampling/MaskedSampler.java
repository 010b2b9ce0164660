package dev.quill.model.sampling;

/**
 * A sampler that chooses only among the tokens a {@link TokenMask} allows: the masked-out logits
 * become -inf in a working copy, and the inner sampler (greedy or random, with every stage as
 * usual) chooses from that copy. -inf stays -inf through penalties and temperature, and is never
 * drawn; a mask that allows nothing makes the inner sampler throw, ending the sequence alone.
 */
final class MaskedSampler implements Sampler {
    private final Sampler inner;
    private final TokenMask mask;
    private float[] masked; // (vocab) the logits with the mask applied; reused every step

    MaskedSampler(Sampler inner, TokenMask mask) {
        this.inner = inner;
        this.mask = mask;
    }

    @Override
    public int sample(float[] logits, TokenHistory history) {
        if (masked == null || masked.length != logits.length) {
            masked = new float[logits.length];
        }
        mask.apply(logits, masked);
        return inner.sample(masked, history);
    }
}
