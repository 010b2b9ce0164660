package dev.quill.model.sampling;

/**
 * The tokens that survive truncation, with unnormalised weights (the most likely token weighs 1).
 * Either dense, every token by id ({@code ids == null}, {@code size == weights.length}), or a
 * list ({@code ids[i]} weighs {@code weights[i]}). A list's order only decides which token a given
 * random number maps to, never the distribution.
 *
 * @param ids the token ids, or {@code null} for the dense form
 * @param weights the weight of each candidate; 0 means excluded
 * @param size how many leading entries are candidates
 * @param total the sum of those weights, accumulated in the order {@link #draw} walks them
 */
record Candidates(int[] ids, float[] weights, int size, double total) {

    /** Every token, its weight indexed by id. */
    static Candidates dense(float[] weights, double total) {
        return new Candidates(null, weights, weights.length, total);
    }

    /**
     * The leading part of a ranked list that top-p and min-p keep: the shortest prefix whose mass
     * reaches {@code nucleusMass}, and no token lighter than {@code floor}. Both cuts keep a prefix
     * of the same order, so one walk applies both, and their order does not matter. The first
     * token is always kept.
     */
    static Candidates ranked(int[] ids, float[] weights, int size, double nucleusMass, double floor) {
        double cum = 0;
        int kept = 0;
        while (kept < size) {
            float w = weights[kept];
            if (w <= 0 || (kept > 0 && w < floor)) {
                break;
            }
            cum += w;
            kept++;
            if (cum >= nucleusMass) {
                break;
            }
        }
        return new Candidates(ids, weights, kept, cum);
    }

    /** A single certain token. */
    static Candidates only(int id) {
        return new Candidates(new int[] {id}, new float[] {1f}, 1, 1.0);
    }

    /** The token that {@code u} in [0, 1) selects: inverse-CDF over the weights in stored order. */
    int draw(double u) {
        double target = u * total;
        double cum = 0;
        int last = -1;
        for (int i = 0; i < size; i++) {
            float w = weights[i];
            if (w > 0) {
                cum += w;
                last = i;
                if (target < cum) {
                    return id(i);
                }
            }
        }
        if (last < 0) { // no weight at all: a caller bug, never a token id of -1
            throw new IllegalStateException("no candidate has a positive weight (" + size + " candidates)");
        }
        return id(last); // only when rounding put target at the very end of the mass
    }

    /** The normalised distribution over a vocabulary of {@code vocab} tokens (for tests). */
    double[] probabilities(int vocab) {
        double[] p = new double[vocab];
        for (int i = 0; i < size; i++) {
            p[id(i)] += weights[i] / total;
        }
        return p;
    }

    private int id(int i) {
        return ids == null ? i : ids[i];
    }
}
