package dev.quill.server.openai;

import dev.quill.model.grammar.TokenVocabulary;
import dev.quill.model.tokenizer.TextTokenizer;

import java.nio.charset.StandardCharsets;

/**
 * What logprobs call a token: its own text and its UTF-8 bytes, as OpenAI's {@code token} and
 * {@code bytes}. The bytes come from the vocabulary itself ({@link TokenVocabulary}), so a
 * byte-level token holding half a character reports its real bytes (its text then shows U+FFFD);
 * a special token is its literal ({@code <|im_end|>}). Read once at start; immutable, thread-safe.
 */
public final class TokenTexts {
    private static final byte[] NONE = new byte[0];

    private final TextTokenizer tokenizer;
    private final byte[][] bytes; // by id; null entries for special tokens; null when the spelling is unknown

    public TokenTexts(TextTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        byte[][] read;
        try {
            read = TokenVocabulary.read(tokenizer.file());
        } catch (IllegalArgumentException e) {
            read = null; // a vocabulary spelled otherwise: tokens are decoded one by one instead
        }
        this.bytes = read;
    }

    byte[] bytes(int id) {
        if (bytes != null && id < bytes.length && bytes[id] != null) {
            return bytes[id];
        }
        String literal = tokenizer.addedTokenLiteral(id);
        return literal != null ? literal.getBytes(StandardCharsets.UTF_8)
                : bytes != null ? NONE : tokenizer.decode(new int[] {id}).getBytes(StandardCharsets.UTF_8);
    }

    String text(int id) {
        return new String(bytes(id), StandardCharsets.UTF_8);
    }
}
