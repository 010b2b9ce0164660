package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every cached token, preallocated once and written in place: a new token's
 * key is stored into its slot and position, never concatenated onto a growing tensor.
 *
 * <p>Owned by the engine thread; its arrays live in its own manager, closed with it.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;   // per layer: (slots, kvHeads, maxLength, headDim)
    private final NDArray[] values; // per layer: (slots, kvHeads, maxLength, headDim)
    private final int slots;
    private final int maxLength;

    KvCache(NDManager parent, int layers, int slots, int kvHeads, int maxLength, int headDim, DataType type) {
        this.manager = parent.newSubManager();
        this.slots = slots;
        this.maxLength = maxLength;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        Shape shape = new Shape(slots, kvHeads, maxLength, headDim);
        for (int i = 0; i < layers; i++) {
            keys[i] = manager.zeros(shape, type);
            values[i] = manager.zeros(shape, type);
        }
    }

    public int slots() {
        return slots;
    }

    public int maxLength() {
        return maxLength;
    }

    /** Bytes held by the cache for one token of one sequence, across layers. */
    public long bytesPerToken() {
        Shape s = keys[0].getShape();
        return 2L * keys.length * s.get(1) * s.get(3) * keys[0].getDataType().getNumOfBytes();
    }

    /** Stores the pass's keys and values, each (N, kvHeads, headDim), at their slots and positions. */
    void write(int layer, BatchLayout layout, NDArray k, NDArray v) {
        keys[layer].set(layout.cacheWrite, k);
        values[layer].set(layout.cacheWrite, v);
    }

    /**
     * Keys and values of a batch whose sequences sit in consecutive slots, up to the longest: each
     * (B, kvHeads, L, headDim), a view of the cache (no copy). Only for {@link BatchLayout#oneView}.
     */
    NDList read(int layer, BatchLayout layout) {
        return new NDList(view(keys[layer], layout), view(values[layer], layout));
    }

    /** One sequence's keys and values, read in place: each (kvHeads, length, headDim), views of the cache. */
    NDList readSlot(int layer, int slot, int length) {
        return new NDList(slotView(keys[layer], slot, length), slotView(values[layer], slot, length));
    }

    private NDArray slotView(NDArray cache, int slot, int length) {
        NDArray x = cache.split(new long[] {slot, slot + 1}, 0).get(1); // (1, kvHeads, maxLength, hd)
        if (length < maxLength) {
            x = x.split(new long[] {length}, 2).get(0);
        }
        return x.squeeze(0);
    }

    /** cache[firstSlot : firstSlot + B, :, :L] with one split per axis that is not taken whole. */
    private NDArray view(NDArray cache, BatchLayout layout) {
        NDArray x = cache;
        if (layout.batch < slots) {
            x = x.split(new long[] {layout.firstSlot, layout.firstSlot + layout.batch}, 0).get(1);
        }
        if (layout.keyLength < maxLength) {
            x = x.split(new long[] {layout.keyLength}, 2).get(0);
        }
        return x;
    }

    @Override
    public void close() {
        manager.close();
    }
}
