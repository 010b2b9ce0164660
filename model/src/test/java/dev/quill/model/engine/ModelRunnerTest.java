package dev.quill.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.decoder.SequenceChunk;
import dev.quill.model.sampling.SamplingParams;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** How a step's chunks become passes, with a pass that records its batches instead of a model. */
class ModelRunnerTest {

    /** Logits that say which slot they belong to; throws for a chosen slot. */
    private static final class RecordingPass implements ForwardPass {
        final List<List<Integer>> passes = new ArrayList<>(); // the slots of each pass, in order
        final int failingSlot;

        RecordingPass(int failingSlot) {
            this.failingSlot = failingSlot;
        }

        @Override
        public float[][] forward(List<SequenceChunk> chunks) {
            passes.add(chunks.stream().map(SequenceChunk::slot).toList());
            float[][] logits = new float[chunks.size()][];
            for (int i = 0; i < chunks.size(); i++) {
                if (chunks.get(i).slot() == failingSlot) {
                    throw new IllegalStateException("slot " + failingSlot + " fails");
                }
                logits[i] = new float[] {chunks.get(i).slot(), chunks.get(i).end()};
            }
            return logits;
        }
    }

    /** Three decodes and two prompt chunks of different lengths and starts, in slots 0..4. */
    private static StepPlan mixedStep() {
        int[][] shapes = {{0, 9, 1}, {1, 30, 1}, {2, 4, 1}, {3, 0, 17}, {4, 12, 5}}; // slot, start, tokens
        List<StepPlan.Chunk> chunks = new ArrayList<>();
        for (int[] s : shapes) {
            Sequence seq = new Sequence(s[0], new int[] {1, 2, 3}, SamplingParams.builder().maxTokens(4).build(),
                    new Collector(), null, Set.of(), 100, () -> { });
            seq.slot = s[0];
            chunks.add(new StepPlan.Chunk(seq, s[1], new int[s[2]], true));
        }
        return new StepPlan(chunks);
    }

    @Test
    void aStepOfDecodesAndPromptChunksIsOnePass() {
        RecordingPass pass = new RecordingPass(-1);
        ModelRunner.Output out = new ModelRunner(pass, ModelRunner.Passes.ONE_PER_STEP).execute(mixedStep());
        assertThat(pass.passes).containsExactly(List.of(0, 1, 2, 3, 4));
        for (int i = 0; i < 5; i++) {
            assertThat(out.logits()[i][0]).isEqualTo(i);
            assertThat(out.failures()[i]).isNull();
        }
    }

    @Test
    void aFailingPackedPassRunsApartSoAFailingPromptChunkRunsOnceMore() {
        RecordingPass pass = new RecordingPass(3); // a prompt chunk
        ModelRunner.Output out = new ModelRunner(pass, ModelRunner.Passes.ONE_PER_STEP).execute(mixedStep());
        assertThat(out.failures()[3]).hasMessageContaining("slot 3 fails");
        assertHealthyExcept(out, 3);
        assertThat(pass.passes).containsExactly(List.of(0, 1, 2, 3, 4), List.of(3), List.of(4), List.of(0, 1, 2));
    }

    @Test
    void aFailingDecodeIsFoundByHalvingTheDecodes() {
        RecordingPass pass = new RecordingPass(1); // a decode
        ModelRunner.Output out = new ModelRunner(pass, ModelRunner.Passes.ONE_PER_STEP).execute(mixedStep());
        assertThat(out.failures()[1]).hasMessageContaining("slot 1 fails");
        assertHealthyExcept(out, 1);
        assertThat(pass.passes).containsExactly(List.of(0, 1, 2, 3, 4), List.of(3), List.of(4), List.of(0, 1, 2),
                List.of(0), List.of(1, 2), List.of(1), List.of(2));
    }

    private static void assertHealthyExcept(ModelRunner.Output out, int culprit) {
        StepPlan plan = mixedStep();
        for (int i = 0; i < 5; i++) {
            if (i != culprit) {
                assertThat(out.failures()[i]).as("chunk %d", i).isNull();
                assertThat(out.logits()[i]).as("chunk %d", i)
                        .containsExactly(i, plan.chunks().get(i).start() + plan.chunks().get(i).tokens().length);
            }
        }
    }

    @Test
    void promptChunksApartKeepsTheOldGroupingForComparison() {
        RecordingPass pass = new RecordingPass(-1);
        new ModelRunner(pass, ModelRunner.Passes.PROMPT_CHUNKS_APART).execute(mixedStep());
        assertThat(pass.passes).containsExactly(List.of(3), List.of(4), List.of(0, 1, 2));
    }
}
