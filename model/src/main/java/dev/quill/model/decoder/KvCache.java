package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every cached token, in a pool of fixed-size blocks allocated once and written
 * in place. A sequence's positions live in the blocks its block table names
 * ({@link SequenceChunk#blocks}), so memory is taken as a sequence grows and a block of a common
 * prefix can be read by several sequences; who holds which block is the engine's bookkeeping. A
 * chunk without a block table uses its slot's fixed run of blocks: slot s owns blocks
 * {@code [s * blocksPerSlot, (s + 1) * blocksPerSlot)}, the layout before paging.
 *
 * <p>Owned by the engine thread; its arrays live in its own manager, closed with it.
 */
public final class KvCache implements AutoCloseable {

    /**
     * Positions per block. Small enough that a finished turn's last, partial block wastes little and
     * a block table stays short; the attention gathers per position, so the size does not change its cost.
     */
    public static final int BLOCK_SIZE = 16;

    private final NDManager manager;
    private final NDArray[] keys;   // per layer: (kvHeads, blocks * BLOCK_SIZE, headDim)
    private final NDArray[] values; // per layer: (kvHeads, blocks * BLOCK_SIZE, headDim)
    private final int slots;
    private final int maxLength;
    private final int blocks;
    private final int blocksPerSlot;

    /**
     * @param slots sequences decoded together; with {@code tokens} 0 the pool holds each a full run
     * @param maxLength positions one sequence may reach
     * @param tokens the pool's size in positions (rounded up to whole blocks), or 0 for {@code slots * maxLength}
     */
    KvCache(NDManager parent, int layers, int slots, int kvHeads, int maxLength, int headDim, DataType type, long tokens) {
        this.manager = parent.newSubManager();
        this.slots = slots;
        this.maxLength = maxLength;
        this.blocksPerSlot = blocksFor(maxLength);
        long wanted = tokens > 0 ? (tokens + BLOCK_SIZE - 1) / BLOCK_SIZE : (long) slots * blocksPerSlot;
        if (wanted * BLOCK_SIZE > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a KV pool of " + wanted + " blocks is too large");
        }
        this.blocks = (int) Math.max(1, wanted);
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        Shape shape = new Shape(kvHeads, (long) blocks * BLOCK_SIZE, headDim);
        for (int i = 0; i < layers; i++) {
            keys[i] = manager.zeros(shape, type);
            values[i] = manager.zeros(shape, type);
        }
    }

    /** Blocks that hold {@code positions} positions. */
    public static int blocksFor(int positions) {
        return (positions + BLOCK_SIZE - 1) / BLOCK_SIZE;
    }

    public int slots() {
        return slots;
    }

    public int maxLength() {
        return maxLength;
    }

    /** Blocks in the pool. */
    public int blocks() {
        return blocks;
    }

    /** The first block of slot {@code slot}'s fixed run (chunks without a block table). */
    int slotFirstBlock(int slot) {
        return slot * blocksPerSlot;
    }

    /** Bytes held by the cache for one token of one sequence, across layers. */
    public long bytesPerToken() {
        Shape s = keys[0].getShape();
        return 2L * keys.length * s.get(0) * s.get(2) * keys[0].getDataType().getNumOfBytes();
    }

    /** Bytes the whole pool holds. */
    public long bytes() {
        return bytesPerToken() * blocks * BLOCK_SIZE;
    }

    /** Stores the pass's keys and values, each (N, kvHeads, headDim), at their rows' pool positions. */
    void write(int layer, BatchLayout layout, NDArray k, NDArray v) {
        keys[layer].set(layout.cacheWrite, k.transpose(1, 0, 2));   // (kvHeads, N, hd)
        values[layer].set(layout.cacheWrite, v.transpose(1, 0, 2));
    }

    /**
     * Keys and values of a {@link BatchLayout#oneView} batch, each (B, kvHeads, L, headDim): views of
     * the pool (no copy), the B sequences' runs {@code stride} positions apart.
     */
    NDList read(int layer, BatchLayout layout) {
        return new NDList(view(keys[layer], layout), view(values[layer], layout));
    }

    /**
     * Chunk b's keys and values, each (kvHeads, L_b, headDim): a view when its blocks are one run of
     * the pool, else gathered position by position from its blocks (a copy).
     */
    NDList readChunk(int layer, BatchLayout layout, int b) {
        return new NDList(chunkView(keys[layer], layout, b), chunkView(values[layer], layout, b));
    }

    private static NDArray chunkView(NDArray cache, BatchLayout layout, int b) {
        if (layout.gathers[b] != null) {
            return cache.get(layout.gathers[b]);
        }
        int first = layout.runStarts[b];
        return cache.split(new long[] {first, first + layout.ends[b]}, 1).get(1);
    }

    /** pool[:, first : first + B * stride] seen as (B, kvHeads, L, hd). */
    private NDArray view(NDArray cache, BatchLayout layout) {
        long kvHeads = cache.getShape().get(0);
        long hd = cache.getShape().get(2);
        int first = layout.runStarts[0];
        long span = (long) layout.batch * layout.stride;
        NDArray x = cache.split(new long[] {first, first + span}, 1).get(1)    // (kvHeads, B * stride, hd)
                .reshape(kvHeads, layout.batch, layout.stride, hd);
        if (layout.keyLength < layout.stride) {
            x = x.split(new long[] {layout.keyLength}, 2).get(0);            // (kvHeads, B, L, hd)
        }
        return x.transpose(1, 0, 2, 3);
    }

    @Override
    public void close() {
        manager.close();
    }
}
