package dev.quill.model.sampling;

import java.util.Arrays;

/**
 * Top-p (with min-p) over the whole vocabulary without sorting the whole vocabulary.
 *
 * <p>The nucleus is a prefix of the ranked order, so only its boundary needs an order. For
 * positive floats the bit pattern orders like the value, so the top 12 bits of each weight
 * (exponent and 3 mantissa bits) file it into one of ~1000 buckets, each spanning a factor of
 * 2^(1/8). One pass sums each bucket's mass; walking the buckets from the heaviest finds the
 * bucket B in which the running mass reaches the target. Every token heavier than B is in the
 * nucleus whatever their order, so only B's tokens are sorted, to find where in B the cut falls.
 * Even for a flat distribution over 150k tokens B holds a few thousand tokens.
 */
final class Nucleus {
    private static final int SHIFT = 20;                                   // keep 12 of 32 bits
    private static final int BUCKETS = (Float.floatToIntBits(1f) >>> SHIFT) + 1; // weights are in (0, 1]

    private Nucleus() {
    }

    /**
     * The candidates that top-p then min-p keep.
     *
     * @param weights dense weights by id, the heaviest exactly 1
     * @param total the sum of all weights
     * @param topP the nucleus mass as a fraction of {@code total}
     * @param minP the lightest weight kept, relative to the heaviest (which is 1)
     */
    static Candidates select(float[] weights, double total, double topP, double minP) {
        double target = topP * total;
        double[] mass = new double[BUCKETS];
        int[] count = new int[BUCKETS];
        for (float w : weights) {
            if (w > 0 && w >= minP) { // below min-p a token is cut anyway, whatever top-p says
                int b = bucket(w);
                mass[b] += w;
                count[b]++;
            }
        }
        int boundary = -1;  // the bucket where the running mass reaches the target
        int lightest = -1;
        int heavier = 0;    // tokens in buckets above the boundary: all kept
        double cum = 0;     // their mass
        for (int b = BUCKETS - 1; b >= 0 && boundary < 0; b--) {
            if (count[b] == 0) {
                continue;
            }
            if (cum + mass[b] >= target) {
                boundary = b;
            } else {
                cum += mass[b];
                heavier += count[b];
                lightest = b;
            }
        }
        if (boundary < 0) { // rounding left the target a hair above the mass: keep every candidate
            boundary = lightest;
            cum -= mass[lightest];
            heavier -= count[lightest];
        }

        int[] ids = new int[heavier + count[boundary]];
        float[] kept = new float[ids.length];
        long[] edge = new long[count[boundary]]; // rank keys of the boundary bucket
        int h = 0;
        int e = 0;
        for (int id = 0; id < weights.length; id++) {
            float w = weights[id];
            if (w > 0 && w >= minP) {
                int b = bucket(w);
                if (b > boundary) {
                    ids[h] = id;
                    kept[h++] = w;
                } else if (b == boundary) {
                    edge[e++] = Ranking.key(w, id);
                }
            }
        }
        Arrays.sort(edge);
        int size = heavier;
        for (long key : edge) { // the shortest prefix of the boundary bucket that reaches the target
            int id = Ranking.id(key);
            ids[size] = id;
            kept[size++] = weights[id];
            cum += weights[id];
            if (cum >= target) {
                break;
            }
        }
        return new Candidates(ids, kept, size, cum);
    }

    /** Monotone in w for w in (0, 1]: a heavier weight never lands in a lower bucket. */
    private static int bucket(float w) {
        return Float.floatToIntBits(w) >>> SHIFT;
    }
}
