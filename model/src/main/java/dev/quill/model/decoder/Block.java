package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;

/** One pre-norm transformer block: {@code x += attn(norm1(x)); x += mlp(norm2(x))}. */
record Block(Norm norm1, Attention attention, Norm norm2, Mlp mlp) {

    /** x: (N, D); rotation: each row's rotary matrix, or null. */
    NDArray forward(NDArray x, BatchLayout layout, NDArray rotation, KvCache cache, int layer) {
        x = x.add(attention.forward(norm1.apply(x), layout, rotation, cache, layer));
        return x.add(mlp.apply(norm2.apply(x)));
    }
}
