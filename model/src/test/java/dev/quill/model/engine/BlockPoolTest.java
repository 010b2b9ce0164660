package dev.quill.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.decoder.KvCache;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

/** The pool's bookkeeping alone: the prefix index's chains, eviction, reservations. */
class BlockPoolTest {

    private static final int B = KvCache.BLOCK_SIZE;

    private static int[] tokens(int first, int n) {
        int[] t = new int[n];
        Arrays.setAll(t, i -> first + i);
        return t;
    }

    /** Admits a sequence needing {@code needed} blocks, takes {@code take} fresh ones, indexes them as a chain. */
    private static int[] run(BlockPool pool, int[] text, int needed) {
        BlockPool.Hit hit = pool.lookup(text, text.length - 1);
        assertThat(pool.admit(hit, needed)).isTrue();
        int[] table = Arrays.copyOf(hit.blocks(), needed);
        int parent = -1;
        for (int i = 0; i < needed; i++) {
            if (i >= hit.blocks().length) {
                table[i] = pool.take();
            }
            if ((i + 1) * B <= text.length) {
                parent = pool.index(parent, pool.generation(parent), table[i], Arrays.copyOfRange(text, i * B, (i + 1) * B));
            }
        }
        return table;
    }

    @Test
    void aChainIsFoundBlockByBlockAndNeverThroughABlockHandedOutAgain() {
        BlockPool pool = new BlockPool(4);
        int[] a = tokens(0, 3 * B);
        int[] table = run(pool, a, 3);
        pool.release(table, 3, 0);
        assertThat(pool.cachedBlocks()).isEqualTo(3);
        assertThat(pool.lookup(a, a.length - 1).tokens()).as("the last token is left to compute").isEqualTo(2 * B);
        int[] longer = tokens(0, 3 * B + 5);
        assertThat(pool.lookup(longer, longer.length - 1).blocks()).containsExactly(table);

        // Another text needs 2 blocks: the one free block and the least recently used cached one,
        // which is a's last (released first). a's head stays findable.
        int[] other = run(pool, tokens(1000, 2 * B), 2);
        assertThat(other).contains(table[2]);
        assertThat(pool.lookup(longer, longer.length - 1).tokens()).isEqualTo(2 * B);
        pool.release(other, 2, 0);

        // Three more blocks: the rest of a's go; nothing of a is reachable.
        int[] third = run(pool, tokens(2000, 3 * B), 3);
        assertThat(third).contains(table[0]);
        assertThat(pool.lookup(longer, longer.length - 1).tokens()).isZero();
        pool.release(third, 3, 0);
        assertThat(pool.heldBlocks()).isZero();
    }

    /**
     * A cached block whose parent was handed out again and now holds other tokens: a text that
     * begins with the parent's new tokens and goes on with the block's must not find the block,
     * which was computed after the old tokens.
     */
    @Test
    void aBlockCachedAfterAnEvictedParentIsNeverFoundAfterTheParentsNewContent() {
        BlockPool pool = new BlockPool(2);
        int[] xy = tokens(0, 2 * B);
        int[] table = run(pool, xy, 2);
        pool.release(new int[] {table[1], table[0]}, 2, 0);        // the head released first: evicted first
        int[] z = tokens(500, B);
        int[] zTable = run(pool, z, 1);
        assertThat(zTable).containsExactly(table[0]);
        pool.release(zTable, 1, 0);
        int[] zy = new int[2 * B + 1];
        System.arraycopy(z, 0, zy, 0, B);
        System.arraycopy(xy, B, zy, B, B);
        assertThat(pool.lookup(zy, zy.length - 1).tokens()).as("z's block only, not x's old second block").isEqualTo(B);
    }

