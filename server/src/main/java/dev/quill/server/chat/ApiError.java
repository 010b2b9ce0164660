package dev.quill.server.chat;

/**
 * A request-level error with a stable code, shaped for both wire formats: OpenAI's error object
 * ({@code {"error": {"message", "type", "param", "code"}}}) with an HTTP status, and the
 * WebSocket {@code error} frame's {@code code}.
 *
 * @param status HTTP status
 * @param type OpenAI error type, e.g. "invalid_request_error"
 * @param code stable machine-readable code, e.g. "context_length_exceeded"
 * @param message for people
 * @param param the request field at fault, or null
 */
public record ApiError(int status, String type, String code, String message, String param) {

    public static ApiError invalid(String message, String param) {
        return new ApiError(400, "invalid_request_error", "invalid_request", message, param);
    }

    /**
     * A field, or a value of it, that OpenAI's API defines and Quill does not implement yet:
     * refused rather than ignored, so a client never takes an answer made without it for one
     * made with it. {@code code} is OpenAI's own: {@code unsupported_parameter} or
     * {@code unsupported_value}.
     */
    public static ApiError unsupported(String code, String message, String param) {
        return new ApiError(400, "invalid_request_error", code, message, param);
    }

    public static ApiError invalidJson(String message) {
        return new ApiError(400, "invalid_request_error", "invalid_json", message, null);
    }

    public static ApiError contextLength(String message) {
        return new ApiError(400, "invalid_request_error", "context_length_exceeded", message, "messages");
    }

    public static ApiError unknownModel(String model) {
        return new ApiError(404, "invalid_request_error", "model_not_found",
                "The model '" + model + "' does not exist", "model");
    }

    /** A conversation that does not exist, or is another API key's: the two are not told apart. */
    public static ApiError notFound(String message) {
        return new ApiError(404, "invalid_request_error", "not_found", message, null);
    }

    /** A turn id (WebSocket {@code turn}, HTTP {@code Idempotency-Key}) reused for other messages. */
    public static ApiError turnConflict(String message) {
        return new ApiError(409, "invalid_request_error", "turn_conflict", message, null);
    }

    /** A retry of a turn that is still being answered. */
    public static ApiError turnInProgress(String turn) {
        return new ApiError(409, "invalid_request_error", "turn_in_progress",
                "turn " + turn + " is still being answered; retry it once it has ended", null);
    }

    public static ApiError tooLarge(int limit) {
        return new ApiError(413, "invalid_request_error", "payload_too_large",
                "The request is larger than the limit of " + limit + " bytes", null);
    }

    public static ApiError overloaded(String message) {
        return new ApiError(429, "rate_limit_error", "overloaded", message, null);
    }

    public static ApiError unauthorized() {
        return new ApiError(401, "invalid_request_error", "invalid_api_key", "A valid API key is required", null);
    }

    public static ApiError forbiddenOrigin(String origin) {
        return new ApiError(403, "invalid_request_error", "origin_not_allowed",
                "Origin '" + origin + "' may not open a WebSocket here", null);
    }

    public static ApiError storeUnavailable(String message) {
        return new ApiError(503, "server_error", "store_unavailable", message, null);
    }

    public static ApiError shuttingDown() {
        return new ApiError(503, "server_error", "shutting_down", "The server is shutting down", null);
    }

    public static ApiError internal(String message) {
        return new ApiError(500, "server_error", "internal_error", message, null);
    }
}
