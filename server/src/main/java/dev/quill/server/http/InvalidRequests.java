package dev.quill.server.http;

import dev.quill.server.chat.ApiError;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;

/**
 * Requests the HTTP decoder could not read (a malformed request line or header, one too long,
 * {@code Content-Length} with {@code Transfer-Encoding}): a typed error, then the connection is
 * closed, because the decoder has lost the request's framing and whatever follows on the
 * connection cannot be trusted to be a request (RFC 9112, section 6.3). Replaces Vert.x's
 * default handler, which answers with an empty body.
 */
public final class InvalidRequests {

    private InvalidRequests() {
    }

    public static void handle(HttpServerRequest req) {
        Throwable cause = req.decoderResult().cause();
        ApiError error;
        if (cause instanceof TooLongHttpLineException) {
            error = new ApiError(414, "invalid_request_error", "uri_too_long", "The request line is too long", null);
        } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            error = new ApiError(431, "invalid_request_error", "headers_too_large", "The request headers are too large", null);
        } else {
            error = new ApiError(400, "invalid_request_error", "malformed_request",
                    "The request could not be parsed" + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()),
                    null);
        }
        req.response().putHeader("Connection", "close");
        RequestIds.assign(req);
        SecurityHeaders.add(req.response());
        HttpErrors.send(req.response(), error);
        req.connection().close();
    }
}
