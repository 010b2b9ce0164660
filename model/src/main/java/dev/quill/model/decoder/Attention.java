package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Causal multi-head self-attention over the KV cache, with grouped-query attention (several
 * query heads share one key/value head) and optional rotary positions.
 *
 * @param qkv fused projection producing [q | k | v]: (heads + 2 * kvHeads) * headDim outputs
 * @param out output projection back to the model width
 * @param rotary rotary embeddings, or null for models with learned positions
 */
record Attention(Linear qkv, Linear out, int heads, int kvHeads, int headDim, Rotary rotary) {

    /** x: (B, T, D) for the pass's new tokens; returns (B, T, D). */
    NDArray forward(NDArray x, BatchLayout layout, NDArray[] cosSin, KvCache cache, int layer) {
        long b = layout.batch;
        long t = layout.width;
        long l = layout.keyLength;
        int group = heads / kvHeads;
        NDList parts = qkv.apply(x).split(new long[] {heads * headDim, (heads + kvHeads) * headDim}, 2);
        NDArray q = parts.get(0).reshape(b, t, heads, headDim);
        NDArray k = parts.get(1).reshape(b, t, kvHeads, headDim);
        NDArray v = parts.get(2).reshape(b, t, kvHeads, headDim);
        if (rotary != null) {
            q = rotary.apply(q, cosSin);
            k = rotary.apply(k, cosSin);
        }
        cache.write(layer, layout, k, v);
        NDList kv = cache.read(layer, layout); // each (B, kvHeads, L, headDim)

        // Fold each group of query heads onto its shared kv head instead of copying keys:
        // (B, T, H, hd) -> (B, H, T, hd) -> (B, kvHeads, group * T, hd)
        q = q.transpose(0, 2, 1, 3).mul((float) (1 / Math.sqrt(headDim))).reshape(b, kvHeads, group * t, headDim);
        NDArray scores = q.matMul(kv.get(0).transpose(0, 1, 3, 2))   // (B, kvHeads, group * T, L)
                .reshape(b, heads, t, l)
                .add(layout.mask);                                    // causal + padding
        NDArray probs = scores.softmax(-1).reshape(b, kvHeads, group * t, l);
        NDArray y = probs.matMul(kv.get(1))                            // (B, kvHeads, group * T, hd)
                .reshape(b, heads, t, headDim)
                .transpose(0, 2, 1, 3)
                .reshape(b, t, (long) heads * headDim);
        return out.apply(y);
    }
}
