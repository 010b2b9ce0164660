package dev.quill.model.decoder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.testing.Dtype;
import dev.quill.model.testing.Family;
import dev.quill.model.testing.TinyModel;
import dev.quill.model.testing.TinyModelFixture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Cached decode against full recomputation: a batch of sequences of different lengths, in
 * scattered slots, is prefilled in one packed pass and then decoded 72 steps one token each;
 * at every step each sequence's logits equal a from-scratch forward pass over its whole text.
 */
class KvCacheMatchesRecomputationTest {

    private static final int STEPS = 72;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Family.class)
    void cachedDecodeEqualsFullRecomputationFor72Steps(Family family) throws Exception {
        TinyModel model = TinyModelFixture.write(dir, family, Dtype.F32, false, 21);
        Random rnd = new Random(3);
        int[] slots = {4, 1, 2}; // not consecutive: prefill gathers the slots, decode reads each in place
        int[] lengths = {5, 17, 2};
        List<List<Integer>> seqs = new ArrayList<>();
        List<SequenceChunk> prefill = new ArrayList<>();
        for (int i = 0; i < slots.length; i++) {
            int[] prompt = DecoderMatchesReferenceTest.randomTokens(rnd, lengths[i], model.vocabSize());
            List<Integer> s = new ArrayList<>();
            for (int t : prompt) {
                s.add(t);
            }
            seqs.add(s);
            prefill.add(new SequenceChunk(slots[i], 0, prompt));
        }
        try (Decoder decoder = DecoderLoader.load(dir, DecoderOptions.cpu(6, 0))) {
            float[][] logits = decoder.forward(prefill);
            double worst = 0;
            for (int step = 0; step < STEPS; step++) {
                List<SequenceChunk> batch = new ArrayList<>();
                for (int i = 0; i < slots.length; i++) {
                    int next = Logits.argmax(logits[i]);
                    batch.add(new SequenceChunk(slots[i], seqs.get(i).size(), new int[] {next}));
                    seqs.get(i).add(next);
                }
                logits = decoder.forward(batch);
                for (int i = 0; i < slots.length; i++) {
                    int[] whole = seqs.get(i).stream().mapToInt(Integer::intValue).toArray();
                    // slot 0 is never used by the batch: recompute there from position 0
                    float[] recomputed = decoder.forward(List.of(new SequenceChunk(0, 0, whole)))[0];
                    double err = Logits.relativeError(logits[i], recomputed);
                    worst = Math.max(worst, err);
                    assertThat(err).as("%s step %d sequence %d", family, step, i).isLessThan(1e-4);
                }
            }
            // and the final state against the independent reference, not only against ourselves
            for (int i = 0; i < slots.length; i++) {
                int[] whole = seqs.get(i).stream().mapToInt(Integer::intValue).toArray();
                assertThat(Logits.relativeError(logits[i], model.reference().nextTokenLogits(whole)))
                        .isLessThan(1e-4);
            }
            assertThat(seqs.get(1)).hasSize(lengths[1] + STEPS);
        }
    }

    /**
     * The decode path that builds no mask (one new token each, all sequences the same length): a
     * single sequence, and two in consecutive slots read as a view of the cache, against full
     * recomputation at every step and the independent reference at the end.
     */
    @ParameterizedTest
    @EnumSource(Family.class)
    void maskFreeDecodeEqualsFullRecomputation(Family family) throws Exception {
        TinyModel model = TinyModelFixture.write(dir, family, Dtype.F32, false, 23);
        Random rnd = new Random(6);
        for (int[] slots : new int[][] {{1}, {2, 3}}) {
            try (Decoder decoder = DecoderLoader.load(dir, DecoderOptions.cpu(4, 0))) {
                List<List<Integer>> seqs = new ArrayList<>();
                List<SequenceChunk> prefill = new ArrayList<>();
                for (int slot : slots) {
                    int[] prompt = DecoderMatchesReferenceTest.randomTokens(rnd, 6, model.vocabSize());
                    seqs.add(new ArrayList<>(java.util.Arrays.stream(prompt).boxed().toList()));
                    prefill.add(new SequenceChunk(slot, 0, prompt));
                }
                float[][] logits = decoder.forward(prefill);
                for (int step = 0; step < 24; step++) {
                    List<SequenceChunk> batch = new ArrayList<>();
                    for (int i = 0; i < slots.length; i++) {
                        int next = Logits.argmax(logits[i]);
                        batch.add(new SequenceChunk(slots[i], seqs.get(i).size(), new int[] {next}));
                        seqs.get(i).add(next);
                    }
                    logits = decoder.forward(batch);
                    for (int i = 0; i < slots.length; i++) {
                        int[] whole = seqs.get(i).stream().mapToInt(Integer::intValue).toArray();
                        float[] recomputed = decoder.forward(List.of(new SequenceChunk(0, 0, whole)))[0];
                        assertThat(Logits.relativeError(logits[i], recomputed))
                                .as("%s slots %s step %d sequence %d", family, java.util.Arrays.toString(slots), step, i)
                                .isLessThan(1e-4);
                    }
                }
                for (int i = 0; i < slots.length; i++) {
                    int[] whole = seqs.get(i).stream().mapToInt(Integer::intValue).toArray();
                    assertThat(Logits.relativeError(logits[i], model.reference().nextTokenLogits(whole)))
                            .isLessThan(1e-4);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"LLAMA"})
    void chunkedPrefillEqualsOnePass(Family family) throws Exception {
        TinyModel model = TinyModelFixture.write(dir, family, Dtype.F32, false, 22);
        int[] prompt = DecoderMatchesReferenceTest.randomTokens(new Random(4), 30, model.vocabSize());
        try (Decoder decoder = DecoderLoader.load(dir, DecoderOptions.cpu(2, 0))) {
            float[] whole = decoder.forward(List.of(new SequenceChunk(0, 0, prompt)))[0];
            decoder.forward(List.of(new SequenceChunk(1, 0, java.util.Arrays.copyOfRange(prompt, 0, 12))));
            decoder.forward(List.of(new SequenceChunk(1, 12, java.util.Arrays.copyOfRange(prompt, 12, 25))));
            float[] chunked = decoder.forward(List.of(new SequenceChunk(1, 25, java.util.Arrays.copyOfRange(prompt, 25, 30))))[0];
            assertThat(Logits.relativeError(chunked, whole)).isLessThan(1e-4);
        }
    }
}
