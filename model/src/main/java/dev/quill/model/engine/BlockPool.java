package dev.quill.model.engine;

import dev.quill.model.decoder.KvCache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Who holds each block of the KV pool, as bookkeeping (no tensors): reference counts, the free
 * blocks, and the prefix index through which sequences share blocks. Engine thread only.
 *
 * <p>A full block whose keys are computed is indexed by its content and its parent: {@link Key}
 * (parent block, parent's generation, its tokens), a chain from the first block of a prompt as
 * vLLM's hash(parent hash, tokens), but exact: keys compare tokens, and a parent is named by its
 * identity, whose generation changes whenever the block is handed out anew, so that a chain through
 * an evicted block can never match. Several sequences may hold one indexed full block; it is only
 * read, since a sequence writes only past what it computed. When nobody holds an indexed block it
 * stays, least recently used first, among the evictable ones, and is taken for new keys only when
 * no free block is left. A finished turn's last, partial block is indexed too, for the next turn
 * of the same conversation; the sequence that matches it takes it over alone and writes on.
 *
 * <p>Admission reserves the blocks a sequence may ever need (prompt plus max_tokens, within the
 * context) without taking them: the blocks are taken as it grows, and a sequence admitted never
 * finds the pool empty, so nothing is ever preempted.
 */
final class BlockPool {

    private final int blockSize = KvCache.BLOCK_SIZE;
    private final int[] refs;                 // holders of each block
    private final Key[] keys;                 // what an indexed block holds, else null
    private final long[] generations;         // bumped when a block is handed out anew
    private final BitSet free;                // unindexed blocks nobody holds
    private int freeCount;
    private final LinkedHashSet<Integer> evictable = new LinkedHashSet<>(); // indexed, unheld; oldest first
    private final Map<Key, Integer> index = new HashMap<>();
    private int reserved;                     // blocks promised to running sequences, not yet taken

    /** An indexed block: its tokens, after the block {@code parent} (-1: the first block) in that generation. */
    record Key(int parent, long parentGeneration, int[] tokens) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.parent == parent && k.parentGeneration == parentGeneration
                    && Arrays.equals(k.tokens, tokens);
        }

        @Override
        public int hashCode() {
            return (31 * parent + Long.hashCode(parentGeneration)) * 31 + Arrays.hashCode(tokens);
        }
    }

    /** The blocks of a cached prefix, and how many of the prompt's tokens they hold. */
    record Hit(int[] blocks, int tokens) {
    }

    BlockPool(int blocks) {
        refs = new int[blocks];
        keys = new Key[blocks];
        generations = new long[blocks];
        free = new BitSet(blocks);
        free.set(0, blocks);
        freeCount = blocks;
    }

    int blocks() {
        return refs.length;
    }

    /** How many times block {@code b} has been handed out anew (0 for -1, the root). */
    long generation(int b) {
        return b < 0 ? 0 : generations[b];
    }

    int freeBlocks() {
        return freeCount;
    }

    /** Blocks nobody holds that keep a prefix for reuse. */
    int cachedBlocks() {
        return evictable.size();
    }

    /** Blocks some sequence holds. */
    int heldBlocks() {
        return refs.length - freeCount - evictable.size();
    }

    /**
     * The longest cached prefix of {@code prompt[0, limit)}: indexed full blocks, then possibly a
     * finished turn's partial block nobody holds. Looks only; {@link #admit} takes.
     */
    Hit lookup(int[] prompt, int limit) {
        List<Integer> found = new ArrayList<>();
        int parent = -1;
        long generation = 0;
        int at = 0;
        for (Integer b; at + blockSize <= limit
                && (b = index.get(new Key(parent, generation, Arrays.copyOfRange(prompt, at, at + blockSize)))) != null; ) {
            found.add(b);
            parent = b;
            generation = generations[b];
            at += blockSize;
        }
        for (int m = Math.min(blockSize - 1, limit - at); m > 0; m--) {
            Integer b = index.get(new Key(parent, generation, Arrays.copyOfRange(prompt, at, at + m)));
            if (b != null && refs[b] == 0) {
                found.add(b);
                at += m;
                break;
            }
        }
        return new Hit(found.stream().mapToInt(Integer::intValue).toArray(), at);
    }

    /**
     * Takes the hit's blocks and reserves {@code needed} blocks in all (the hit's included), if the
     * pool can promise them; else changes nothing and returns false.
     */
    boolean admit(Hit hit, int needed) {
        int unheldHits = 0;
        for (int b : hit.blocks()) {
            unheldHits += refs[b] == 0 ? 1 : 0;
        }
        if (needed - hit.blocks().length > freeCount + evictable.size() - unheldHits - reserved) {
            return false;
        }
        for (int b : hit.blocks()) {
            if (refs[b]++ == 0) {
                evictable.remove(b);
            }
            if (keys[b] != null && keys[b].tokens().length < blockSize) {
                forget(b); // a partial block is written on: its holder owns it now
                generations[b]++;
            }
        }
        reserved += needed - hit.blocks().length;
        return true;
    }

    /** {@link #take(int, int)} for a sequence's first block of one. */
    int take() {
        return take(-1, 1);
    }

    /**
     * Takes one reserved block for a growing sequence: a free one, else the least recently used
     * cached one. A free block is chosen to keep the sequence's blocks one run of the pool, which
     * attention reads in place instead of gathering: the block after {@code previous} (its last
     * block, or -1), else the start of a free run of {@code wanted} blocks (what it may still take).
     */
    int take(int previous, int wanted) {
        if (reserved <= 0) {
            throw new IllegalStateException("a block was taken without a reservation");
        }
        int b;
        if (freeCount > 0) {
            b = previous >= 0 && previous + 1 < refs.length && free.get(previous + 1) ? previous + 1 : runStart(wanted);
            free.clear(b);
            freeCount--;
        } else {
            Iterator<Integer> oldest = evictable.iterator();
            b = oldest.next(); // the reservation guarantees one
            oldest.remove();
            forget(b);
        }
        reserved--;
        refs[b] = 1;
        generations[b]++;
        return b;
    }

    /**
     * Indexes a full, computed block after {@code parent} (-1 for the first) as it was in
     * {@code parentGeneration}; returns the block that the index now names for this content:
     * {@code block}, or another that already held it (the parent the next block's key must name,
     * with its {@link #generation} now: if that block is handed out again meanwhile, the next key
     * names the old generation and can never be found, rather than claim to follow the new content).
     */
    int index(int parent, long parentGeneration, int block, int[] tokens) {
        Key key = new Key(parent, parentGeneration, tokens);
        Integer known = index.get(key);
        if (known != null) {
            return known;
        }
        if (keys[block] == null) {
            keys[block] = key;
            index.put(key, block);
        }
        return block;
    }

    /** Indexes a finished turn's last, partial block (unless that content is indexed already). */
    void indexPartial(int parent, long parentGeneration, int block, int[] tokens) {
        Key key = new Key(parent, parentGeneration, tokens);
        if (keys[block] == null && !index.containsKey(key)) {
            keys[block] = key;
            index.put(key, block);
        }
    }

    /**
     * Lets go of a sequence's blocks and of what it reserved but never took. Last block first, so
     * that among the cached ones a prefix's tail is evicted before its head: a chain broken at its
     * head would leave every block after it cached but unreachable, and the head (a system prompt,
     * the early turns) is what other sequences share most.
     */
    void release(int[] blocks, int count, int unreserved) {
        reserved -= unreserved;
        for (int i = count - 1; i >= 0; i--) {
            int b = blocks[i];
            if (--refs[b] > 0) {
                continue;
            }
            if (keys[b] != null) {
                evictable.add(b); // the most recently used end
            } else {
                free.set(b);
                freeCount++;
            }
        }
    }

    /** The first free run of at least {@code wanted} blocks, else the first free block. */
    private int runStart(int wanted) {
        int first = free.nextSetBit(0);
        for (int b = first; b >= 0; ) {
            int end = free.nextClearBit(b);
            if (end - b >= wanted) {
                return b;
            }
            b = end < refs.length ? free.nextSetBit(end) : -1;
        }
        return first;
    }

    private void forget(int b) {
        if (keys[b] != null) {
            index.remove(keys[b]);
            keys[b] = null;
        }
    }
}
