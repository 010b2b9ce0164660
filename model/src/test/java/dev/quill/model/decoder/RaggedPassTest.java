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
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * One packed (ragged) pass over a mix of decodes and prompt chunks of different lengths and start
 * positions, in scattered slots, against running each chunk alone in its own pass on a second
 * decoder, and against the independent reference; then a step of decodes over what the packed
 * pass wrote, so its cache writes are checked too.
 */
class RaggedPassTest {

    /** Per sequence: slot, tokens already cached (start), tokens in the packed pass. */
    private static final int[][] MIX = {
            {5, 9, 1},   // a decode after 9 tokens
            {0, 0, 17},  // a whole prompt
            {3, 6, 4},   // a middle chunk of a prompt
            {1, 30, 1},  // a decode after 30 tokens
            {2, 0, 1},   // a one-token prompt
            {4, 12, 23}, // the last chunk of a long prompt
    };

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Family.class)
    void aPackedPassOfDecodesAndPromptChunksEqualsEachChunkAlone(Family family) throws Exception {
        TinyModel model = TinyModelFixture.write(dir, family, Dtype.F32, false, 31);
        Random rnd = new Random(8);
        int[][] texts = new int[MIX.length][];
        for (int i = 0; i < MIX.length; i++) {
            texts[i] = DecoderMatchesReferenceTest.randomTokens(rnd, MIX[i][1] + MIX[i][2] + 1, model.vocabSize());
        }
        try (Decoder packed = DecoderLoader.load(dir, DecoderOptions.cpu(6, 0));
             Decoder alone = DecoderLoader.load(dir, DecoderOptions.cpu(6, 0))) {
            long baseline = packed.liveArrays();
            // The cached prefixes: one packed pass on one decoder, one pass each on the other.
            List<SequenceChunk> prefixes = new ArrayList<>();
            for (int i = 0; i < MIX.length; i++) {
                if (MIX[i][1] > 0) {
                    SequenceChunk c = new SequenceChunk(MIX[i][0], 0, Arrays.copyOf(texts[i], MIX[i][1]));
                    prefixes.add(c);
                    alone.forward(List.of(c));
                }
            }
            packed.forward(prefixes);

            List<SequenceChunk> mix = new ArrayList<>();
            for (int i = 0; i < MIX.length; i++) {
                mix.add(new SequenceChunk(MIX[i][0], MIX[i][1], Arrays.copyOfRange(texts[i], MIX[i][1], MIX[i][1] + MIX[i][2])));
            }
            float[][] actual = packed.forward(mix);
            assertThat(actual).hasNumberOfRows(MIX.length);
            for (int i = 0; i < MIX.length; i++) {
                float[] expected = alone.forward(List.of(mix.get(i)))[0];
                assertThat(Logits.relativeError(actual[i], expected)).as("%s chunk %d against alone", family, i)
                        .isLessThan(1e-4);
                assertThat(Logits.relativeError(actual[i], model.reference().nextTokenLogits(Arrays.copyOf(texts[i], mix.get(i).end()))))
                        .as("%s chunk %d against the reference", family, i).isLessThan(1e-4);
            }

            // Everyone decodes the text's last token, packed: reads what the mixed pass wrote.
            List<SequenceChunk> decodes = new ArrayList<>();
            for (int i = 0; i < MIX.length; i++) {
                decodes.add(new SequenceChunk(MIX[i][0], texts[i].length - 1, new int[] {texts[i][texts[i].length - 1]}));
            }
            float[][] next = packed.forward(decodes);
            for (int i = 0; i < MIX.length; i++) {
                assertThat(Logits.relativeError(next[i], model.reference().nextTokenLogits(texts[i])))
                        .as("%s decode %d after the mixed pass", family, i).isLessThan(1e-4);
            }
            assertThat(packed.liveArrays()).isEqualTo(baseline);
        }
    }

    /**
     * Every position of a chunk that starts past 0 sees its cached prefix and its own earlier
     * tokens, never a later one: all positions' logits against the reference.
     */
    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"GPT2", "LLAMA"})
    void aChunkAfterACachedPrefixMasksCausallyAtEveryPosition(Family family) throws Exception {
        TinyModel model = TinyModelFixture.write(dir, family, Dtype.F32, false, 32);
        int[] text = DecoderMatchesReferenceTest.randomTokens(new Random(2), 29, model.vocabSize());
        float[][] expected = model.reference().logits(text);
        try (Decoder decoder = DecoderLoader.load(dir, DecoderOptions.cpu(3, 0))) {
            decoder.forward(List.of(new SequenceChunk(2, 0, Arrays.copyOf(text, 11))));
            float[][] actual = decoder.forwardAllPositions(new SequenceChunk(2, 11, Arrays.copyOfRange(text, 11, 29)));
            for (int t = 0; t < actual.length; t++) {
                assertThat(Logits.relativeError(actual[t], expected[11 + t])).as("%s position %d", family, 11 + t)
                        .isLessThan(1e-4);
            }
        }
    }
}
