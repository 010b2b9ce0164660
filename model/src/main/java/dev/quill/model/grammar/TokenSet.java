package dev.quill.model.grammar;

/**
 * A set of token ids as a bitset, applied to logits by whichever side is smaller: most grammar
 * states allow either a handful of tokens (after a key, only {@code :}) or nearly all (inside a
 * string), so applying costs one pass over the logits plus the smaller of the two sides.
 * Immutable once made.
 */
final class TokenSet {
    private final long[] bits;
    private final int count;
    private final int vocab; // ids at or above this are never in the set

    TokenSet(long[] bits, int count, int vocab) {
        this.bits = bits;
        this.count = count;
        this.vocab = vocab;
    }

    int size() {
        return count;
    }

    boolean contains(int id) {
        return id >= 0 && id < vocab && (bits[id >>> 6] & (1L << id)) != 0;
    }

    /** {@code out[i] = logits[i]} for i in the set, -inf elsewhere (arrays of the same length). */
    void apply(float[] logits, float[] out) {
        int n = logits.length;
        if (2L * count < Math.min(n, vocab)) {
            java.util.Arrays.fill(out, 0, n, Float.NEGATIVE_INFINITY);
            for (int w = 0; w < bits.length; w++) {
                for (long word = bits[w]; word != 0; word &= word - 1) {
                    int id = (w << 6) + Long.numberOfTrailingZeros(word);
                    if (id < n) {
                        out[id] = logits[id];
                    }
                }
            }
            return;
        }
        System.arraycopy(logits, 0, out, 0, n);
        for (int w = 0; w < bits.length; w++) {
            long clear = ~bits[w];
            if (w == bits.length - 1 && (vocab & 63) != 0) {
                clear &= (1L << (vocab & 63)) - 1; // only ids below vocab
            }
            for (; clear != 0; clear &= clear - 1) {
                int id = (w << 6) + Long.numberOfTrailingZeros(clear);
                if (id < n) {
                    out[id] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        for (int id = vocab; id < n; id++) { // a model's padded vocabulary: ids no tokenizer token has
            out[id] = Float.NEGATIVE_INFINITY;
        }
    }
}
