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
     * Every chunk is one token, the sequences are equally long and sit in consecutive slots (batch-1
     * decode, and any batch of equal-length sequences): attention then reads the cache as one view
     * and needs no mask.
     */
    final boolean oneView;
    final NDIndex tokenRows;      // (N) token ids, int64
    final NDIndex tokenColumns;   // [:, ids], for an embedding stored (D, V)
    final NDIndex positionRows;   // (N) positions: rows of the position and rotary tables
    final NDIndex cacheWrite;     // [slot, :, position] of each row
    final NDIndex lastRows;       // (B) row of each chunk's last token; null when N = B (every row is last)
    final int firstSlot;          // chunk 0's slot: with oneView, the cache view starts there
    final long[] splits;          // (B - 1) first rows of chunks 1..B-1: where attention splits the rows
    final int[] slots;            // (B) each sequence's slot
    final int[] lengths;          // (B) each chunk's tokens
    final int[] ends;             // (B) each sequence's length after the pass: the keys it sees
    /**
     * (B) for a chunk of more than one token, its causal mask (T_b, L_b): 0 where query i (at
     * position start + i) may see key k, that is k <= start + i, and -inf elsewhere; null for a
     * one-token chunk, which sees every key of its sequence.
     */
    final NDArray[] masks;

    BatchLayout(NDManager m, List<SequenceChunk> chunks, DataType maskType) {
        batch = chunks.size();
        int n = 0;
        int l = 0;
        boolean sameEnd = true;
        boolean adjacent = true;
        for (int b = 0; b < batch; b++) {
            SequenceChunk c = chunks.get(b);
            n += c.tokens().length;
            l = Math.max(l, c.end());
            sameEnd &= c.end() == chunks.get(0).end();
            adjacent &= c.slot() == chunks.get(0).slot() + b;
        }
        rows = n;
        keyLength = l;
        oneView = n == batch && sameEnd && adjacent;
        firstSlot = chunks.get(0).slot();
        long[] ids = new long[rows];
        long[] pos = new long[rows];
        long[] wSlots = new long[rows];
        long[] last = new long[batch];
        splits = new long[batch - 1];
        slots = new int[batch];
        lengths = new int[batch];
        ends = new int[batch];
        masks = new NDArray[batch];
        int row = 0;
        for (int b = 0; b < batch; b++) {
            SequenceChunk c = chunks.get(b);
            int len = c.tokens().length;
            if (b > 0) {
                splits[b - 1] = row;
            }
            slots[b] = c.slot();
            lengths[b] = len;
            ends[b] = c.end();
            for (int i = 0; i < len; i++, row++) {
                ids[row] = c.tokens()[i];
                pos[row] = c.start() + i;
                wSlots[row] = c.slot();
            }
            last[b] = row - 1;
            if (len > 1) {
                masks[b] = causalMask(m, c, maskType);
            }
        }
        NDArray positions = m.create(pos);
        NDArray tokenIds = m.create(ids);
        tokenRows = new NDIndex("{}", tokenIds);
        tokenColumns = new NDIndex(":, {}", tokenIds);
        positionRows = new NDIndex("{}", positions);
        cacheWrite = new NDIndex("{}, :, {}", m.create(wSlots), positions);
        lastRows = rows == batch ? null : new NDIndex("{}", m.create(last));
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
