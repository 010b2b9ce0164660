package dev.quill.model.sampling;

import java.util.Arrays;

/**
 * Counts of non-negative ints, with no boxing: open addressing with linear probing over two
 * parallel arrays. A sequence's history holds at most a few thousand distinct ids, so this stays
 * small where a dense vocab-sized array per sequence would not. Not thread-safe.
 */
final class IntCounts {
    /** Receives one (key, count) pair; count is always &ge; 1. */
    interface Visitor {
        void visit(int key, int count);
    }

    private static final int EMPTY = -1;

    private int[] keys;   // EMPTY or a key; capacity is a power of two, at most half full
    private int[] counts; // counts[slot] belongs to keys[slot]
    private int size;

    IntCounts() {
        keys = new int[16];
        counts = new int[16];
        Arrays.fill(keys, EMPTY);
    }

    /** Adds one occurrence of {@code key}, which must be &ge; 0. */
    void increment(int key) {
        int slot = slot(key);
        if (keys[slot] == EMPTY) {
            keys[slot] = key;
            size++;
            if (2 * size > keys.length) {
                counts[slot] = 1;
                grow();
                return;
            }
        }
        counts[slot]++;
    }

    /** Occurrences of {@code key}; 0 when never seen. */
    int get(int key) {
        if (key < 0) {
            return 0;
        }
        int slot = slot(key);
        return keys[slot] == EMPTY ? 0 : counts[slot];
    }

    /** Number of distinct keys. */
    int size() {
        return size;
    }

    /** Visits every distinct key once, in no particular order. */
    void forEach(Visitor visitor) {
        for (int slot = 0; slot < keys.length; slot++) {
            if (keys[slot] != EMPTY) {
                visitor.visit(keys[slot], counts[slot]);
            }
        }
    }

    /** The slot holding {@code key}, or the empty slot where it would go. */
    private int slot(int key) {
        int mask = keys.length - 1;
        int h = key * 0x9E3779B9; // Fibonacci hashing spreads consecutive ids across the table
        int slot = (h ^ (h >>> 16)) & mask;
        while (keys[slot] != EMPTY && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void grow() {
        int[] oldKeys = keys;
        int[] oldCounts = counts;
        keys = new int[oldKeys.length * 2];
        counts = new int[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int slot = slot(oldKeys[i]);
                keys[slot] = oldKeys[i];
                counts[slot] = oldCounts[i];
            }
        }
    }
}
