package dev.quill.model.engine;

import dev.quill.model.decoder.KvCache;
import dev.quill.model.generate.FinishReason;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Continuous batching, as bookkeeping only (no tensors): which sequences run this step and which
 * of their tokens are computed. One rule covers prefill and decode: each running sequence has
 * tokens known and tokens cached; a step computes up to a token budget, decode tokens first so
 * a long prompt, taken in chunks, never stalls the sequences already streaming.
 *
 * <p>Memory: a sequence is admitted when a slot is free and the KV pool can promise the blocks it
 * may need ({@link BlockPool}); until then it waits, first come first served. Its prompt starts
 * past the longest prefix the pool still caches, it takes blocks as it grows, its full blocks are
 * indexed for other sequences as soon as they are computed, and when it ends its blocks stay
 * cached (if {@link EngineOptions#cacheFinishedSequences}) until the pool needs them.
 *
 * <p>Engine thread only.
 */
final class Scheduler {

    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    private final List<Sequence> running = new ArrayList<>();
    private final SlotTable slots;
    private final BlockPool pool;
    private final EngineOptions options;
    private final EngineMetrics metrics;

    /** With a pool of a full context of 1,024 positions per slot (the scheduler's own tests). */
    Scheduler(int slotCount, EngineOptions options, EngineMetrics metrics) {
        this(slotCount, new BlockPool(slotCount * KvCache.blocksFor(1024)), options, metrics);
    }

    Scheduler(int slotCount, BlockPool pool, EngineOptions options, EngineMetrics metrics) {
        this.slots = new SlotTable(slotCount);
        this.pool = pool;
        this.options = options;
        this.metrics = metrics;
    }

    void enqueue(Sequence s) {
        waiting.add(s);
    }

    int waitingCount() {
        return waiting.size();
    }

    int runningCount() {
        return running.size();
    }

    /** Tokens whose keys/values running sequences hold. */
    int kvTokensInUse() {
        int n = 0;
        for (Sequence s : running) {
            n += s.computed;
        }
        return n;
    }

    /** Drops cancelled sequences, admits waiting ones into free slots, and plans the step. */
    StepPlan schedule() {
        retireCancelled();
        admit();
        List<StepPlan.Chunk> chunks = new ArrayList<>();
        int budget = options.stepTokenBudget();
        for (Sequence s : running) {                     // decodes: one token each
            if (s.pending() == 1 && s.computed >= s.promptLength && budget > 0) {
                grow(s, s.length);
                chunks.add(new StepPlan.Chunk(s, s.computed, new int[] {s.tokens[s.length - 1]}, true));
                budget--;
            }
        }
        for (Sequence s : running) {                     // prompts: chunks fill what is left
            if (budget == 0) {
                break;
            }
            if (s.computed < s.promptLength) {
                int n = Math.min(s.pending(), budget);
                int[] part = java.util.Arrays.copyOfRange(s.tokens, s.computed, s.computed + n);
                grow(s, s.computed + n);
                chunks.add(new StepPlan.Chunk(s, s.computed, part, s.computed + n == s.length));
                budget -= n;
            }
        }
        return new StepPlan(chunks);
    }

    /**
     * Records one computed chunk and, where it samples, the token drawn for it ({@code token} is
     * ignored otherwise). A finished sequence leaves at once and frees its slot. Whatever the
     * sequence's own parts throw here (its text stream, its listener's onToken) ends that
     * sequence alone, with an error its listener hears.
     */
    void advance(StepPlan.Chunk c, int token) {
        Sequence s = c.sequence();
        try {
            s.computed = c.start() + c.tokens().length;
            indexComputed(s);
            if (c.start() < s.promptLength) {
                metrics.promptTokensComputed.add(c.tokens().length);
                if (s.computed < s.promptLength) {
                    s.reportPrefill(); // a long prompt's progress, chunk by chunk
                }
            }
            if (c.samples() && !s.cancelled()) {
                boolean first = s.firstTokenAt == 0;
                boolean done = s.accept(token);
                if (first) {
                    metrics.firstToken(s);
                }
                if (done) {
                    finish(s, s.finish);
                }
            }
        } catch (RuntimeException | Error e) {
            // Errors too: a listener's StackOverflowError or AssertionError is its own sequence's end
            fail(s, EngineError.internal("this request's text or listener failed", e));
        }
    }

    /**
     * Ends one sequence with an error. Its slot and blocks are freed; only the full blocks already
     * indexed stay cached (they were computed by steps that succeeded): a failed step may have
     * written part of its last block, which is not kept. A sequence that already ended is left
     * as it is (its listener has had its one terminal call).
     */
    void fail(Sequence s, EngineError error) {
        if (running.remove(s)) {
            release(s, false);
            metrics.requestsFailed.increment();
        }
        s.fail(error);
    }

    /** Ends everything, waiting and running (shutdown). */
    void failEverything(EngineError error) {
        for (Sequence s : waiting) {
            s.fail(error);
        }
        waiting.clear();
        for (Sequence s : new ArrayList<>(running)) {
            running.remove(s);
            release(s, false);
            s.fail(error);
        }
    }

    private void retireCancelled() {
        for (Iterator<Sequence> it = waiting.iterator(); it.hasNext(); ) {
            Sequence s = it.next();
            if (s.cancelled()) {
                it.remove();
                s.complete(FinishReason.CANCELLED);
            }
        }
        for (Sequence s : new ArrayList<>(running)) {
            if (s.cancelled()) {
                finish(s, FinishReason.CANCELLED);
            }
        }
    }

    private void admit() {
        while (!waiting.isEmpty()) {
            Sequence s = waiting.peek();
            int slot = slots.free();
            if (slot < 0) {
                return;
            }
            BlockPool.Hit hit = options.cacheFinishedSequences() && !s.scoresPrompt() // a cached prefix has no logits to score
                    ? pool.lookup(s.tokens, s.promptLength - 1)   // at least one token computed: it gives the logits
                    : new BlockPool.Hit(new int[0], 0);
            int needed = KvCache.blocksFor(s.lengthLimit());
            if (!pool.admit(hit, needed)) {
                return; // the pool cannot promise its blocks yet: it waits, and so does everyone behind it
            }
            waiting.poll();
            slots.assign(slot, s);
            s.slot = slot;
            s.blocks = java.util.Arrays.copyOf(hit.blocks(), needed);
            s.blockCount = hit.blocks().length;
            s.reservedLeft = needed - hit.blocks().length;
            s.indexedBlocks = hit.tokens() / KvCache.BLOCK_SIZE;
            s.indexParent = s.indexedBlocks == 0 ? -1 : hit.blocks()[s.indexedBlocks - 1];
            s.indexParentGeneration = pool.generation(s.indexParent);
            s.computed = hit.tokens();
            s.cachedTokens = hit.tokens();
            if (hit.tokens() > 0) {
                metrics.prefixHit(hit.tokens());
            }
            running.add(s);
            publishPool();
            try {
                s.reportPrefill(); // out of the queue: its prompt is read from now on
            } catch (RuntimeException | Error e) {
                fail(s, EngineError.internal("this request's listener failed", e));
            }
        }
    }

    private void finish(Sequence s, FinishReason reason) {
        running.remove(s);
        release(s, options.cacheFinishedSequences());
        metrics.finished(s); // before the listener hears of it, so its metrics are already visible
        s.complete(reason);
    }

    /** Takes blocks (reserved at admission) until the sequence's table covers {@code end} positions. */
    private void grow(Sequence s, int end) {
        while (s.blockCount * KvCache.BLOCK_SIZE < end) {
            s.blocks[s.blockCount] = pool.take(s.blockCount == 0 ? -1 : s.blocks[s.blockCount - 1], s.reservedLeft);
            s.blockCount++;
            s.reservedLeft--;
        }
        publishPool();
    }

    /** Enters the sequence's newly computed full blocks into the prefix index, for any sequence to share. */
    private void indexComputed(Sequence s) {
        if (!options.cacheFinishedSequences()) {
            return;
        }
        for (int i = s.indexedBlocks; (i + 1) * KvCache.BLOCK_SIZE <= s.computed; i = ++s.indexedBlocks) {
            int[] content = java.util.Arrays.copyOfRange(s.tokens, i * KvCache.BLOCK_SIZE, (i + 1) * KvCache.BLOCK_SIZE);
            s.indexParent = pool.index(s.indexParent, s.indexParentGeneration, s.blocks[i], content);
            s.indexParentGeneration = pool.generation(s.indexParent);
        }
    }

    /** Frees the sequence's slot and blocks; with {@code keepTail}, its last, partial block stays cached too. */
    private void release(Sequence s, boolean keepTail) {
        int full = s.computed / KvCache.BLOCK_SIZE;
        if (keepTail && s.computed % KvCache.BLOCK_SIZE != 0 && full < s.blockCount && s.indexedBlocks == full) {
            pool.indexPartial(s.indexParent, s.indexParentGeneration, s.blocks[full],
                    java.util.Arrays.copyOfRange(s.tokens, full * KvCache.BLOCK_SIZE, s.computed));
        }
        pool.release(s.blocks, s.blockCount, s.reservedLeft);
        s.blockCount = 0;
        s.reservedLeft = 0;
        slots.release(s.slot);
        publishPool(); // before the listener hears of the end, so the gauges already show it
    }

    private void publishPool() {
        metrics.kvBlocksHeld.set(pool.heldBlocks());
        metrics.kvBlocksCached.set(pool.cachedBlocks());
    }

    BlockPool pool() {
        return pool;
    }

    SlotTable slotTable() {
        return slots;
    }
}
