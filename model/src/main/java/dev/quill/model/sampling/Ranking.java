package dev.quill.model.sampling;

/**
 * The one order in which tokens are ranked everywhere in sampling: higher value first, lower id
 * on ties, NaN last (although sampling refuses logits with a NaN, see {@link #argmax}). Greedy, top-k = 1 and the nucleus therefore agree on which token is "the
 * most likely" even when logits tie.
 *
 * <p>A rank key packs (value, id) into one {@code long} whose ascending order is the rank order,
 * so candidates sort with {@link java.util.Arrays#sort(long[])}, a primitive sort, with no boxed
 * indices and no comparator.
 */
final class Ranking {
    private Ranking() {
    }

    /** The key of token {@code id} with {@code value}; a smaller key ranks earlier. */
    static long key(float value, int id) {
        // ~ reverses the order of the value, so the highest value gets the smallest key.
        return ((long) ~sortableBits(value) << 32) | id;
    }

    /** The token id inside a key. */
    static int id(long key) {
        return (int) key;
    }

    /**
     * The id of the highest value, the lowest such id on ties.
     *
     * @throws IllegalArgumentException when a value is NaN (the model's numerics broke down for
     *     this sequence, and the other values are no more trustworthy), or when no value is above
     *     -inf (a fully masked vocabulary is a bug upstream; picking token 0 would hide it)
     */
    static int argmax(float[] values) {
        int best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (v > bestValue) { // strict: the first of equal values wins
                bestValue = v;
                best = i;
            } else if (v != v) {
                throw notANumber(i, values.length);
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException(
                    "logits (" + values.length + " values) have no value above -inf");
        }
        return best;
    }

    /** The error for a NaN logit: sampling from a distribution that has one means nothing. */
    static IllegalArgumentException notANumber(int id, int size) {
        return new IllegalArgumentException("logits (" + size + " values) are NaN at token id " + id);
    }

    /** An int whose signed order is the order of the floats, with -0.0 = 0.0 and NaN = -inf. */
    private static int sortableBits(float value) {
        float v = value != value ? Float.NEGATIVE_INFINITY : value + 0.0f; // + 0.0f turns -0.0 into 0.0
        int bits = Float.floatToIntBits(v);
        // Negative floats order backwards as ints; flipping their magnitude bits fixes that.
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }
}
