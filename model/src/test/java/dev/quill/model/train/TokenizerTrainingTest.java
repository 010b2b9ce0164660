package dev.quill.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.template.ChatMessage;
import dev.quill.model.template.ChatTemplate;
import dev.quill.model.tokenizer.TextTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** The BPE trainer and the tokenizer files it writes, loaded back through DJL's HuggingFace tokenizer. */
class TokenizerTrainingTest {

    private static final List<String> TEXT = List.of(
            "attention attention attention is all you need",
            "the attention scores are divided by sqrt(d_k) before softmax",
            "keys and values are cached; the cache grows with every token",
            "Zürich, naïve café 你好 😀 — bytes never go unknown");

    @TempDir
    Path dir;

    @Test
    void byteAlphabetFollowsGpt2() {
        List<String> a = ByteLevel.alphabet();
        assertThat(a).hasSize(256).doesNotHaveDuplicates();
        assertThat(a.get(0)).isEqualTo("!");
        assertThat(a.get(220)).isEqualTo("Ġ"); // the space byte
        assertThat(ByteLevel.encode(" hi\n")).isEqualTo("ĠhiĊ");
        assertThat(ByteLevel.split("Hello, world's  end")).containsExactly("Hello", ",", " world", "'s", " ", " end");
    }

    @Test
    void mergesFrequentPairsDeterministicallyAndStopsAtTheLimit() {
        BpeVocabulary v = BpeTrainer.train(TEXT, 270, 2);
        assertThat(v.size()).isEqualTo(270);
        assertThat(v.merges()).hasSize(270 - 256);
        assertThat(BpeTrainer.train(TEXT, 270, 2)).isEqualTo(v);
        // with no limit it runs until no pair occurs twice
        BpeVocabulary all = BpeTrainer.train(TEXT, 100_000, 2);
        assertThat(all.size()).isLessThan(100_000).isGreaterThan(270);
        assertThat(all.tokens()).contains("Ġattention");
    }

    @Test
    void writtenTokenizerRoundTripsTextAndKnowsTheChatMarkup() throws Exception {
        BpeVocabulary v = BpeTrainer.train(TEXT, 100_000, 2);
        TokenizerFiles.write(dir, v, 128);
        try (TextTokenizer t = TextTokenizer.load(dir)) {
            for (String s : TEXT) {
                int[] ids = t.encodeContent(s);
                assertThat(t.decode(ids)).isEqualTo(s);
            }
            assertThat(t.encodeContent(" attention attention")).hasSize(2); // " attention" twice
            assertThat(t.addedTokenId(TokenizerFiles.IM_END)).isEqualTo(TokenizerFiles.specialId(v, TokenizerFiles.IM_END));
            ChatTemplate template = ChatTemplate.of(TokenizerFiles.CHATML_TEMPLATE, null, TokenizerFiles.IM_END);
            TrainingExample e = TrainingExample.encode(List.of(new ChatMessage("user", "what is attention?"),
                    new ChatMessage("assistant", "attention is all you need")), template, t);
            assertThat(e.ids()[0]).isEqualTo(TokenizerFiles.specialId(v, TokenizerFiles.IM_START));
            // the targets are exactly the answer, its <|im_end|> and the newline after it
            StringBuilder answer = new StringBuilder();
            int first = -1;
            for (int i = 0; i < e.ids().length; i++) {
                if (e.target()[i]) {
                    first = first < 0 ? i : first;
                    answer.append(t.decode(new int[] {e.ids()[i]}));
                }
            }
            assertThat(answer.toString()).isEqualTo("attention is all you need\n");
            assertThat(e.ids()[e.ids().length - 2]).isEqualTo(TokenizerFiles.specialId(v, TokenizerFiles.IM_END));
            assertThat(t.decode(java.util.Arrays.copyOf(e.ids(), first))).isEqualTo("user\nwhat is attention?\nassistant\n");
            // two conversations joined token by token are the joined conversation, targets and all
            TrainingExample second = TrainingExample.encode(List.of(new ChatMessage("user", "and the cache?"),
                    new ChatMessage("assistant", "keys and values are cached")), template, t);
            TrainingExample both = TrainingExample.encode(List.of(new ChatMessage("user", "what is attention?"),
                    new ChatMessage("assistant", "attention is all you need"), new ChatMessage("user", "and the cache?"),
                    new ChatMessage("assistant", "keys and values are cached")), template, t);
            TrainingExample joined = TrainingExample.concat(e, second);
            assertThat(joined.ids()).containsExactly(both.ids());
            assertThat(joined.target()).containsExactly(both.target());
        }
    }
}
