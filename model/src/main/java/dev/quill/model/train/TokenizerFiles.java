package dev.quill.model.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a learned vocabulary as HuggingFace tokenizer files: {@code tokenizer.json} (a BPE
 * model with ByteLevel pre-tokenizer, post-processor and decoder, which HF's {@code tokenizers}
 * and so DJL's HuggingFaceTokenizer load) and {@code tokenizer_config.json} (special tokens and
 * the ChatML chat template).
 *
 * <p>The special tokens follow the BPE vocabulary as added tokens, in {@link #SPECIAL_TOKENS} order.
 */
public final class TokenizerFiles {

    public static final String ENDOFTEXT = "<|endoftext|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    public static final List<String> SPECIAL_TOKENS = List.of(ENDOFTEXT, IM_START, IM_END);

    /** ChatML: {@code <|im_start|>role\ncontent<|im_end|>\n} per message, then the assistant's header. */
    public static final String CHATML_TEMPLATE =
            "{% for message in messages %}"
            + "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();

    private TokenizerFiles() {
    }

    /** The id a special token gets after {@code vocab}'s tokens. */
    public static int specialId(BpeVocabulary vocab, String special) {
        int i = SPECIAL_TOKENS.indexOf(special);
        if (i < 0) {
            throw new IllegalArgumentException("not a special token: " + special);
        }
        return vocab.size() + i;
    }

    /** Every id: the BPE tokens and the special tokens. */
    public static int vocabSize(BpeVocabulary vocab) {
        return vocab.size() + SPECIAL_TOKENS.size();
    }

    public static void write(Path dir, BpeVocabulary vocab, int contextLength) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), GSON.toJson(tokenizerJson(vocab)), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("tokenizer_config.json"), GSON.toJson(tokenizerConfig(vocab, contextLength)),
                StandardCharsets.UTF_8);
    }

    private static Map<String, Object> tokenizerJson(BpeVocabulary vocab) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (int id = 0; id < vocab.size(); id++) {
            ids.put(vocab.tokens().get(id), id);
        }
        List<Map<String, Object>> added = new ArrayList<>();
        for (String special : SPECIAL_TOKENS) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", specialId(vocab, special));
            t.put("content", special);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
            added.add(t);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("vocab", ids);
        model.put("merges", vocab.merges());

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", "1.0");
        json.put("truncation", null);
        json.put("padding", null);
        json.put("added_tokens", added);
        json.put("normalizer", null);
        json.put("pre_tokenizer", byteLevel(false, true));
        json.put("post_processor", byteLevel(true, false));
        json.put("decoder", byteLevel(true, true));
        json.put("model", model);
        return json;
    }

    private static Map<String, Object> tokenizerConfig(BpeVocabulary vocab, int contextLength) {
        Map<String, Object> decoder = new LinkedHashMap<>();
        for (String special : SPECIAL_TOKENS) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("content", special);
            t.put("lstrip", false);
            t.put("normalized", false);
            t.put("rstrip", false);
            t.put("single_word", false);
            t.put("special", true);
            decoder.put(Integer.toString(specialId(vocab, special)), t);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("add_bos_token", false);
        json.put("add_prefix_space", false);
        json.put("added_tokens_decoder", decoder);
        json.put("additional_special_tokens", List.of(IM_START, IM_END));
        json.put("bos_token", null);
        json.put("chat_template", CHATML_TEMPLATE);
        json.put("clean_up_tokenization_spaces", false);
        json.put("eos_token", IM_END);
        json.put("errors", "replace");
        json.put("model_max_length", contextLength);
        json.put("pad_token", ENDOFTEXT);
        json.put("tokenizer_class", "PreTrainedTokenizerFast");
        json.put("unk_token", null);
        return json;
    }

    private static Map<String, Object> byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "ByteLevel");
        m.put("add_prefix_space", addPrefixSpace);
        m.put("trim_offsets", trimOffsets);
        m.put("use_regex", true);
        return m;
    }
}
