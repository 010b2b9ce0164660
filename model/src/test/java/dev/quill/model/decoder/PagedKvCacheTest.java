package dev.quill.model.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quill.model.testing.Dtype;
import dev.quill.model.testing.Family;
import dev.quill.model.testing.TinyModel;
import dev.quill.model.testing.TinyModelFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The paged KV cache: sequences whose positions live in blocks scattered over the pool (read by
 * gathering) or in one run of it (read as a view), against the independent reference and against
 * the contiguous per-slot layout; prompt chunks that cross block boundaries mid-chunk; and blocks
 * of a common prefix shared read-only by sequences in the same passes.
 */
class PagedKvCacheTest {

    private static final int B = KvCache.BLOCK_SIZE;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Family.class)
    void scatteredAndRunBlocksChunkedAcrossBoundariesMatchTheReference(Family family) throws Exception {
        TinyModel model = TinyModelFixture.write(dir, family, Dtype.F32, false, 41);
        Random rnd = new Random(5);
        int[] lengths = {90, 61, 37};
        int[] chunk = {7, 13, 20, 3, 25};         // positions 7..20 cross the first boundary mid-chunk, and so on
        List<Integer> shuffled = new ArrayList<>();
        for (int b = 0; b < 24; b++) {
            shuffled.add(b);
        }
        Collections.shuffle(shuffled, rnd);
        int[][] tables = {
                shuffled.subList(0, 6).stream().mapToInt(Integer::intValue).toArray(),   // scattered: gathered
                {24, 25, 26, 27},                                                         // one run: a view
                shuffled.subList(6, 9).stream().mapToInt(Integer::intValue).toArray(),
        };
        int[][] texts = new int[lengths.length][];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = DecoderMatchesReferenceTest.randomTokens(rnd, lengths[i], model.vocabSize());
        }
        try (Decoder paged = DecoderLoader.load(dir, new DecoderOptions("cpu", 3, 0, 30 * B));
             Decoder contiguous = DecoderLoader.load(dir, DecoderOptions.cpu(3, 0))) {
            assertThat(paged.cache().blocks()).isEqualTo(30);
            long baseline = paged.liveArrays();
            int[] done = new int[texts.length];
            double worst = 0;
            for (int round = 0; unfinished(done, texts); round++) {
                List<SequenceChunk> pagedPass = new ArrayList<>();
                List<SequenceChunk> slotPass = new ArrayList<>();
                List<Integer> who = new ArrayList<>();
                for (int i = 0; i < texts.length; i++) {
                    int n = Math.min(round < chunk.length ? chunk[round] : 1, texts[i].length - done[i]);
                    if (n == 0) {
                        continue;
                    }
                    int[] tokens = Arrays.copyOfRange(texts[i], done[i], done[i] + n);
                    pagedPass.add(new SequenceChunk(i, done[i], tokens, tables[i]));
                    slotPass.add(new SequenceChunk(i, done[i], tokens));
                    who.add(i);
                }
                float[][] actual = paged.forward(pagedPass);
                float[][] expected = contiguous.forward(slotPass);
                for (int j = 0; j < who.size(); j++) {
                    int i = who.get(j);
                    done[i] += pagedPass.get(j).tokens().length;
                    if (round < chunk.length || done[i] == texts[i].length) { // the plain-Java reference is slow: chunks and the end
                        float[] reference = model.reference().nextTokenLogits(Arrays.copyOf(texts[i], done[i]));
                        worst = Math.max(worst, Logits.relativeError(actual[j], reference));
                        assertThat(Logits.relativeError(actual[j], reference)).as("%s seq %d at %d: reference", family, i, done[i])
                                .isLessThan(1e-4);
                    }
                    assertThat(Logits.relativeError(actual[j], expected[j])).as("%s seq %d at %d: contiguous", family, i, done[i])
                            .isLessThan(1e-4);
                }
            }
            assertThat(worst).isGreaterThan(0.0).as("the comparison compared something");
            assertThat(paged.liveArrays()).isEqualTo(baseline);
        }
    }

    private static boolean unfinished(int[] done, int[][] texts) {
        for (int i = 0; i < done.length; i++) {
            if (done[i] < texts[i].length) {
                return true;
            }
        }
        return false;
    }

    /**
     * A prefills 40 tokens into blocks {3, 7, 11}; B and C start with A's first 32 tokens and name
     * A's two full blocks in their tables. Then A's next chunk, B's and C's own tokens run in one
     * pass, and all three decode on: each gets what it gets alone on the contiguous layout, so
     * sharing neither changed what B and C see nor let them write into A's blocks.
     */
    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"GPT2", "LLAMA"})
    void sequencesSharingPrefixBlocksGetWhatEachGetsAlone(Family family) throws Exception {
        TinyModel model = TinyModelFixture.write(dir, family, Dtype.F32, false, 42);
        Random rnd = new Random(6);
        int[] a = DecoderMatchesReferenceTest.randomTokens(rnd, 60, model.vocabSize());
        int[] b = Arrays.copyOf(a, 58);
        int[] c = Arrays.copyOf(a, 45);
        System.arraycopy(DecoderMatchesReferenceTest.randomTokens(rnd, 26, model.vocabSize()), 0, b, 32, 26);
        System.arraycopy(DecoderMatchesReferenceTest.randomTokens(rnd, 13, model.vocabSize()), 0, c, 32, 13);
        int[][] texts = {a, b, c};
        int[][] tables = {{3, 7, 11, 20}, {3, 7, 12, 25}, {3, 7, 14}};
        try (Decoder paged = DecoderLoader.load(dir, new DecoderOptions("cpu", 3, 0, 30 * B));
             Decoder alone = DecoderLoader.load(dir, DecoderOptions.cpu(1, 0))) {
            paged.forward(List.of(new SequenceChunk(0, 0, Arrays.copyOf(a, 40), tables[0])));
            int[] done = {40, 32, 32};
            int[] next = {10, 18, 8};                       // one pass: A's chunk, B's and C's own tokens
            while (unfinished(done, texts)) {
                List<SequenceChunk> pass = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    int n = Math.min(next[i], texts[i].length - done[i]);
                    if (n > 0) {
                        pass.add(new SequenceChunk(i, done[i], Arrays.copyOfRange(texts[i], done[i], done[i] + n), tables[i]));
                    }
                }
                float[][] actual = paged.forward(pass);
                for (int j = 0; j < pass.size(); j++) {
                    SequenceChunk ch = pass.get(j);
                    int i = ch.slot();
                    done[i] = ch.end();
                    float[] solo = alone.forward(List.of(new SequenceChunk(0, 0, Arrays.copyOf(texts[i], done[i]))))[0];
                    assertThat(Logits.relativeError(actual[j], solo)).as("%s seq %d at %d against alone", family, i, done[i])
                            .isLessThan(1e-4);
                    if (ch.tokens().length > 1 || done[i] == texts[i].length) { // the plain-Java reference is slow
                        assertThat(Logits.relativeError(actual[j], model.reference().nextTokenLogits(Arrays.copyOf(texts[i], done[i]))))
                                .as("%s seq %d at %d against the reference", family, i, done[i]).isLessThan(1e-4);
                    }
                }
                Arrays.fill(next, 1);                        // then everyone decodes
            }
        }
    }

    @Test
    void aBlockTableOutsideThePoolOrTooShortIsRefused() throws Exception {
        TinyModelFixture.write(dir, Family.LLAMA, Dtype.F32, false, 43);
        try (Decoder paged = DecoderLoader.load(dir, new DecoderOptions("cpu", 2, 0, 4 * B))) {
            assertThatThrownBy(() -> paged.forward(List.of(new SequenceChunk(0, 0, new int[] {1, 2}, new int[] {4}))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the pool of 4");
            assertThatThrownBy(() -> paged.forward(List.of(new SequenceChunk(0, 0, new int[B + 1], new int[] {0}))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot hold");
            assertThatThrownBy(() -> paged.forward(List.of(new SequenceChunk(1, 0, new int[3 * B]))))
                    .as("slot 1's run of a full context does not fit a pool of 4 blocks")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slot 1");
        }
    }
}
