package dev.quill.model.bench;

import dev.quill.model.tokenizer.TextTokenizer;
import dev.quill.model.train.BpeVocabulary;
import dev.quill.model.train.ByteLevel;
import dev.quill.model.train.TokenizerFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LoadTestModelTest {

    @Test
    void vocabularyHasExactlyTheIdsAskedForAndEveryMergeBuildsOnEarlierTokens() {
        BpeVocabulary v = LoadTestModel.vocabulary(50254);
        assertThat(v.size()).isEqualTo(50254);
        assertThat(new HashSet<>(v.tokens())).hasSize(50254);
        assertThat(v.tokens().subList(0, 256)).isEqualTo(ByteLevel.alphabet());
        Set<String> known = new HashSet<>(ByteLevel.alphabet());
        for (int i = 0; i < v.merges().size(); i++) {
            String[] parts = v.merges().get(i).split(" ");
            assertThat(known).contains(parts[0], parts[1]);
            assertThat(v.tokens().get(256 + i)).isEqualTo(parts[0] + parts[1]);
            known.add(parts[0] + parts[1]);
        }
    }

    @Test
    void englishRoundTripsAtAFewTokensPerWord(@TempDir Path dir) throws Exception {
        BpeVocabulary v = LoadTestModel.vocabulary(50254);
        TokenizerFiles.write(dir, v, 1024);
        TextTokenizer t = TextTokenizer.load(dir);
        String text = "the quick brown fox jumps over the lazy dog while people watch";
        int[] ids = t.encodePrompt(text);
        assertThat(ids.length).isBetween(12, 36);
        assertThat(t.decode(ids)).isEqualTo(text);
        assertThat(List.of(text.split(" "))).hasSize(12);
    }
}
