package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * Where the tokens of one forward pass sit: B sequences padded to the longest chunk T, reading
 * keys up to L. Built once per pass (index arrays are tiny) and shared by every layer.
 *
 * <p>All arrays belong to the pass's manager and die with it.
 */
final class BatchLayout {

    final int batch;       // B
    final int width;       // T: longest chunk in the pass
    final int keyLength;   // L: longest sequence after the pass
    final NDArray tokenIds;   // (B*T) int64, padding repeats the chunk's last token
    final NDArray positions;  // (B*T) int64
    final NDArray writeSlots; // (N) slot of each real (non-padding) token
    final NDArray writePositions; // (N) its position
    final NDArray realRows;   // (N) rows of the (B*T) flattening that are real tokens; null if none is padding
    final NDArray lastRows;   // (B) row of each chunk's last token
    final NDArray slots;      // (B) slot of each sequence
    final int firstSlot;      // >= 0 when the slots are consecutive, so the cache is read as a view
    final NDArray mask;       // (B, 1, T, L): 0 where a query may see a key, -inf elsewhere

    BatchLayout(NDManager m, List<SequenceChunk> chunks, DataType maskType) {
        batch = chunks.size();
        int t = 0;
        int l = 0;
        int real = 0;
        for (SequenceChunk c : chunks) {
            t = Math.max(t, c.tokens().length);
            l = Math.max(l, c.end());
            real += c.tokens().length;
        }
        width = t;
        keyLength = l;
        long[] ids = new long[batch * t];
        long[] pos = new long[batch * t];
        long[] wSlots = new long[real];
        long[] wPos = new long[real];
        long[] rows = new long[real];
        long[] last = new long[batch];
        long[] slotIds = new long[batch];
        float[] maskValues = new float[batch * t * l];
        boolean consecutive = true;
        int n = 0;
        for (int b = 0; b < batch; b++) {
            SequenceChunk c = chunks.get(b);
            int len = c.tokens().length;
            slotIds[b] = c.slot();
            consecutive &= c.slot() == chunks.get(0).slot() + b;
            last[b] = (long) b * t + len - 1;
            for (int i = 0; i < t; i++) {
                int row = b * t + i;
                boolean isReal = i < len;
                ids[row] = c.tokens()[Math.min(i, len - 1)];
                int p = c.start() + Math.min(i, len - 1);
                pos[row] = p;
                if (isReal) {
                    wSlots[n] = c.slot();
                    wPos[n] = p;
                    rows[n++] = row;
                }
                for (int k = 0; k < l; k++) {
                    maskValues[row * l + k] = k <= p ? 0f : Float.NEGATIVE_INFINITY;
                }
            }
        }
        tokenIds = m.create(ids);
        positions = m.create(pos);
        writeSlots = m.create(wSlots);
        writePositions = m.create(wPos);
        realRows = real == batch * t ? null : m.create(rows);
        lastRows = m.create(last);
        slots = m.create(slotIds);
        firstSlot = consecutive ? chunks.get(0).slot() : -1;
        mask = m.create(maskValues, new Shape(batch, 1, t, l)).toType(maskType, false);
    }
}
