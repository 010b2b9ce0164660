package dev.quill.model.engine;

import dev.quill.model.generate.FinishReason;

/**
 * Receives one request's output. Called on the engine thread, in order: any number of
 * {@link #onToken}, then exactly one of {@link #onDone} or {@link #onError}. A listener must
 * return quickly (hop to its own thread for real work). One whose onToken throws ends its own
 * sequence, which frees its slot and calls its onError (INTERNAL); what onDone or onError throw
 * is ignored. Nothing else in the batch is disturbed either way.
 */
public interface TokenListener {

    /** Text made whole by this token (may be empty while a character or stop string is pending). */
    void onToken(String text, int tokenId);

    void onDone(FinishReason reason, Usage usage);

    void onError(EngineError error);
}
