package dev.quill.server.http;

import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;

/**
 * Vert.x's HTTP/1 request decoder, refusing a request that has both {@code Content-Length} and
 * {@code Transfer-Encoding}. Netty drops the {@code Content-Length} and decodes the chunks, so
 * the request looks ordinary to everything after the decoder, and the bytes a front-end proxy
 * may have framed differently are served as the next request. Such a message "ought to be
 * handled as an error" and the connection closed (RFC 9112, section 6.3): throwing here makes the
 * decoder mark the request as invalid and discard the rest of the connection's bytes; the
 * server's invalid-request handler ({@link InvalidRequests}) then answers 400 and closes.
 *
 * <p>Netty offers no option for this, so the decoder Vert.x installs is replaced by this subclass
 * (same options, same name) when the connection opens; see {@link ConnectionGuard}.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {

    StrictRequestDecoder(HttpServerOptions options) {
        super(options);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("Content-Length and Transfer-Encoding together (RFC 9112, section 6.3)");
    }
}
