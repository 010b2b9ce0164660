package dev.quill.model.tokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.Map;
import java.util.Set;

/**
 * A lower bound on how many tokens a text needs, known without tokenizing it: no token covers
 * more characters than the longest entry of the vocabulary, so a text of {@code c} characters
 * needs at least {@code ceil(c / longest)} tokens. A server uses it to refuse a prompt that
 * cannot fit the context (or to drop history that cannot) before spending time on tokenizing it.
 *
 * <p>The bound holds only for tokenizers that keep every character of the input in some token.
 * It is known for BPE models (byte-level, or with byte fallback, or without an unknown token)
 * whose normalizer and pre-tokenizer never delete text. Two normalizers shrink text by a bounded
 * amount and are allowed: NFC/NFKC compose a base character with the marks after it, so marks
 * (and Hangul vowel and final jamo) are not counted; added tokens with {@code lstrip}/{@code rstrip}
 * swallow the whitespace next to them, so then whitespace is not counted. For anything else
 * ({@code Strip}, {@code StripAccents}, BERT's cleaning, WordPiece or Unigram models, whose unknown
 * token can cover a whole word) the bound is {@link #NONE}: zero, never wrong.
 *
 * <p>Immutable and thread-safe.
 */
public final class TokenBound {

    /** No bound known: every text may need as few as zero tokens. */
    public static final TokenBound NONE = new TokenBound(0, false, false);

    private static final Set<String> KEEPING_PRE_TOKENIZERS = Set.of(
            "ByteLevel", "Metaspace", "Digits", "Split", "Punctuation", "UnicodeScripts");
    private static final Set<String> LENGTHENING_NORMALIZERS = Set.of("NFD", "NFKD", "Lowercase", "Prepend");
    private static final Set<String> COMPOSING_NORMALIZERS = Set.of("NFC", "NFKC");

    private final int longestToken;
    private final boolean composes;
    private final boolean stripsWhitespace;

    private TokenBound(int longestToken, boolean composes, boolean stripsWhitespace) {
        this.longestToken = longestToken;
        this.composes = composes;
        this.stripsWhitespace = stripsWhitespace;
    }

    /** The bound for a parsed tokenizer.json, or {@link #NONE} when it cannot be trusted. */
    public static TokenBound of(JsonObject tokenizerJson) {
        JsonObject model = object(tokenizerJson, "model");
        if (model == null || !"BPE".equals(string(model, "type")) || !keepsUnknown(model)
                || !keepsText(tokenizerJson.get("pre_tokenizer"))) {
            return NONE;
        }
        Boolean composes = normalizerComposes(tokenizerJson.get("normalizer"));
        if (composes == null || !(model.get("vocab") instanceof JsonObject vocab)) {
            return NONE;
        }
        int longest = 0;
        for (Map.Entry<String, JsonElement> e : vocab.entrySet()) {
            longest = Math.max(longest, e.getKey().length());
        }
        boolean strips = false;
        if (tokenizerJson.get("added_tokens") != null && tokenizerJson.get("added_tokens").isJsonArray()) {
            for (JsonElement t : tokenizerJson.getAsJsonArray("added_tokens")) {
                JsonObject added = t.getAsJsonObject();
                longest = Math.max(longest, string(added, "content") == null ? 0 : string(added, "content").length());
                strips |= bool(added, "lstrip") || bool(added, "rstrip");
            }
        }
        return longest == 0 ? NONE : new TokenBound(longest, composes, strips);
    }

    /** Whether a bound is known (otherwise {@link #minTokens} is always 0). */
    public boolean known() {
        return longestToken > 0;
    }

    /** The most characters one token covers; 0 when unknown. */
    public int longestToken() {
        return longestToken;
    }

    /**
     * The characters of {@code text} that are certain to reach the model after normalization: all
     * of them, less combining marks where the normalizer composes and whitespace where added
     * tokens strip it. O(length), no allocation.
     */
    public long countedChars(CharSequence text) {
        if (!composes && !stripsWhitespace) {
            return text.length();
        }
        long n = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = Character.codePointAt(text, i);
            i += Character.charCount(cp);
            if (!(composes && mayCompose(cp)) && !(stripsWhitespace && Character.isWhitespace(cp))) {
                n++; // a supplementary character counts once: conservative where it is two chars
            }
        }
        return n;
    }

    /** At least how many tokens a text with {@code countedChars} counted characters needs. */
    public long minTokens(long countedChars) {
        return longestToken == 0 ? 0 : (countedChars + longestToken - 1) / longestToken;
    }

    /** A mark or a Hangul medial/final jamo: NFC may merge it into the character before it. */
    private static boolean mayCompose(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK || (cp >= 0x1160 && cp <= 0x11FF) || (cp >= 0xD7B0 && cp <= 0xD7FF);
    }

    /** Unknown characters become bytes (or stay apart), never one fused unknown token per run. */
    private static boolean keepsUnknown(JsonObject model) {
        return bool(model, "byte_fallback") || !bool(model, "fuse_unk") || model.get("unk_token") == null
                || model.get("unk_token").isJsonNull();
    }

    private static boolean keepsText(JsonElement pre) {
        if (pre == null || pre.isJsonNull()) {
            return true;
        }
        JsonObject p = pre.getAsJsonObject();
        String type = string(p, "type");
        if ("Sequence".equals(type)) {
            for (JsonElement child : p.getAsJsonArray("pretokenizers")) {
                if (!keepsText(child)) {
                    return false;
                }
            }
            return true;
        }
        return KEEPING_PRE_TOKENIZERS.contains(type) && !"Removed".equals(string(p, "behavior"));
    }

    /** False: never shortens text; true: may compose; null: may delete text (no bound). */
    private static Boolean normalizerComposes(JsonElement normalizer) {
        if (normalizer == null || normalizer.isJsonNull()) {
            return false;
        }
        JsonObject n = normalizer.getAsJsonObject();
        String type = string(n, "type");
        if ("Sequence".equals(type)) {
            boolean composes = false;
            for (JsonElement child : n.getAsJsonArray("normalizers")) {
                Boolean c = normalizerComposes(child);
                if (c == null) {
                    return null;
                }
                composes |= c;
            }
            return composes;
        }
        if ("Replace".equals(type)) { // ' ' -> '▁' keeps the length; a pattern replaced by less does not
            JsonObject pattern = object(n, "pattern");
            String from = pattern == null ? null : string(pattern, "String");
            String to = string(n, "content");
            return from != null && to != null && to.length() >= from.length() ? false : null;
        }
        if (COMPOSING_NORMALIZERS.contains(type)) {
            return true;
        }
        return LENGTHENING_NORMALIZERS.contains(type) ? false : null;
    }

    private static JsonObject object(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
    }

    private static boolean bool(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e != null && e.isJsonPrimitive() && e.getAsBoolean();
    }
}
