package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * Causal multi-head self-attention over the KV cache, with grouped-query attention (several
 * query heads share one key/value head) and optional rotary positions.
 *
 * @param qkv fused projection producing [q | k | v]: (heads + 2 * kvHeads) * headDim outputs
 * @param out output projection back to the model width
 * @param scale 1 / sqrt(headDim), a scalar array made once (a Java float would become a new array per call)
 * @param rotary whether keys and queries are rotated (Llama) or positions were added (GPT-2)
 */
record Attention(Linear qkv, Linear out, int heads, int kvHeads, int headDim, NDArray scale, boolean rotary) {

    /** x: (N, D) for the pass's N = B*T rows; rotation: (N, hd, hd) or null; returns (N, D). */
    NDArray forward(NDArray x, BatchLayout layout, NDArray rotation, KvCache cache, int layer) {
        long n = layout.rows;
        NDList parts = qkv.apply(x).reshape(n, heads + 2L * kvHeads, headDim)
                .split(new long[] {heads, heads + kvHeads}, 1);
        NDArray q = parts.get(0);                               // (N, H, hd)
        NDArray k = parts.get(1);                               // (N, kvHeads, hd)
        NDArray v = parts.get(2);                               // (N, kvHeads, hd)
        if (rotary) {
            q = Rotary.apply(q, rotation);
            k = Rotary.apply(k, rotation);
        }
        cache.write(layer, layout, k, v);
        if (layout.attendEach) {
            return out.apply(attendEach(q, cache, layer, layout));
        }
        NDList kv = cache.read(layer, layout);                   // each (B, kvHeads, L, hd)
        NDArray y = layout.everyKeyVisible ? attendOneToken(q, kv, layout) : attend(q, kv, layout);
        return out.apply(y);                                     // (N, H * hd) -> (N, D)
    }

    /**
     * One new token for each of B sequences that are not one view of the cache: each attends to
     * its own slot's keys up to its own length, read in place. Gathering them instead copied every
     * slot up to the longest sequence, per layer and step: with 16 conversations of ~900 tokens,
     * about 1 GB a step. This costs ~10 small operators per sequence and layer and reads only the
     * keys each sequence has.
     */
    private NDArray attendEach(NDArray q, KvCache cache, int layer, BatchLayout layout) {
        int group = heads / kvHeads;
        NDList queries = q.mul(scale).split(layout.batch, 0);       // B of (1, H, hd)
        NDList outputs = new NDList(layout.batch);
        for (int b = 0; b < layout.batch; b++) {
            NDList kv = cache.readSlot(layer, layout.slots[b], layout.ends[b]); // each (kvHeads, len, hd)
            NDArray scores = queries.get(b).reshape(kvHeads, group, headDim)
                    .matMul(kv.get(0).transpose(0, 2, 1));          // (kvHeads, group, len)
            outputs.add(scores.softmax(-1).matMul(kv.get(1))        // (kvHeads, group, hd)
                    .reshape(1, (long) heads * headDim));
        }
        return NDArrays.concat(outputs, 0);                         // (B, H * hd)
    }

    /**
     * One new token per sequence, every key visible (batch-1 decode): no mask, and no copies.
     * The query heads of one kv head are adjacent, so (B, H, hd) is already (B, kvHeads, group, hd).
     */
    private NDArray attendOneToken(NDArray q, NDList kv, BatchLayout layout) {
        long b = layout.batch;
        NDArray scores = q.reshape(b, kvHeads, heads / kvHeads, headDim).mul(scale)
                .matMul(kv.get(0).transpose(0, 1, 3, 2));         // (B, kvHeads, group, L)
        return scores.softmax(-1).matMul(kv.get(1))               // (B, kvHeads, group, hd)
                .reshape(b, (long) heads * headDim);              // (B, H * hd), B = N
    }

    /** Any chunk shapes: a causal and padding mask, and queries folded onto their kv heads. */
    private NDArray attend(NDArray q, NDList kv, BatchLayout layout) {
        long b = layout.batch;
        long t = layout.width;
        long l = layout.keyLength;
        int group = heads / kvHeads;
        // Fold each group of query heads onto its shared kv head instead of copying keys:
        // (N, H, hd) -> (B, T, H, hd) -> (B, H, T, hd) -> (B, kvHeads, group * T, hd)
        q = q.reshape(b, t, heads, headDim).transpose(0, 2, 1, 3).mul(scale).reshape(b, kvHeads, group * t, headDim);
        NDArray scores = q.matMul(kv.get(0).transpose(0, 1, 3, 2))   // (B, kvHeads, group * T, L)
                .reshape(b, heads, t, l)
                .add(layout.mask);                                    // causal + padding
        NDArray probs = scores.softmax(-1).reshape(b, kvHeads, group * t, l);
        return probs.matMul(kv.get(1))                               // (B, kvHeads, group * T, hd)
                .reshape(b, heads, t, headDim)
                .transpose(0, 2, 1, 3)
                .reshape(b * t, (long) heads * headDim);             // (N, H * hd)
    }
}
