package dev.quill.model.testing;

import static dev.quill.model.testing.TinyTokenizerWriter.ENDOFTEXT;
import static dev.quill.model.testing.TinyTokenizerWriter.IM_END;
import static dev.quill.model.testing.TinyTokenizerWriter.IM_START;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TinyTokenizerWriterTest {

    /** What a streaming decoder wants from DJL: no truncation at 512, no padding, no added specials. */
    private static final Map<String, String> PLAIN =
            Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

    @TempDir
    static Path dir;

    private static HuggingFaceTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        TinyTokenizerWriter.writeTokenizerJson(dir);
        TinyTokenizerWriter.writeTokenizerConfig(dir, ENDOFTEXT, ENDOFTEXT, null, true, "GPT2Tokenizer", 128);
        tokenizer = HuggingFaceTokenizer.newInstance(dir, PLAIN);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void vocabularyIsBytesThenMergesThenSpecials() {
        TinyTokenizerWriter.Vocabulary v = TinyTokenizerWriter.vocabulary();
        assertThat(v.size()).isBetween(300, 512);
        assertThat(v.tokens().get(0)).isEqualTo("!");
        assertThat(v.tokens().get(220)).isEqualTo("Ġ"); // the space byte, as in GPT-2
        assertThat(v.tokens().get(198)).isEqualTo("Ċ"); // '\n'
        assertThat(v.tokens().subList(v.size() - 3, v.size())).containsExactly(ENDOFTEXT, IM_START, IM_END);
        assertThat(v.merges()).hasSize(TinyTokenizerWriter.MERGE_COUNT);
        for (String merge : v.merges()) {
            String[] parts = merge.split(" ");
            assertThat(parts).hasSize(2);
            assertThat(v.tokens()).contains(parts[0], parts[1], parts[0] + parts[1]);
        }
        assertThat(v.tokens()).doesNotHaveDuplicates();
    }

    @Test
    void someTokensHoldPartialUtf8Characters() {
        // streaming detokenizers must cope with these: a token that is not valid UTF-8 on its own
        long partial = TinyTokenizerWriter.vocabulary().tokens().stream()
                .filter(t -> !TinyTokenizerWriter.SPECIAL_TOKENS.contains(t))
                .filter(t -> t.length() > 1 && !isUtf8(TinyTokenizerWriter.tokenBytes(t)))
                .count();
        assertThat(partial).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Hello world! The quick brown fox jumps over the lazy dog.",
        "中文很好。我们说中文。",
        "smile 😀!😀😀",
        "mixed: café, naïve, 中文 and 😀 in one line",
        "  leading spaces, \ttabs,\n\nnew lines and trailing spaces  ",
        "it's don't we're 2024 (a + b) * c = d",
        "",
    })
    void roundTripsByteExactlyThroughDjl(String text) {
        Encoding encoding = tokenizer.encode(text);
        String decoded = tokenizer.decode(encoding.getIds());
        assertThat(decoded.getBytes(StandardCharsets.UTF_8)).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void mergesAreUsed() {
        String text = "The little girl went into the forest with her mother.";
        assertThat(tokenizer.encode(text).getIds().length).isLessThan(text.length() / 2);
    }

    @Test
    void specialTokensInTextEncodeToOneId() {
        long imEnd = TinyTokenizerWriter.specialId(IM_END);
        long imStart = TinyTokenizerWriter.specialId(IM_START);
        assertThat(tokenizer.encode(IM_END).getIds()).containsExactly(imEnd);

        Encoding chat = tokenizer.encode("<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n");
        long[] ids = chat.getIds();
        assertThat(ids[0]).isEqualTo(imStart);
        assertThat(Arrays.stream(ids).filter(id -> id == imEnd).count()).isEqualTo(1);
        assertThat(Arrays.stream(ids).filter(id -> id == imStart).count()).isEqualTo(2);
        // HF's special_tokens_mask flags only tokens the post-processor added, not specials in the text
        assertThat(chat.getSpecialTokenMask()[0]).isZero();

        assertThat(tokenizer.decode(ids, false)).isEqualTo("<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n");
        assertThat(tokenizer.decode(ids, true)).isEqualTo("user\nHi there\nassistant\n");
    }

    /** Pins DJL's defaults, which a decoder must override: see {@link #PLAIN}. */
    @Test
    void djlDefaultsTruncateAt512Tokens() throws IOException {
        String longText = "The quick brown fox jumps over the lazy dog. ".repeat(100); // > 512 tokens
        try (HuggingFaceTokenizer defaults = HuggingFaceTokenizer.newInstance(dir, Map.of())) {
            Encoding e = defaults.encode(longText);
            assertThat(e.getIds()).hasSize(512);
            assertThat(e.exceedMaxLength()).isTrue();
            // byte-level BPE adds no bos/eos even with addSpecialTokens=true (the default)
            assertThat(defaults.encode("Hello").getIds()).isEqualTo(tokenizer.encode("Hello").getIds());
        }
        assertThat(tokenizer.encode(longText).getIds().length).isGreaterThan(512);
        assertThat(tokenizer.decode(tokenizer.encode(longText).getIds())).isEqualTo(longText);
    }

    @Test
    void tokenizerConfigCarriesAddedTokenObjectsAndTheTemplate(@TempDir Path other) throws IOException {
        Path file = TinyTokenizerWriter.writeTokenizerConfig(other, ENDOFTEXT, IM_END, null, true, "GPT2Tokenizer", 128);
        JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        JsonObject bos = json.getAsJsonObject("bos_token");
        assertThat(bos.get("__type").getAsString()).isEqualTo("AddedToken");
        assertThat(bos.get("content").getAsString()).isEqualTo(ENDOFTEXT);
        assertThat(json.getAsJsonObject("eos_token").get("content").getAsString()).isEqualTo(IM_END);
        assertThat(json.get("pad_token").isJsonNull()).isTrue();
        assertThat(json.get("model_max_length").getAsInt()).isEqualTo(128);
        JsonObject decoder = json.getAsJsonObject("added_tokens_decoder");
        assertThat(decoder.getAsJsonObject(Integer.toString(TinyTokenizerWriter.specialId(IM_END)))
                .get("content").getAsString()).isEqualTo(IM_END);
        assertThat(json.get("chat_template").getAsString())
                .contains("<|im_start|>", "<|im_end|>", "add_generation_prompt", "\n");

        Path plain = TinyTokenizerWriter.writeTokenizerConfig(other, null, IM_END, ENDOFTEXT, false, "Qwen2Tokenizer", 256);
        JsonObject qwen = JsonParser.parseString(Files.readString(plain)).getAsJsonObject();
        assertThat(qwen.get("bos_token").isJsonNull()).isTrue();
        assertThat(qwen.get("eos_token").getAsString()).isEqualTo(IM_END);
        assertThat(qwen.get("pad_token").getAsString()).isEqualTo(ENDOFTEXT);
    }

    /** Pinned: every fixture's vocab_size and special ids follow from these; change them knowingly. */
    @Test
    void vocabularyIsPinned() {
        assertThat(TinyTokenizerWriter.vocabulary().size()).isEqualTo(459);
        assertThat(TinyTokenizerWriter.specialId(ENDOFTEXT)).isEqualTo(456);
        assertThat(TinyTokenizerWriter.specialId(IM_START)).isEqualTo(457);
        assertThat(TinyTokenizerWriter.specialId(IM_END)).isEqualTo(458);
        assertThat(tokenizer.encode(" the").getIds()).containsExactly(TinyTokenizerWriter.vocabulary().id("Ġthe"));
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
