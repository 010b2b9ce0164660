package dev.quill.model.engine;

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
 * <p>Engine thread only.
 */
final class Scheduler {

    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    private final List<Sequence> running = new ArrayList<>();
    private final SlotTable slots;
    private final EngineOptions options;
    private final EngineMetrics metrics;

    Scheduler(int slotCount, EngineOptions options, EngineMetrics metrics) {
        this.slots = new SlotTable(slotCount);
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
     * Ends one sequence with an error. Its slot is freed and its cache forgotten rather than kept
     * for reuse: a failed step may have written part of it. A sequence that already ended is left
     * as it is (its listener has had its one terminal call).
     */
    void fail(Sequence s, EngineError error) {
        if (running.remove(s)) {
            slots.release(s.slot, s.tokens, 0, false);
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
            slots.release(s.slot, s.tokens, 0, false);
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
            SlotTable.Pick pick = slots.pick(s.tokens, s.promptLength);
            if (pick == null) {
                return;
            }
            waiting.poll();
            slots.assign(pick.slot(), s);
            s.slot = pick.slot();
            int reused = s.scoresPrompt() ? 0 : pick.reused(); // a cached prefix has no logits to score
            s.computed = reused;
            s.cachedTokens = reused;
            if (reused > 0) {
                metrics.prefixHit(reused);
            }
            running.add(s);
            try {
                s.reportPrefill(); // out of the queue: its prompt is read from now on
            } catch (RuntimeException | Error e) {
                fail(s, EngineError.internal("this request's listener failed", e));
            }
        }
    }

    private void finish(Sequence s, FinishReason reason) {
        running.remove(s);
        slots.release(s.slot, s.tokens, s.computed, options.cacheFinishedSequences());
        metrics.finished(s); // before the listener hears of it, so its metrics are already visible
        s.complete(reason);
    }

    SlotTable slotTable() {
        return slots;
    }
}
