package dev.quill.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.generate.FinishReason;
import dev.quill.model.sampling.SamplingParams;
import org.junit.jupiter.api.Test;

import java.util.Set;

/** The scheduler with hand-made step results and no model at all. */
class SchedulerTest {

    private final EngineMetrics metrics = new EngineMetrics();

    /** Text that is just the token id, so stop handling stays out of these tests. */
    private static class IdText implements TextStream {
        @Override
        public String push(int tokenId) {
            return tokenId + " ";
        }

        @Override
        public boolean stopped() {
            return false;
        }

        @Override
        public String flush() {
            return "";
        }
    }

    private static Sequence seq(int id, int promptLength, int maxTokens, Collector out) {
        int[] prompt = new int[promptLength];
        for (int i = 0; i < promptLength; i++) {
            prompt[i] = 10 + i;
        }
        SamplingParams p = SamplingParams.builder().temperature(0).maxTokens(maxTokens).build();
        return new Sequence(id, prompt, p, out, new IdText(), Set.of(2), 1000, () -> { });
    }

    /** What the engine does after a step's passes: each chunk advanced with its sampled token. */
    private static void update(Scheduler s, StepPlan plan, int[] sampled) {
        for (int i = 0; i < plan.chunks().size(); i++) {
            s.advance(plan.chunks().get(i), sampled[i]);
        }
    }

    private static int[] tokens(StepPlan plan, int sampled) {
        int[] t = new int[plan.chunks().size()];
        java.util.Arrays.fill(t, sampled);
        return t;
    }

    @Test
    void decodesGoFirstAndPromptsFillTheTokenBudgetInChunks() {
        Scheduler s = new Scheduler(4, new EngineOptions(8, 8, false), metrics);
        Sequence a = seq(1, 3, 10, new Collector());
        s.enqueue(a);
        StepPlan p1 = s.schedule();
        assertThat(p1.chunks()).hasSize(1);
        assertThat(p1.chunks().get(0).tokens()).hasSize(3);
        assertThat(p1.chunks().get(0).samples()).isTrue();
        update(s, p1, tokens(p1, 7));                 // a now decodes

        Sequence b = seq(2, 20, 10, new Collector());  // a long prompt arrives
        s.enqueue(b);
        StepPlan p2 = s.schedule();
        assertThat(p2.chunks()).extracting(c -> c.sequence()).containsExactly(a, b);
        assertThat(p2.chunks().get(0).tokens()).containsExactly(7);
        assertThat(p2.chunks().get(1).tokens()).hasSize(7); // budget 8 - 1 decode
        assertThat(p2.chunks().get(1).samples()).isFalse();
        update(s, p2, tokens(p2, 8));
        assertThat(b.computed).isEqualTo(7);
        assertThat(b.generated).isZero();

        StepPlan p3 = s.schedule();
        assertThat(p3.chunks().get(1).start()).isEqualTo(7);
        assertThat(p3.chunks().get(1).tokens()).hasSize(7);
    }

    @Test
    void aPromptsProgressIsReportedOnAdmissionAndAfterEachChunkShortOfTheEnd() throws Exception {
        Scheduler s = new Scheduler(1, new EngineOptions(8, 8, false), metrics);
        Collector outA = new Collector();
        Collector outB = new Collector();
        Sequence a = seq(1, 20, 1, outA);
        Sequence b = seq(2, 3, 1, outB);
        s.enqueue(a);
        s.enqueue(b);
        StepPlan p = s.schedule();                     // a takes the one slot; b waits and hears nothing
        assertThat(outA.prefills).containsExactly("0/20");
        assertThat(outB.prefills).isEmpty();
        update(s, p, tokens(p, 5));
        p = s.schedule();
        update(s, p, tokens(p, 5));
        assertThat(outA.prefills).containsExactly("0/20", "8/20", "16/20");
        p = s.schedule();
        update(s, p, tokens(p, 5));                    // the last chunk samples the first token instead
        assertThat(outA.await()).isEqualTo(FinishReason.LENGTH);
        assertThat(outA.prefills).containsExactly("0/20", "8/20", "16/20");
        assertThat(outB.prefills).isEmpty();
        s.schedule();                                  // b gets the freed slot
        assertThat(outB.prefills).containsExactly("0/3");
    }

