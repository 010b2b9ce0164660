package dev.quill.model.engine;

/**
 * Why the engine refused or failed a request. The codes are stable: the server maps them to
 * HTTP statuses and WebSocket error codes.
 */
public final class EngineError extends RuntimeException {

    /** Stable error kinds. */
    public enum Code {
        /** The waiting queue is full: retry later (HTTP 429). */
        OVERLOADED,
        /** Prompt plus max_tokens does not fit the model's context (HTTP 400). */
        CONTEXT_LENGTH_EXCEEDED,
        /**
         * Prompt plus max_tokens needs more KV cache blocks than the whole pool holds, so it could
         * never be admitted (HTTP 400; a pool that is only busy makes a request wait instead).
         */
        KV_CACHE_FULL,
        /** The request itself is malformed, e.g. an empty prompt (HTTP 400). */
        INVALID_REQUEST,
        /** The engine is shutting down (HTTP 503). */
        SHUTTING_DOWN,
        /** A failure inside the model step (HTTP 500). */
        INTERNAL
    }

    private final Code code;

    public EngineError(Code code, String message) {
        super(message);
        this.code = code;
    }

    public EngineError(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /**
     * INTERNAL for one request: {@code what} went wrong, because of {@code cause}. An EngineError
     * cause (already worded for the client) is returned as it is.
     */
    static EngineError internal(String what, Throwable cause) {
        if (cause instanceof EngineError e) {
            return e;
        }
        String why = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        return new EngineError(Code.INTERNAL, what + ": " + why, cause);
    }

    public Code code() {
        return code;
    }
}
