package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.List;

/**
 * Where the tokens of one forward pass sit: B sequences padded to the longest chunk T, flattened
 * to N = B*T rows, reading keys up to L. Built once per pass and shared by every layer, so that
 * nothing per layer parses an index or copies an array from Java.
 *
 * <p>All arrays belong to the pass's manager and die with it.
 */
final class BatchLayout {

    final int batch;       // B
    final int width;       // T: longest chunk in the pass
    final int rows;        // N = B*T
    final int keyLength;   // L: longest sequence after the pass
    /**
     * T = 1 and every sequence is L long: each query sees every key, so no mask is built or added
     * (batch-1 decode, and any batch of equal-length sequences).
     */
    final boolean everyKeyVisible;
    final NDIndex tokenRows;      // (N) token ids, int64; padding repeats the chunk's last token
    final NDIndex tokenColumns;   // [:, ids], for an embedding stored (D, V)
    final NDIndex positionRows;   // (N) positions: rows of the position and rotary tables
    final NDIndex cacheWrite;     // [slot, :, position] of each real token
    final NDIndex realRows;       // (R) rows of the N that are real tokens; null if none is padding
    final NDIndex lastRows;       // (B) row of each chunk's last token; null when T = 1 (every row is last)
    final int firstSlot;          // >= 0 when the slots are consecutive, so the cache is read as a view
    final NDIndex cacheGather;    // [slots, :, :L] when they are not: the cache is read by gathering
    final NDArray mask;           // (B, 1, T, L): 0 where a query may see a key, -inf elsewhere; or null
    /**
     * T = 1 with B > 1 sequences that are not one view of the cache (scattered slots or different
     * lengths): attention then runs per sequence on its own slot's keys, read in place, instead of
     * gathering every slot up to the longest sequence into a copy per layer.
     */
    final boolean attendEach;
    final int[] slots;            // (B) each sequence's slot
    final int[] ends;             // (B) each sequence's length after the pass: the keys it sees

    BatchLayout(NDManager m, List<SequenceChunk> chunks, DataType maskType) {
        batch = chunks.size();
        int t = 0;
        int l = 0;
        int real = 0;
        boolean sameEnd = true;
        for (SequenceChunk c : chunks) {
            t = Math.max(t, c.tokens().length);
            l = Math.max(l, c.end());
            real += c.tokens().length;
            sameEnd &= c.end() == chunks.get(0).end();
        }
        width = t;
        rows = batch * t;
        keyLength = l;
        everyKeyVisible = t == 1 && sameEnd;
        boolean adjacent = true;
        for (int b = 1; b < batch; b++) {
            adjacent &= chunks.get(b).slot() == chunks.get(0).slot() + b;
        }
        attendEach = t == 1 && batch > 1 && !(adjacent && sameEnd);
        long[] ids = new long[rows];
        long[] pos = new long[rows];
        long[] wSlots = new long[real];
        long[] wPos = new long[real];
        long[] realIds = new long[real];
        long[] last = new long[batch];
        slots = new int[batch];
        ends = new int[batch];
        float[] maskValues = everyKeyVisible || attendEach ? null : new float[rows * l];
        int n = 0;
        for (int b = 0; b < batch; b++) {
            SequenceChunk c = chunks.get(b);
            int len = c.tokens().length;
            slots[b] = c.slot();
            ends[b] = c.end();
            last[b] = (long) b * t + len - 1;
            for (int i = 0; i < t; i++) {
                int row = b * t + i;
                ids[row] = c.tokens()[Math.min(i, len - 1)];
                int p = c.start() + Math.min(i, len - 1);
                pos[row] = p;
                if (i < len) {
                    wSlots[n] = c.slot();
                    wPos[n] = p;
                    realIds[n++] = row;
                }
                if (maskValues != null) {
                    for (int k = 0; k < l; k++) {
                        maskValues[row * l + k] = k <= p ? 0f : Float.NEGATIVE_INFINITY;
                    }
                }
            }
        }
        NDArray positions = m.create(pos);
        NDArray tokenIds = m.create(ids);
        tokenRows = new NDIndex("{}", tokenIds);
        tokenColumns = new NDIndex(":, {}", tokenIds);
        positionRows = new NDIndex("{}", positions);
        boolean padded = real != rows;
        // Without padding every row is written at its own position: reuse the positions array.
        cacheWrite = new NDIndex("{}, :, {}", m.create(wSlots), padded ? m.create(wPos) : positions);
        realRows = padded ? new NDIndex("{}", m.create(realIds)) : null;
        lastRows = t == 1 ? null : new NDIndex("{}", m.create(last));
        firstSlot = adjacent ? chunks.get(0).slot() : -1;
        cacheGather = adjacent || attendEach ? null
                : new NDIndex("{}, :, :{}", m.create(Arrays.stream(slots).asLongStream().toArray()), l);
        mask = maskValues == null ? null : m.create(maskValues, new Shape(batch, 1, t, l)).toType(maskType, false);
    }
}
