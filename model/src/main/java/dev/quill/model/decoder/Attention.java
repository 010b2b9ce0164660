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

    /** x: (N, D), the pass's packed rows; rotation: (N, hd, hd) or null; returns (N, D). */
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
        NDArray y = layout.oneView
                ? attendOneToken(q, cache.read(layer, layout), layout)
                : attendEach(q, cache, layer, layout);
        return out.apply(y);                                     // (N, H * hd) -> (N, D)
    }

    /**
     * Ragged: each chunk's queries against its own sequence's keys up to its own length, read in
     * place when its blocks are one run of the pool and gathered from them otherwise, with its own
     * causal mask when it has more than one token. Padding the chunks to the longest
     * instead would compute every decode row as wide as the longest prompt chunk (16 decodes beside
     * a 128-token chunk: 2048 rows for 143 tokens); gathering the slots would copy every one up to
     * the longest sequence, per layer and step. This costs ~10 small operators per chunk and layer
     * and reads only the keys each sequence has.
     */
    private NDArray attendEach(NDArray q, KvCache cache, int layer, BatchLayout layout) {
        q = q.mul(scale);
        NDList queries = layout.batch == 1 ? new NDList(q) : q.split(layout.splits, 0); // B of (T_b, H, hd)
        NDList outputs = new NDList(layout.batch);
        for (int b = 0; b < layout.batch; b++) {
            NDList kv = cache.readChunk(layer, layout, b); // each (kvHeads, L_b, hd)
            outputs.add(layout.lengths[b] == 1
                    ? attendToken(queries.get(b), kv)
                    : attendChunk(queries.get(b), kv, layout.masks[b], layout.lengths[b]));
        }
        return layout.batch == 1 ? outputs.get(0) : NDArrays.concat(outputs, 0); // (N, H * hd)
    }

    /**
     * One token: every key of its sequence visible, no mask. The query heads of one kv head are
     * adjacent, so (1, H, hd) is already (kvHeads, group, hd).
     */
    private NDArray attendToken(NDArray q, NDList kv) {
        NDArray scores = q.reshape(kvHeads, heads / kvHeads, headDim)
                .matMul(kv.get(0).transpose(0, 2, 1));          // (kvHeads, group, L_b)
        return scores.softmax(-1).matMul(kv.get(1))             // (kvHeads, group, hd)
                .reshape(1, (long) heads * headDim);
    }

    /** T tokens of one sequence under its causal mask (T, L_b); queries folded onto their kv heads. */
    private NDArray attendChunk(NDArray q, NDList kv, NDArray mask, long t) {
        int group = heads / kvHeads;
        long l = kv.get(0).getShape().get(1);
        // Fold each group of query heads onto its shared kv head instead of copying keys:
        // (T, H, hd) -> (H, T, hd) -> (kvHeads, group * T, hd)
        NDArray scores = q.transpose(1, 0, 2).reshape(kvHeads, group * t, headDim)
                .matMul(kv.get(0).transpose(0, 2, 1))             // (kvHeads, group * T, L_b)
                .reshape(heads, t, l)
                .add(mask);                                       // causal
        return scores.softmax(-1).reshape(kvHeads, group * t, l)
                .matMul(kv.get(1))                                // (kvHeads, group * T, hd)
                .reshape(heads, t, headDim)
                .transpose(1, 0, 2)
                .reshape(t, (long) heads * headDim);              // (T, H * hd)
    }

    /**
     * One new token per sequence, every key visible, the sequences one view of the pool (batch-1
     * decode): no mask, no copies, one product for the batch. (B, H, hd) is (B, kvHeads, group, hd).
     */
    private NDArray attendOneToken(NDArray q, NDList kv, BatchLayout layout) {
        long b = layout.batch;
        NDArray scores = q.reshape(b, kvHeads, heads / kvHeads, headDim).mul(scale)
                .matMul(kv.get(0).transpose(0, 1, 3, 2));         // (B, kvHeads, group, L)
        return scores.softmax(-1).matMul(kv.get(1))               // (B, kvHeads, group, hd)
                .reshape(b, (long) heads * headDim);              // (B, H * hd), B = N
    }
}