    @Test
    void reservationsCountCachedBlocksAsAvailableButNotPromisedOnes() {
        BlockPool pool = new BlockPool(6);
        int[] a = run(pool, tokens(0, 2 * B), 2);
        pool.release(a, 2, 0);                                        // 2 cached, 4 free
        BlockPool.Hit none = new BlockPool.Hit(new int[0], 0);
        assertThat(pool.admit(none, 5)).isTrue();                     // promises 5 of 6, takes none yet
        assertThat(pool.admit(none, 2)).as("only 1 left to promise").isFalse();
        assertThat(pool.admit(none, 1)).isTrue();
        pool.release(new int[0], 0, 6);
        assertThat(pool.admit(none, 6)).isTrue();
        for (int i = 0; i < 6; i++) {
            pool.take();                                              // the free ones, then the cached ones
        }
        assertThat(pool.freeBlocks()).isZero();
        assertThat(pool.cachedBlocks()).isZero();
        assertThat(pool.lookup(tokens(0, 2 * B + 1), 2 * B).tokens()).as("evicted").isZero();
    }

    @Test
    void aFinishedTurnsPartialBlockIsTakenOverByTheTurnThatContinuesIt() {
        BlockPool pool = new BlockPool(4);
        int[] turn = tokens(0, B + 7);
        int[] table = run(pool, turn, 2);
        pool.indexPartial(table[0], pool.generation(table[0]), table[1], Arrays.copyOfRange(turn, B, B + 7));
        pool.release(table, 2, 0);
        int[] next = tokens(0, B + 12);
        BlockPool.Hit hit = pool.lookup(next, next.length - 1);
        assertThat(hit.tokens()).isEqualTo(B + 7);
        assertThat(pool.admit(hit, 2)).isTrue();
        assertThat(pool.cachedBlocks()).isZero();
        assertThat(pool.lookup(next, next.length - 1).tokens()).as("taken over: no longer in the index").isEqualTo(B);
    }

    /** A growing sequence's blocks stay one run of the pool where the free blocks allow: attention reads it in place. */
    @Test
    void aSequenceTakesTheBlockAfterItsLastOrTheStartOfAFreeRunLongEnough() {
        BlockPool pool = new BlockPool(8);
        BlockPool.Hit none = new BlockPool.Hit(new int[0], 0);
        assertThat(pool.admit(none, 8)).isTrue();
        int a0 = pool.take(-1, 2);
        int a1 = pool.take(a0, 1);
        int b0 = pool.take(-1, 1);
        int c0 = pool.take(-1, 2);
        int c1 = pool.take(c0, 1);
        assertThat(new int[] {a0, a1, b0, c0, c1}).containsExactly(0, 1, 2, 3, 4);
        pool.release(new int[] {b0}, 1, 0);                         // free: 2, then 5..7
        int d0 = pool.take(-1, 3);
        assertThat(d0).as("2 is free but alone; 5..7 holds all 3").isEqualTo(5);
        assertThat(pool.take(d0, 2)).isEqualTo(6);
        assertThat(pool.take(-1, 1)).isEqualTo(2);
    }

    /**
     * A sequence whose prefix's canonical block is someone else's cached one, evicted and handed out
     * again before the sequence indexes its next block: that key names the old generation, so a
     * text that begins with the block's new content never finds the sequence's block.
     */
    @Test
    void aKeyAfterACanonicalParentThatWasHandedOutAgainIsNeverFound() {
        BlockPool pool = new BlockPool(4);
        int[] x = tokens(0, B);
        int[] first = run(pool, x, 1);
        pool.release(first, 1, 0);                                  // x's block cached, 3 free
        assertThat(pool.admit(new BlockPool.Hit(new int[0], 0), 4)).isTrue();
        int mine = pool.take();                                     // a sequence computes x again in its own block
        int canonical = pool.index(-1, 0, mine, x);
        assertThat(canonical).isEqualTo(first[0]);
        long generation = pool.generation(canonical);
        int next = pool.take();                                     // the sequence's second block
        pool.take();                                                // the last free block
        int z = pool.take();                                        // evicts x's cached block for other content
        assertThat(z).isEqualTo(canonical);
        pool.index(-1, 0, z, tokens(500, B));
        pool.index(canonical, generation, next, tokens(100, B));    // the sequence indexes its second block, after x
        int[] zThen = new int[2 * B + 1];
        System.arraycopy(tokens(500, B), 0, zThen, 0, B);
        System.arraycopy(tokens(100, B), 0, zThen, B, B);
        assertThat(pool.lookup(zThen, 2 * B).tokens()).isEqualTo(B);
    }
}
