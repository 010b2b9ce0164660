package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
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

    /** Stores the new tokens' keys and values, each (B, T, kvHeads, headDim), at their positions. */
    void write(int layer, BatchLayout layout, NDArray k, NDArray v) {
        NDIndex at = new NDIndex("{}, :, {}", layout.writeSlots, layout.writePositions);
        keys[layer].set(at, realRows(layout, k));
        values[layer].set(at, realRows(layout, v));
    }

    private static NDArray realRows(BatchLayout layout, NDArray x) {
        Shape s = x.getShape();
        NDArray rows = x.reshape(s.get(0) * s.get(1), s.get(2), s.get(3)); // (B*T, kvHeads, headDim)
        return layout.realRows == null ? rows : rows.get(new NDIndex("{}", layout.realRows));
    }

    /** Keys and values of the batch's sequences up to the longest: each (B, kvHeads, L, headDim). */
    NDList read(int layer, BatchLayout layout) {
        NDIndex range = layout.firstSlot >= 0
                ? new NDIndex(layout.firstSlot + ":" + (layout.firstSlot + layout.batch) + ", :, :" + layout.keyLength)
                : new NDIndex("{}, :, :{}", layout.slots, layout.keyLength);
        return new NDList(keys[layer].get(range), values[layer].get(range));
    }

    @Override
    public void close() {
        manager.close();
    }
}
