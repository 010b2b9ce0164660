package dev.quill.model.testing;

import com.google.gson.GsonBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a tiny GPT-2-style byte-level BPE tokenizer: {@code tokenizer.json} (loadable by HuggingFace
 * {@code tokenizers}, hence by DJL's {@code HuggingFaceTokenizer}) and {@code tokenizer_config.json}
 * (special tokens, {@code added_tokens_decoder}, a ChatML {@code chat_template}).
 *
 * <p>The vocabulary is: the 256 byte-level characters (ids 0–255, in GPT-2's order, so {@code "!"}
 * is 0 and {@code "Ġ"} — the space byte — is 220), then {@value #MERGE_COUNT} merges learned from a
 * small built-in English text (with a little Chinese and emoji, so some tokens hold partial UTF-8
 * characters), then the {@link #SPECIAL_TOKENS} as added tokens with {@code special: true}. It is
 * learned once per JVM and is the same on every run.
 */
public final class TinyTokenizerWriter {

    public static final String ENDOFTEXT = "<|endoftext|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    /** Added after the BPE vocabulary, in this order. */
    public static final List<String> SPECIAL_TOKENS = List.of(ENDOFTEXT, IM_START, IM_END);
    /** How many merges are learned; every merge adds a token unless its result already exists. */
    public static final int MERGE_COUNT = 200;

    /** ChatML, as Qwen2 writes it (literal newlines inside the Jinja strings), without a default system turn. */
    public static final String CHATML_TEMPLATE =
            "{% for message in messages %}"
            + "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    /** GPT-2's pre-tokenizer split, the one the ByteLevel pre-tokenizer applies with use_regex=true. */
    private static final Pattern GPT2_SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    private static final String CORPUS = """
            The quick brown fox jumps over the lazy dog. The dog sleeps in the sun, and the fox runs \
            into the forest. A small model can learn a little about the world from a little text.
            Once upon a time there was a little girl who lived in a village near the forest. Whenever \
            she went out, the little girl wore a red riding cloak, so everyone in the village called \
            her Little Red Riding Hood. One morning she asked her mother if she could go to visit her \
            grandmother, as it had been a while since they had seen each other.
            Hello! How are you today? I am fine, thank you. What is your name? My name is Quill, and I \
            am a chat assistant. I can answer questions, write stories and help you with your work.
            The weather is nice today. It is sunny and warm, with a light wind from the sea. Tomorrow \
            it will rain in the morning and clear up in the evening.
            There are 3 apples and 12 oranges on the table; 15 pieces of fruit in all. Numbers like \
            2024, 42 and 1000 appear in text, and so do symbols: (a + b) * c = d, "quotes", it's, \
            don't, we're, they've, I'm, you'll, he'd.
            Programming is the art of telling a computer what to do. A function takes input and \
            returns output. The server streams tokens to the client as soon as they are generated.
            中文很好。我们说中文。你好，世界！ 😀 🙂 😀 Let us smile 😀 and say hello 你好.
            """;

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final Map<Character, Integer> CHAR_TO_BYTE = new HashMap<>();
    private static final List<Integer> BYTE_ORDER = new ArrayList<>(); // base vocabulary order

    static {
        // GPT-2's bytes_to_unicode(): printable Latin-1 bytes map to themselves, the other 68 bytes
        // to U+0100.. in byte order, so every byte is a visible, non-space character.
        for (int b = '!'; b <= '~'; b++) BYTE_ORDER.add(b);
        for (int b = 0xA1; b <= 0xAC; b++) BYTE_ORDER.add(b);
        for (int b = 0xAE; b <= 0xFF; b++) BYTE_ORDER.add(b);
        List<Integer> printable = new ArrayList<>(BYTE_ORDER);
        for (int b : printable) BYTE_TO_CHAR[b] = (char) b;
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (!printable.contains(b)) {
                BYTE_ORDER.add(b);
                BYTE_TO_CHAR[b] = (char) (256 + n++);
            }
        }
        for (int b = 0; b < 256; b++) CHAR_TO_BYTE.put(BYTE_TO_CHAR[b], b);
    }

    private static volatile Vocabulary vocabulary;

    private TinyTokenizerWriter() {}

    /**
     * The learned vocabulary.
     *
     * @param tokens id → token, byte-level encoded, special tokens last
     * @param merges in rank order, each {@code "left right"}
     */
    public record Vocabulary(List<String> tokens, List<String> merges) {
        /** The number of ids, special tokens included: the model's {@code vocab_size}. */
        public int size() {
            return tokens.size();
        }

        /** The id of a token (byte-level form, or a special token's content). */
        public int id(String token) {
            int id = tokens.indexOf(token);
            if (id < 0) {
                throw new IllegalArgumentException("not in vocabulary: " + token);
            }
            return id;
        }

        /** The number of ordinary (BPE) tokens; special tokens have ids from here on. */
        public int bpeSize() {
            return tokens.size() - SPECIAL_TOKENS.size();
        }
    }

    /** The vocabulary, learned on first use. */
    public static Vocabulary vocabulary() {
        Vocabulary v = vocabulary;
        if (v == null) {
            synchronized (TinyTokenizerWriter.class) {
                if (vocabulary == null) {
                    vocabulary = learn();
                }
                v = vocabulary;
            }
        }
        return v;
    }

    /** The id of one of {@link #SPECIAL_TOKENS}. */
    public static int specialId(String content) {
        return vocabulary().id(content);
    }

    /** Text bytes (UTF-8) in GPT-2's byte-level alphabet: {@code " hi"} → {@code "Ġhi"}. */
    public static String toByteLevel(String text) {
        StringBuilder sb = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            sb.append(BYTE_TO_CHAR[b & 0xFF]);
        }
        return sb.toString();
    }

    /** The bytes a byte-level token stands for (may be part of a UTF-8 character). */
    public static byte[] tokenBytes(String byteLevelToken) {
        byte[] out = new byte[byteLevelToken.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (int) CHAR_TO_BYTE.get(byteLevelToken.charAt(i));
        }
        return out;
    }

    /** Writes {@code dir/tokenizer.json}. */
    public static Path writeTokenizerJson(Path dir) throws IOException {
        Vocabulary v = vocabulary();
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int id = 0; id < v.bpeSize(); id++) {
            vocab.put(v.tokens().get(id), id);
        }
        List<Map<String, Object>> added = new ArrayList<>();
        for (String special : SPECIAL_TOKENS) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", v.id(special));
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
        model.put("vocab", vocab);
        model.put("merges", v.merges());

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
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, gson().toJson(json), StandardCharsets.UTF_8);
        return file;
    }

    /**
     * Writes {@code dir/tokenizer_config.json}.
     *
     * @param bos the bos token content, or {@code null} (written as JSON null, as Qwen2 does)
     * @param eos the eos token content
     * @param pad the pad token content, or {@code null}
     * @param addedTokenObjects write bos/eos/pad as {@code {"__type": "AddedToken", "content": ...}}
     *     objects (as many real configs do) instead of plain strings
     * @param tokenizerClass e.g. {@code GPT2Tokenizer}, {@code PreTrainedTokenizerFast}
     * @param modelMaxLength the model's context length
     */
    public static Path writeTokenizerConfig(Path dir, String bos, String eos, String pad,
                                            boolean addedTokenObjects, String tokenizerClass,
                                            int modelMaxLength) throws IOException {
        Vocabulary v = vocabulary();
        Map<String, Object> decoder = new LinkedHashMap<>();
        for (String special : SPECIAL_TOKENS) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("content", special);
            t.put("lstrip", false);
            t.put("normalized", false);
            t.put("rstrip", false);
            t.put("single_word", false);
            t.put("special", true);
            decoder.put(Integer.toString(v.id(special)), t);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("add_bos_token", false);
        json.put("add_prefix_space", false);
        json.put("added_tokens_decoder", decoder);
        json.put("additional_special_tokens", List.of(IM_START, IM_END));
        json.put("bos_token", specialTokenValue(bos, addedTokenObjects));
        json.put("chat_template", CHATML_TEMPLATE);
        json.put("clean_up_tokenization_spaces", false);
        json.put("eos_token", specialTokenValue(eos, addedTokenObjects));
        json.put("errors", "replace");
        json.put("model_max_length", modelMaxLength);
        json.put("pad_token", specialTokenValue(pad, addedTokenObjects));
        json.put("tokenizer_class", tokenizerClass);
        json.put("unk_token", null);
        Path file = dir.resolve("tokenizer_config.json");
        Files.writeString(file, gson().toJson(json), StandardCharsets.UTF_8);
        return file;
    }

    private static Object specialTokenValue(String content, boolean addedTokenObject) {
        if (content == null || !addedTokenObject) {
            return content;
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("__type", "AddedToken");
        t.put("content", content);
        t.put("lstrip", false);
        t.put("normalized", true);
        t.put("rstrip", false);
        t.put("single_word", false);
        return t;
    }

    private static Map<String, Object> byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "ByteLevel");
        m.put("add_prefix_space", addPrefixSpace);
        m.put("trim_offsets", trimOffsets);
        m.put("use_regex", true);
        return m;
    }

    private static com.google.gson.Gson gson() {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();
    }

    // ---- BPE training ---------------------------------------------------------------------------

    /**
     * Classic BPE training: split the corpus with GPT-2's regex, spell each piece in byte-level
     * characters, then repeatedly merge the most frequent adjacent pair (ties: the lexicographically
     * smallest "left right"), counting each piece by its frequency.
     */
    private static Vocabulary learn() {
        Map<String, Integer> pieceCounts = new TreeMap<>();
        Matcher m = GPT2_SPLIT.matcher(CORPUS);
        while (m.find()) {
            pieceCounts.merge(toByteLevel(m.group()), 1, Integer::sum);
        }
        List<List<String>> words = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (Map.Entry<String, Integer> e : pieceCounts.entrySet()) {
            List<String> symbols = new ArrayList<>();
            for (char c : e.getKey().toCharArray()) symbols.add(String.valueOf(c));
            words.add(symbols);
            counts.add(e.getValue());
        }

        List<String> tokens = new ArrayList<>();
        for (int b : BYTE_ORDER) tokens.add(String.valueOf(BYTE_TO_CHAR[b]));
        List<String> merges = new ArrayList<>();
        for (int round = 0; round < MERGE_COUNT; round++) {
            Map<String, Integer> pairCounts = new TreeMap<>(); // "left right" → count, sorted for ties
            for (int w = 0; w < words.size(); w++) {
                List<String> s = words.get(w);
                for (int i = 0; i + 1 < s.size(); i++) {
                    pairCounts.merge(s.get(i) + " " + s.get(i + 1), counts.get(w), Integer::sum);
                }
            }
            if (pairCounts.isEmpty()) {
                break;
            }
            String best = Collections.max(pairCounts.entrySet(), (a, b) -> a.getValue() != b.getValue().intValue()
                    ? Integer.compare(a.getValue(), b.getValue())
                    : b.getKey().compareTo(a.getKey())).getKey();
            String left = best.substring(0, best.indexOf(' '));
            String right = best.substring(best.indexOf(' ') + 1);
            merges.add(best);
            if (!tokens.contains(left + right)) {
                tokens.add(left + right);
            }
            for (List<String> s : words) {
                for (int i = 0; i + 1 < s.size(); i++) {
                    if (s.get(i).equals(left) && s.get(i + 1).equals(right)) {
                        s.set(i, left + right);
                        s.remove(i + 1);
                    }
                }
            }
        }
        tokens.addAll(SPECIAL_TOKENS);
        return new Vocabulary(List.copyOf(tokens), List.copyOf(merges));
    }
}
