package dev.quill.model.generate;

/** Why a sequence stopped, in OpenAI's words: {@code stop}, {@code length}, or a cancel. */
public enum FinishReason {
    /** An end-of-sequence token, a stop token id or a stop string. */
    STOP,
    /** max_tokens, or the model's context, was reached. */
    LENGTH,
    /** The caller cancelled it. */
    CANCELLED;

    /** The wire name: "stop", "length", "cancelled". */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
