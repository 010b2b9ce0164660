package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Reads a chunk's per-position logits down to {@link ChunkScores} on the device. The arrays it
 * makes belong to the logits' manager (the pass's), and close with the pass.
 */
final class PromptScorer {
    private PromptScorer() {
    }

    /**
     * @param logits (T, V) float32, one row per position of the chunk
     * @param targets the token after each of the first targets.length positions (at most T)
     * @param top alternatives per position
     */
    static ChunkScores score(NDArray logits, int[] targets, int top) {
        long t = logits.getShape().get(0);
        float[] last = logits.get(t - 1).toFloatArray();
        int n = targets.length;
        if (n == 0) {
            return new ChunkScores(last, new float[0], new int[0][], new float[0][]);
        }
        NDArray lp = logits.get(new NDIndex(":{}", n)).logSoftmax(1);                        // (n, V)
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = targets[i];
        }
        NDArray index = logits.getManager().create(ids, new Shape(n, 1));
        float[] chosen = lp.gather(index, 1).toFloatArray();                                    // (n, 1)
        int[][] topIds = new int[n][];
        float[][] topLps = new float[n][];
        int k = (int) Math.min(top, logits.getShape().get(1));
        if (k > 0) {
            NDList best = lp.topK(k, 1, true, true);                                            // values, indices: (n, k)
            float[] values = best.get(0).toFloatArray();
            long[] indices = best.get(1).toType(DataType.INT64, false).toLongArray();
            for (int i = 0; i < n; i++) {
                topIds[i] = new int[k];
                topLps[i] = new float[k];
                for (int j = 0; j < k; j++) {
                    topIds[i][j] = (int) indices[i * k + j];
                    topLps[i][j] = values[i * k + j];
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                topIds[i] = new int[0];
                topLps[i] = new float[0];
            }
        }
        return new ChunkScores(last, chosen, topIds, topLps);
    }
}
