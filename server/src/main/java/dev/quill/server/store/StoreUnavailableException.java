package dev.quill.server.store;

/** The conversation store cannot be reached; the server answers 503 / {@code store_unavailable}. */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
