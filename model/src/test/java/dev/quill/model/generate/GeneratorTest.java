package dev.quill.model.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quill.model.LanguageModel;
import dev.quill.model.decoder.ContextOverflowException;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.sampling.SamplingParams;
import dev.quill.model.testing.Dtype;
import dev.quill.model.testing.Family;
import dev.quill.model.testing.TinyModelFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** End-to-end generation on a tiny Llama-family model: sampling, stops, limits. */
class GeneratorTest {

    @TempDir
    static Path dir;
    static LanguageModel model;
    static Generator generator;
    static int[] prompt;

    @BeforeAll
    static void load() throws Exception {
        TinyModelFixture.write(dir, Family.QWEN2, Dtype.F32, false, 41);
        model = LanguageModel.load(dir, DecoderOptions.cpu(1, 0));
        generator = new Generator(model.decoder(), model.tokenizer(), model.eosIds());
        prompt = model.encodePrompt("The quick brown fox");
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static SamplingParams.Builder params() {
        return SamplingParams.builder().maxTokens(40).ignoreEos(true);
    }

    @Test
    void theSameSeedGivesTheSameTextAndOtherSeedsDiffer() {
        SamplingParams seeded = params().temperature(1.0).topP(0.95).seed(1234L).build();
        Generation a = generator.generate(prompt, seeded, s -> { });
        Generation b = generator.generate(prompt, seeded, s -> { });
        assertThat(b.tokenIds()).containsExactly(a.tokenIds());
        assertThat(b.text()).isEqualTo(a.text());
        Set<String> others = new HashSet<>();
        for (long seed = 1; seed <= 4; seed++) {
            others.add(generator.generate(prompt, params().temperature(1.0).seed(seed).build(), s -> { }).text());
        }
        assertThat(others).hasSizeGreaterThan(1);
    }

    @Test
    void maxTokensEndsWithLengthAndStreamedPiecesMakeTheText() {
        List<String> pieces = new ArrayList<>();
        Generation g = generator.generate(prompt, params().temperature(0).maxTokens(17).build(), pieces::add);
        assertThat(g.tokenIds()).hasSize(17);
        assertThat(g.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(String.join("", pieces)).isEqualTo(g.text());
        assertThat(g.text()).isEqualTo(model.tokenizer().decode(g.tokenIds()));
    }

    @Test
    void aStopTokenEndsGenerationWithoutBeingStreamed() {
        int first = generator.generate(prompt, params().temperature(0).maxTokens(1).build(), s -> { }).tokenIds()[0];
        Generation g = generator.generate(prompt, params().temperature(0).stopTokenIds(Set.of(first)).build(), s -> { });
        assertThat(g.tokenIds()).isEmpty();
        assertThat(g.text()).isEmpty();
        assertThat(g.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void aStopStringSplitAcrossTokensIsCaughtAndNeverStreamed() {
        List<String> pieces = new ArrayList<>();
        Generation free = generator.generate(prompt, params().temperature(0).build(), pieces::add);
        // a stop string that starts inside one streamed piece and ends inside the next
        int k = -1;
        for (int i = 0; i + 1 < pieces.size(); i++) {
            if (pieces.get(i).length() >= 2 && !pieces.get(i + 1).isEmpty() && i > 2) {
                k = i;
                break;
            }
        }
        assertThat(k).as("pieces %s", pieces).isGreaterThan(0);
        String left = pieces.get(k);
        String stop = left.substring(left.length() - 2) + pieces.get(k + 1).charAt(0);
        int at = free.text().indexOf(stop);

        List<String> streamed = new ArrayList<>();
        Generation stopped = generator.generate(prompt, params().temperature(0).stopStrings(stop).build(), streamed::add);
        assertThat(stopped.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(stopped.text()).isEqualTo(free.text().substring(0, at));
        assertThat(String.join("", streamed)).isEqualTo(stopped.text()).doesNotContain(stop);
    }

    @Test
    void aPromptThatFillsTheContextIsRefusedClearly() {
        int[] tooLong = new int[model.decoder().maxLength()];
        assertThatThrownBy(() -> generator.generate(tooLong, params().build(), s -> { }))
                .isInstanceOf(ContextOverflowException.class)
                .hasMessageContaining("exceeds the context of " + model.decoder().maxLength());
    }

    @Test
    void generationStopsAtTheEndOfTheContext() {
        int room = 5;
        int[] longPrompt = new int[model.decoder().maxLength() - room];
        java.util.Arrays.fill(longPrompt, prompt[0]);
        Generation g = generator.generate(longPrompt, params().temperature(0).maxTokens(100).build(), s -> { });
        assertThat(g.tokenIds()).hasSize(room);
        assertThat(g.finishReason()).isEqualTo(FinishReason.LENGTH);
    }
}