    @Test
    void admissionWaitsForAFreeSlotAndFinishingFreesIt() throws Exception {
        Scheduler s = new Scheduler(1, new EngineOptions(8, 64, false), metrics);
        Collector outA = new Collector();
        Sequence a = seq(1, 2, 2, outA);
        Sequence b = seq(2, 2, 1, new Collector());
        s.enqueue(a);
        s.enqueue(b);
        StepPlan p = s.schedule();
        assertThat(p.chunks()).extracting(c -> c.sequence()).containsExactly(a);
        assertThat(s.waitingCount()).isEqualTo(1);
        update(s, p, tokens(p, 5));
        p = s.schedule();
        update(s, p, tokens(p, 6));                    // a reaches max_tokens 2
        assertThat(outA.await()).isEqualTo(FinishReason.LENGTH);
        assertThat(outA.tokens).containsExactly(5, 6);
        p = s.schedule();
        assertThat(p.chunks()).extracting(c -> c.sequence()).containsExactly(b);
        assertThat(b.slot).isEqualTo(a.slot);
    }

    @Test
    void eosAndCancellationEndSequences() throws Exception {
        Scheduler s = new Scheduler(2, new EngineOptions(8, 64, false), metrics);
        Collector outA = new Collector();
        Collector outB = new Collector();
        Sequence a = seq(1, 2, 50, outA);
        Sequence b = seq(2, 2, 50, outB);
        s.enqueue(a);
        s.enqueue(b);
        StepPlan p = s.schedule();
        update(s, p, new int[] {2, 9});                 // 2 is eos for a
        assertThat(outA.await()).isEqualTo(FinishReason.STOP);
        assertThat(outA.tokens).isEmpty();
        b.cancel();
        assertThat(s.schedule().isEmpty()).isTrue();
        assertThat(outB.await()).isEqualTo(FinishReason.CANCELLED);
        assertThat(s.runningCount()).isZero();
    }

    @Test
    void aFinishedSequenceLeavesItsPrefixForTheNextTurn() {
        Scheduler s = new Scheduler(2, new EngineOptions(8, 64, true), metrics);
        Sequence a = seq(1, 6, 1, new Collector());
        s.enqueue(a);
        StepPlan p = s.schedule();
        update(s, p, tokens(p, 99));                   // finishes: its 6 tokens' block stays cached
        assertThat(s.pool().cachedBlocks()).isEqualTo(1);
        assertThat(s.pool().heldBlocks()).isZero();

        Sequence next = seq(2, 9, 1, new Collector()); // same first 6 tokens (10..15), then more
        s.enqueue(next);
        StepPlan p2 = s.schedule();
        assertThat(next.cachedTokens).isEqualTo(6);
        assertThat(s.pool().cachedBlocks()).as("the partial block is taken over, not shared").isZero();
        assertThat(p2.chunks().get(0).start()).isEqualTo(6);
        assertThat(p2.chunks().get(0).tokens()).hasSize(3);
        assertThat(metrics.snapshot().prefixHits()).isEqualTo(1);
    }

    @Test
    void aTextStreamThatThrowsEndsOnlyItsOwnSequenceAndFreesItsSlot() throws Exception {
        Scheduler s = new Scheduler(2, new EngineOptions(8, 64, true), metrics);
        Collector outBad = new Collector();
        Collector outGood = new Collector();
        SamplingParams p = SamplingParams.builder().temperature(0).maxTokens(3).build();
        Sequence bad = new Sequence(1, new int[] {10, 11}, p, outBad, new IdText() {
            @Override
            public String push(int tokenId) {
                throw new IllegalArgumentException("no such token " + tokenId);
            }
        }, Set.of(2), 1000, () -> { });
        Sequence good = seq(2, 2, 3, outGood);
        s.enqueue(bad);
        s.enqueue(good);
        StepPlan plan = s.schedule();
        update(s, plan, tokens(plan, 7));
        assertThat(s.runningCount()).isEqualTo(1);
        assertThat(s.pool().cachedBlocks()).as("a failed sequence's partial block is not kept").isZero();
        assertThat(outBad.done).isCompletedExceptionally();
        assertThat(outBad.error.code()).isEqualTo(EngineError.Code.INTERNAL);
        assertThat(outBad.error.getMessage()).contains("no such token 7");
        assertThat(metrics.snapshot().requestsFailed()).isEqualTo(1);
        for (int step = 0; step < 2; step++) {
            plan = s.schedule();
            assertThat(plan.chunks()).extracting(c -> c.sequence()).containsExactly(good);
            update(s, plan, tokens(plan, 8 + step));
        }
        assertThat(outGood.await()).isEqualTo(FinishReason.LENGTH);
        assertThat(outGood.tokens).containsExactly(7, 8, 9);
    }
}
