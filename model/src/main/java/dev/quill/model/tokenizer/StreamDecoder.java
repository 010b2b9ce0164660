package dev.quill.model.tokenizer;

import java.util.Arrays;

/**
 * Turns a growing list of token ids into text pieces as they are made, never emitting half a
 * UTF-8 character. Byte-level tokens can end inside a multi-byte character (an emoji is often
 * two or three tokens); the decoder then yields U+FFFD, so the piece is held until the
 * character completes. The window starts a few tokens back so that tokenizers whose decoding
 * depends on the left context (a leading space) decode each piece as the whole text would.
 * Bytes that can never complete a character (a model may emit them) are let out as U+FFFD
 * once more tokens are pending than one character can span.
 *
 * <p>Not thread-safe: one per sequence.
 */
public final class StreamDecoder {

    private static final char REPLACEMENT = '\uFFFD';
    /** A UTF-8 character spans at most 4 bytes, so at most 4 tokens; more pending means invalid bytes. */
    private static final int MAX_PENDING = 4;

    private final TextTokenizer tokenizer;
    private int[] ids = new int[16];
    private int size;
    private int prefixOffset; // window start: tokens before it are fully emitted
    private int readOffset;   // tokens before it have been emitted as text

    public StreamDecoder(TextTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Adds one token; returns the text it completes, possibly empty. */
    public String push(int id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
        String prefix = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, readOffset));
        String full = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, size));
        boolean complete = full.isEmpty() || full.charAt(full.length() - 1) != REPLACEMENT;
        // A model can emit bytes that never form a character: let them out as U+FFFD rather than stall.
        if (full.length() > prefix.length() && (complete || size - readOffset >= MAX_PENDING)) {
            prefixOffset = readOffset;
            readOffset = size;
            return full.substring(prefix.length());
        }
        return "";
    }

    /** The text still held back at the end of generation (an incomplete character decodes as U+FFFD). */
    public String flush() {
        String prefix = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, readOffset));
        String full = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, size));
        prefixOffset = readOffset = size;
        return full.length() > prefix.length() ? full.substring(prefix.length()) : "";
    }
}
