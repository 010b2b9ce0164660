package dev.quill.model.engine;

import java.util.Arrays;

/**
 * Who owns each KV cache slot, and what a free slot still caches: the token ids whose keys and
 * values a finished sequence left behind, kept for prefix reuse and evicted least recently used.
 * Bookkeeping only; engine thread only.
 */
final class SlotTable {

    private final Sequence[] owner;
    private final int[][] cached;   // tokens whose KV a free slot still holds, or null
    private final long[] lastUsed;
    private long clock;

    SlotTable(int slots) {
        owner = new Sequence[slots];
        cached = new int[slots][];
        lastUsed = new long[slots];
    }

    /** A slot and how many of the prompt's first tokens it already caches. */
    record Pick(int slot, int reused) {
    }

    /**
     * The best free slot for {@code prompt}: the longest cached prefix (leaving at least one
     * token to compute, which gives the logits), else an empty slot, else the least recently
     * used cached one. Null if every slot is owned.
     */
    Pick pick(int[] prompt, int promptLength) {
        int best = -1;
        int bestLen = 0;
        int empty = -1;
        int lru = -1;
        for (int s = 0; s < owner.length; s++) {
            if (owner[s] != null) {
                continue;
            }
            if (cached[s] == null) {
                empty = empty < 0 ? s : empty;
                continue;
            }
            int len = commonPrefix(cached[s], prompt, promptLength - 1);
            if (len > bestLen) {
                best = s;
                bestLen = len;
            }
            if (lru < 0 || lastUsed[s] < lastUsed[lru]) {
                lru = s;
            }
        }
        if (best >= 0) {
            return new Pick(best, bestLen);
        }
        if (empty >= 0) {
            return new Pick(empty, 0);
        }
        return lru >= 0 ? new Pick(lru, 0) : null;
    }

    void assign(int slot, Sequence seq) {
        owner[slot] = seq;
        cached[slot] = null;
        lastUsed[slot] = ++clock;
    }

    /** Frees a slot; with {@code keep}, the tokens its cache holds stay reusable. */
    void release(int slot, int[] tokens, int computed, boolean keep) {
        owner[slot] = null;
        cached[slot] = keep && computed > 0 ? Arrays.copyOf(tokens, computed) : null;
        lastUsed[slot] = ++clock;
    }

    int slots() {
        return owner.length;
    }

    int cachedTokens(int slot) {
        return cached[slot] == null ? 0 : cached[slot].length;
    }

    private static int commonPrefix(int[] a, int[] b, int limit) {
        int n = Math.min(Math.min(a.length, limit), b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }
}
