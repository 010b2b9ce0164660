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
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** fp16, bf16 and sharded checkpoints load to the same model as a single fp32 file. */
class CheckpointFormatsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Family.class)
    void halfPrecisionCheckpointsGiveTheSameGreedyTokensAsFp32(Family family) throws Exception {
        TinyModelFixture.write(dir.resolve("f32"), family, Dtype.F32, false, 31);
        TinyModelFixture.write(dir.resolve("f16"), family, Dtype.F16, false, 31);
        TinyModel bf16 = TinyModelFixture.write(dir.resolve("bf16"), family, Dtype.BF16, false, 31);
        int[] prompt = DecoderMatchesReferenceTest.randomTokens(new Random(8), 6, bf16.vocabSize());
        int[] expected = greedy(dir.resolve("f32"), prompt, 40);
        assertThat(greedy(dir.resolve("f16"), prompt, 40)).containsExactly(expected);
        assertThat(greedy(dir.resolve("bf16"), prompt, 40)).containsExactly(expected);
        // and the tokens are the reference's, so all three are right, not merely alike
        assertThat(bf16.reference().greedy(prompt, 40)).containsExactly(expected);
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void aShardedCheckpointLoadsTheSameWeights(Family family) throws Exception {
        TinyModel sharded = TinyModelFixture.write(dir.resolve("sharded"), family, Dtype.BF16, true, 32);
        assertThat(dir.resolve("sharded/model.safetensors.index.json")).exists();
        assertThat(dir.resolve("sharded/model.safetensors")).doesNotExist();
        int[] tokens = DecoderMatchesReferenceTest.randomTokens(new Random(2), 12, sharded.vocabSize());
        try (Decoder decoder = DecoderLoader.load(dir.resolve("sharded"), DecoderOptions.cpu(1, 0))) {
            float[] logits = decoder.forward(List.of(new SequenceChunk(0, 0, tokens)))[0];
            assertThat(Logits.relativeError(logits, sharded.reference().nextTokenLogits(tokens))).isLessThan(1e-4);
        }
    }

    private static int[] greedy(Path model, int[] prompt, int steps) {
        try (Decoder decoder = DecoderLoader.load(model, DecoderOptions.cpu(1, 0))) {
            int[] out = new int[steps];
            float[] logits = decoder.forward(List.of(new SequenceChunk(0, 0, prompt)))[0];
            for (int i = 0; i < steps; i++) {
                out[i] = Logits.argmax(logits);
                logits = decoder.forward(List.of(new SequenceChunk(0, prompt.length + i, new int[] {out[i]})))[0];
            }
            return Arrays.copyOf(out, steps);
        }
    }
}
