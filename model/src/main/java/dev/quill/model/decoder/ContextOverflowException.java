package dev.quill.model.decoder;

/** A sequence would grow past the model's context (or the slot's capacity). */
public class ContextOverflowException extends IllegalArgumentException {

    private final int length;
    private final int limit;

    public ContextOverflowException(int length, int limit) {
        super("sequence of " + length + " tokens exceeds the context of " + limit + " tokens");
        this.length = length;
        this.limit = limit;
    }

    public int length() {
        return length;
    }

    public int limit() {
        return limit;
    }
}
