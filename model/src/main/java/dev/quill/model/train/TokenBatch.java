package dev.quill.model.train;

/**
 * One training step's input as plain arrays, built on the CPU before any tensor exists. Rows hold
 * whole examples packed back to back; an example never sees another (the mask is block-diagonal)
 * and its positions restart at 0, so it trains exactly as if it were alone in the row.
 *
 * @param rows B
 * @param width T, tokens per row
 * @param ids (B*T) input token ids; padding is 0
 * @param targets (B*T) the next token at each position (0 where there is none)
 * @param weights (B*T) 1 where the target counts in the loss (answer tokens), else 0
 * @param positions (B*T) each token's position inside its own example
 * @param segments (B*T) which example of its row a token belongs to; -1 for padding
 */
public record TokenBatch(int rows, int width, long[] ids, long[] targets, float[] weights, long[] positions,
                         int[] segments) {

    /** Tokens that belong to an example (not padding): what tokens/s counts. */
    public int realTokens() {
        int n = 0;
        for (int s : segments) {
            if (s >= 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * The additive attention mask, (B, 1, T, T) flattened: 0 where query i may see key j (same
     * example, j ≤ i), a large negative number elsewhere. Padding sees only itself, so no row of
     * the softmax is empty.
     */
    public float[] mask() {
        float[] m = new float[rows * width * width];
        for (int b = 0; b < rows; b++) {
            for (int i = 0; i < width; i++) {
                int si = segments[b * width + i];
                int base = (b * width + i) * width;
                for (int j = 0; j < width; j++) {
                    int sj = segments[b * width + j];
                    boolean visible = si >= 0 ? sj == si && j <= i : j == i;
                    m[base + j] = visible ? 0f : -1e9f;
                }
            }
        }
        return m;
    }

    /** One example alone in a row of its own length: positions 0.., causal mask, no loss weights. */
    public static TokenBatch single(int[] tokens) {
        int n = tokens.length;
        long[] ids = new long[n];
        long[] positions = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = tokens[i];
            positions[i] = i;
        }
        return new TokenBatch(1, n, ids, new long[n], new float[n], positions, new int[n]);
    }
}
