package dev.quill.model.train;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level alphabet and pre-tokenizer, as HuggingFace's {@code ByteLevel} pre-tokenizer
 * applies them: text is cut with GPT-2's regex, and each piece's UTF-8 bytes are spelled with
 * one visible character per byte, so a BPE vocabulary never needs an unknown token.
 */
public final class ByteLevel {

    /** GPT-2's split, the one {@code ByteLevel(use_regex=true)} applies. */
    private static final Pattern SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    /** byte value → its character; bytes_to_unicode() in GPT-2's encoder.py. */
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** The 256 base tokens in GPT-2's vocabulary order: the printable bytes first, then the rest. */
    private static final List<String> ALPHABET = new ArrayList<>();

    static {
        boolean[] printable = new boolean[256];
        List<Integer> order = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            printable[b] = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            if (printable[b]) {
                order.add(b);
                BYTE_TO_CHAR[b] = (char) b; // printable Latin-1 stands for itself
            }
        }
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            if (!printable[b]) {
                order.add(b);
                BYTE_TO_CHAR[b] = (char) (256 + shifted++); // space, control bytes...: U+0100 onwards
            }
        }
        for (int b : order) {
            ALPHABET.add(String.valueOf(BYTE_TO_CHAR[b]));
        }
    }

    private ByteLevel() {
    }

    /** The 256 single-byte tokens, in the order GPT-2 numbers them ({@code "!"} is 0, {@code "Ġ"} is 220). */
    public static List<String> alphabet() {
        return List.copyOf(ALPHABET);
    }

    /** A piece's UTF-8 bytes in the byte-level alphabet: {@code " hi"} → {@code "Ġhi"}. */
    public static String encode(String text) {
        StringBuilder sb = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            sb.append(BYTE_TO_CHAR[b & 0xFF]);
        }
        return sb.toString();
    }

    /** Cuts text as the pre-tokenizer does; BPE merges never cross these boundaries. */
    public static List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        Matcher m = SPLIT.matcher(text);
        while (m.find()) {
            pieces.add(m.group());
        }
        return pieces;
    }
}
