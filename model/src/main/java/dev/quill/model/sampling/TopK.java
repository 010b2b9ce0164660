package dev.quill.model.sampling;

import java.util.Arrays;

/**
 * Selects the k best-ranked tokens ({@link Ranking}) with a bounded heap: O(V log k) time,
 * O(k) memory, and no sort of the whole vocabulary.
 */
final class TopK {
    private TopK() {
    }

    /**
     * The ids of the {@code k} best-ranked values, best first; {@code 1 <= k <= values.length}.
     *
     * @throws IllegalArgumentException when a value is NaN, as {@link Ranking#argmax} does
     */
    static int[] select(float[] values, int k) {
        long[] heap = new long[k]; // max-heap of rank keys: the root is the worst token kept so far
        int size = 0;
        for (int id = 0; id < values.length; id++) {
            float v = values[id];
            if (v != v) {
                throw Ranking.notANumber(id, values.length);
            }
            long key = Ranking.key(v, id);
            if (size < k) {
                heap[size] = key;
                siftUp(heap, size++);
            } else if (key < heap[0]) {
                heap[0] = key;
                siftDown(heap, k);
            }
        }
        Arrays.sort(heap);
        int[] ids = new int[k];
        for (int i = 0; i < k; i++) {
            ids[i] = Ranking.id(heap[i]);
        }
        return ids;
    }

    private static void siftUp(long[] heap, int i) {
        long key = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] >= key) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
    }

    private static void siftDown(long[] heap, int size) {
        long key = heap[0];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] > heap[child]) {
                child++;
            }
            if (heap[child] <= key) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = key;
    }
}
