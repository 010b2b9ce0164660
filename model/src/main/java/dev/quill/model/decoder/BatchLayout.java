package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.List;

/**
 * Where the tokens of one forward pass sit: the B chunks' tokens packed back to back into N rows,
 * with no padding (ragged), so every linear layer multiplies exactly the step's tokens, once, and
 * only attention sees the sequences. Chunk b owns rows {@code [offset_b, offset_b + lengths[b])}.
 * Built once per pass and shared by every layer, so that nothing per layer parses an index or
 * copies an array from Java.
 *
 * <p>All arrays belong to the pass's manager and die with it.
 */
final class BatchLayout {

    final int batch;       // B
    final int rows;        // N: every chunk's tokens, packed
    final int keyLength;   // L: longest sequence after the pass
    /**
     * Every chunk is one token, the sequences are equally long and each sits in one run of the pool,
     * the runs {@link #stride} apart (batch-1 decode, and slots decoded together): attention then reads
     * the cache as one view and needs no mask.
     */
    final boolean oneView;
    final int stride;             // with oneView: positions between one sequence's run and the next's
    final NDIndex tokenRows;      // (N) token ids, int64
    final NDIndex tokenColumns;   // [:, ids], for an embedding stored (D, V)
    final NDIndex positionRows;   // (N) positions: rows of the position and rotary tables
    final NDIndex cacheWrite;     // [:, pool position] of each row
    final NDIndex lastRows;       // (B) row of each chunk's last token; null when N = B (every row is last)
    final long[] splits;          // (B - 1) first rows of chunks 1..B-1: where attention splits the rows
    final int[] lengths;          // (B) each chunk's tokens
    final int[] ends;             // (B) each sequence's length after the pass: the keys it sees
    /** (B) pool position of each sequence's position 0 when its blocks are one run, else -1. */
    final int[] runStarts;
    /** (B) [:, pool positions 0..L_b) of a sequence whose blocks are scattered, else null. */
    final NDIndex[] gathers;
    /**
     * (B) for a chunk of more than one token, its causal mask (T_b, L_b): 0 where query i (at
     * position start + i) may see key k, that is k <= start + i, and -inf elsewhere; null for a
     * one-token chunk, which sees every key of its sequence.
     */
    final NDArray[] masks;

    BatchLayout(NDManager m, List<SequenceChunk> chunks, DataType maskType, KvCache cache) {
        batch = chunks.size();
        int n = 0;
        int l = 0;
        for (SequenceChunk c : chunks) {
            n += c.tokens().length;
            l = Math.max(l, c.end());
        }
        rows = n;
        keyLength = l;
        long[] ids = new long[rows];
        long[] pos = new long[rows];
        long[] pool = new long[rows];
        long[] last = new long[batch];
        splits = new long[batch - 1];
        lengths = new int[batch];
        ends = new int[batch];
        runStarts = new int[batch];
        gathers = new NDIndex[batch];
        masks = new NDArray[batch];
        int row = 0;
        for (int b = 0; b < batch; b++) {
            SequenceChunk c = chunks.get(b);
            int len = c.tokens().length;
            if (b > 0) {
                splits[b - 1] = row;
            }
            lengths[b] = len;
            ends[b] = c.end();
            int[] table = blockTable(c, cache);
            runStarts[b] = isRun(table, c.end()) ? table[0] * KvCache.BLOCK_SIZE : -1;
            if (runStarts[b] < 0) {
                gathers[b] = new NDIndex(":, {}", m.create(poolPositions(table, 0, c.end())));
            }
            for (int i = 0; i < len; i++, row++) {
                int p = c.start() + i;
                ids[row] = c.tokens()[i];
                pos[row] = p;
                pool[row] = (long) table[p / KvCache.BLOCK_SIZE] * KvCache.BLOCK_SIZE + p % KvCache.BLOCK_SIZE;
            }
            last[b] = row - 1;
            if (len > 1) {
                masks[b] = causalMask(m, c, maskType);
            }
        }
        stride = batch == 1 ? l : runStarts[1] - runStarts[0];
        oneView = n == batch && sameRunsApart(chunks, (long) cache.blocks() * KvCache.BLOCK_SIZE);
        NDArray positions = m.create(pos);
        NDArray tokenIds = m.create(ids);
        tokenRows = new NDIndex("{}", tokenIds);
        tokenColumns = new NDIndex(":, {}", tokenIds);
        positionRows = new NDIndex("{}", positions);
        cacheWrite = new NDIndex(":, {}", m.create(pool));
        lastRows = rows == batch ? null : new NDIndex("{}", m.create(last));
    }

    /** The chunk's block table: its own, or its slot's fixed run. */
    static int[] blockTable(SequenceChunk c, KvCache cache) {
        if (c.blocks() != null) {
            return c.blocks();
        }
        int[] run = new int[KvCache.blocksFor(c.end())];
        for (int i = 0; i < run.length; i++) {
            run[i] = cache.slotFirstBlock(c.slot()) + i;
        }
        return run;
    }

    /** Whether the blocks holding positions [0, end) are consecutive in the pool. */
    private static boolean isRun(int[] table, int end) {
        for (int i = 1, used = KvCache.blocksFor(end); i < used; i++) {
            if (table[i] != table[0] + i) {
                return false;
            }
        }
        return true;
    }

    private static long[] poolPositions(int[] table, int from, int to) {
        long[] out = new long[to - from];
        for (int p = from; p < to; p++) {
            out[p - from] = (long) table[p / KvCache.BLOCK_SIZE] * KvCache.BLOCK_SIZE + p % KvCache.BLOCK_SIZE;
        }
        return out;
    }

    /** Equal lengths, every sequence one run, the runs {@link #stride} apart and inside the pool. */
    private boolean sameRunsApart(List<SequenceChunk> chunks, long poolPositions) {
        if (stride < keyLength || runStarts[0] + (long) batch * stride > poolPositions) {
            return false;
        }
        for (int b = 0; b < batch; b++) {
            if (chunks.get(b).end() != keyLength || runStarts[b] != runStarts[0] + b * stride) {
                return false;
            }
        }
        return runStarts[0] >= 0;
    }

    /** (T, end): query i, at position start + i, sees keys 0..start + i. */
    private static NDArray causalMask(NDManager m, SequenceChunk c, DataType type) {
        int t = c.tokens().length;
        int end = c.end();
        float[] values = new float[t * end];
        for (int i = 0; i < t; i++) {
            Arrays.fill(values, i * end + c.start() + i + 1, (i + 1) * end, Float.NEGATIVE_INFINITY);
        }
        return m.create(values, new Shape(t, end)).toType(type, false);
    }
}
