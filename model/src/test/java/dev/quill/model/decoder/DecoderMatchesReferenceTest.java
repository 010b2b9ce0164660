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
import java.util.Random;

/**
 * The DJL forward pass, loaded through the real folder-loading path, against the independent
 * plain-Java reference of each family: every position's logits within 1e-4 relative.
 */
class DecoderMatchesReferenceTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Family.class)
    void prefillLogitsMatchTheReferenceAtEveryPosition(Family family) throws Exception {
        TinyModel model = TinyModelFixture.write(dir, family, Dtype.F32, false, 11);
        int[] tokens = randomTokens(new Random(5), 40, model.vocabSize());
        float[][] expected = model.reference().logits(tokens);
        try (Decoder decoder = DecoderLoader.load(dir, DecoderOptions.cpu(2, 0))) {
            float[][] actual = decoder.forwardAllPositions(new SequenceChunk(1, 0, tokens));
            assertThat(actual.length).isEqualTo(expected.length);
            for (int t = 0; t < tokens.length; t++) {
                assertThat(Logits.relativeError(actual[t], expected[t]))
                        .as("%s position %d", family, t).isLessThan(1e-4);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void aBatchOfDifferentLengthsMatchesTheReferencePerSequence(Family family) throws Exception {
        TinyModel model = TinyModelFixture.write(dir, family, Dtype.F32, false, 12);
        Random rnd = new Random(9);
        int[][] prompts = {randomTokens(rnd, 7, model.vocabSize()), randomTokens(rnd, 23, model.vocabSize()),
                randomTokens(rnd, 1, model.vocabSize())};
        try (Decoder decoder = DecoderLoader.load(dir, DecoderOptions.cpu(4, 0))) {
            float[][] actual = decoder.forward(java.util.List.of(
                    new SequenceChunk(3, 0, prompts[0]), new SequenceChunk(0, 0, prompts[1]),
                    new SequenceChunk(2, 0, prompts[2])));
            for (int i = 0; i < prompts.length; i++) {
                float[] expected = model.reference().nextTokenLogits(prompts[i]);
                assertThat(Logits.relativeError(actual[i], expected)).as("%s sequence %d", family, i).isLessThan(1e-4);
            }
        }
    }

    static int[] randomTokens(Random rnd, int n, int vocab) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = rnd.nextInt(vocab);
        }
        return t;
    }
}
