package dev.quill.model.grammar;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The bytes each token stands for, read from a HuggingFace {@code tokenizer.json}: what a grammar
 * must check a token against. Decoding a token alone through the tokenizer would not do: a
 * byte-level token that holds half a UTF-8 character decodes to U+FFFD.
 *
 * <p>Two spellings are understood: byte-level BPE (GPT-2, Llama 3, Qwen: each character of a token
 * stands for one byte, through GPT-2's {@code bytes_to_unicode} table) and SentencePiece-style
 * vocabularies (Llama 2, Mistral: {@code ▁} is a space, {@code <0x0A>} a raw byte). Added and
 * special tokens get no bytes, so no grammar allows them.
 */
public final class TokenVocabulary {
    private static final int[] CHAR_TO_BYTE = byteLevelTable();

    private TokenVocabulary() {
    }

    /**
     * Each id's bytes (null where the token never belongs in constrained text).
     *
     * @throws IllegalArgumentException for a tokenizer whose spelling is neither of the two
     */
    public static byte[][] read(Path tokenizerJson) {
        JsonObject root;
        try (Reader in = Files.newBufferedReader(tokenizerJson, StandardCharsets.UTF_8)) {
            root = JsonParser.parseReader(in).getAsJsonObject();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + tokenizerJson + ": " + e.getMessage(), e);
        }
        return of(root);
    }

    /** Each id's bytes from a parsed tokenizer.json. */
    public static byte[][] of(JsonObject root) {
        JsonObject model = root.getAsJsonObject("model");
        String decoder = String.valueOf(root.get("decoder"));
        boolean byteLevel = decoder.contains("\"ByteLevel\"");
        if (!byteLevel && !decoder.contains("\u2581") && !decoder.contains("Metaspace")) {
            throw new IllegalArgumentException("constrained decoding does not know this tokenizer's decoder: " + decoder);
        }
        JsonElement vocab = model.get("vocab");
        if (vocab == null || !vocab.isJsonObject()) {
            throw new IllegalArgumentException("constrained decoding needs a BPE vocabulary (model.vocab as an object)");
        }
        int size = 0;
        for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
            size = Math.max(size, e.getValue().getAsInt() + 1);
        }
        if (root.has("added_tokens")) {
            for (JsonElement t : root.getAsJsonArray("added_tokens")) {
                size = Math.max(size, t.getAsJsonObject().get("id").getAsInt() + 1);
            }
        }
        byte[][] bytes = new byte[size][];
        for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
            bytes[e.getValue().getAsInt()] = byteLevel ? byteLevel(e.getKey()) : sentencePiece(e.getKey());
        }
        if (root.has("added_tokens")) {
            for (JsonElement t : root.getAsJsonArray("added_tokens")) {
                bytes[t.getAsJsonObject().get("id").getAsInt()] = null;
            }
        }
        return bytes;
    }

    /** GPT-2's spelling: one character per byte; null if a character is outside the table. */
    static byte[] byteLevel(String token) {
        byte[] out = new byte[token.length()];
        for (int i = 0; i < out.length; i++) {
            char c = token.charAt(i);
            if (c >= CHAR_TO_BYTE.length || CHAR_TO_BYTE[c] < 0) {
                return null;
            }
            out[i] = (byte) CHAR_TO_BYTE[c];
        }
        return out;
    }

    /** SentencePiece's spelling: {@code <0xAB>} is one raw byte, {@code ▁} a space, the rest UTF-8. */
    static byte[] sentencePiece(String token) {
        if (token.length() == 6 && token.startsWith("<0x") && token.endsWith(">")) {
            try {
                return new byte[] {(byte) Integer.parseInt(token.substring(3, 5), 16)};
            } catch (NumberFormatException e) {
                // not a byte token after all: spell it as text
            }
        }
        return token.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
    }

    /** GPT-2's bytes_to_unicode, inverted: printable Latin-1 bytes are themselves, the rest U+0100 on. */
    private static int[] byteLevelTable() {
        int[] table = new int[512];
        java.util.Arrays.fill(table, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[printable ? b : next++] = b;
        }
        return table;
    }
}
