package dev.quill.server.http;

import dev.quill.server.chat.ApiError;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpServerOptions;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1 connection's clock and framing checks, as two handlers in its Netty pipeline: one
 * before the decoder that sees bytes arrive, one after the encoder that sees whole requests come
 * in and whole responses go out. From that it knows which phase the connection is in:
 * <ul>
 *   <li>reading: a request has begun (or the connection just opened) but has not arrived whole;
 *       it must within the read timeout, or the client gets 408 and the connection is closed
 *       (slowloris, a body sent a byte at a time, a socket that connects and says nothing);</li>
 *   <li>in flight: requests arrived whole and are not all answered: no clock at all, so a long
 *       generation or an SSE stream is never cut;</li>
 *   <li>idle: every request answered; closed after the idle timeout (keep-alive connections a
 *       client forgot, or keeps by the thousand).</li>
 * </ul>
 * It also answers a body whose chunked framing does not decode (Netty rejects some chunk
 * extensions, e.g. {@code ;name=token}) with 400 before closing, where Vert.x would close with
 * no reply. A WebSocket upgrade removes both handlers: {@code ws.SocketKeepAlive} watches those.
 *
 * <p>Confined to the connection's event loop, like every Netty handler of the channel.
 */
final class ConnectionGuard {

    private enum Phase { READING, IN_FLIGHT, IDLE, DONE }

    private final long readTimeoutNanos;
    private final long idleTimeoutNanos;
    private final ServerMetrics metrics;
    private ChannelHandlerContext ctx; // the message handler's
    private Phase phase = Phase.READING;
    private ScheduledFuture<?> timer;
    private int requestsRead;   // requests that arrived whole
    private int responsesDone;  // final responses written whole
    private boolean responding; // a final response's head is written, its end not yet

    private ConnectionGuard(Duration readTimeout, Duration idleTimeout, ServerMetrics metrics) {
        this.readTimeoutNanos = readTimeout.toNanos();
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.metrics = metrics;
    }

    /**
     * Puts the guard and the {@link StrictRequestDecoder} into a new connection's pipeline; false
     * (and nothing changed) when the pipeline is not the HTTP/1 one this was written against.
     * Call on the channel's event loop before the first read, as Vert.x's connection handler is.
     */
    static boolean install(Channel channel, HttpServerOptions options, Duration readTimeout, Duration idleTimeout,
                           ServerMetrics metrics) {
        ChannelPipeline p = channel.pipeline();
        if (p.get("httpDecoder") == null || p.get("handler") == null) {
            return false;
        }
        ConnectionGuard g = new ConnectionGuard(readTimeout, idleTimeout, metrics);
        p.replace("httpDecoder", "httpDecoder", new StrictRequestDecoder(options));
        p.addBefore("httpDecoder", "quillBytes", g.new Bytes());
        p.addBefore("handler", "quillGuard", g.new Messages());
        return true;
    }

    /** Sees raw bytes: the first byte after an idle period starts the read clock. */
    private final class Bytes extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext c, Object msg) {
            if (phase == Phase.IDLE) {
                arm(Phase.READING);
            }
            c.fireChannelRead(msg);
        }
    }

    /** Sees decoded requests coming in and encoded responses going out. */
    private final class Messages extends ChannelDuplexHandler {
        @Override
        public void handlerAdded(ChannelHandlerContext c) {
            ctx = c;
            arm(Phase.READING);
        }

        @Override
        public void channelRead(ChannelHandlerContext c, Object msg) {
            if (msg instanceof HttpContent content && !(msg instanceof HttpRequest) && content.decoderResult().isFailure()) {
                Throwable cause = content.decoderResult().cause();
                ReferenceCountUtil.release(msg);
                refuse(new ApiError(400, "invalid_request_error", "malformed_request",
                        "The request body's chunked framing could not be read: " + cause.getMessage(), null));
                return;
            }
            if (msg instanceof LastHttpContent && phase != Phase.DONE) {
                requestArrived(); // before Vert.x sees it: it may answer at once, within this call
            }
            c.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext c, Object msg, ChannelPromise promise) {
            boolean upgrade = false;
            if (msg instanceof HttpResponse r) {
                upgrade = r.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code();
                responding |= r.status().codeClass() != HttpStatusClass.INFORMATIONAL;
            }
            if (msg instanceof LastHttpContent && responding) {
                responding = false;
                responseWritten();
            }
            c.write(msg, promise);
            if (upgrade) {
                upgraded(c);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext c) {
            stop();
            c.fireChannelInactive();
        }
    }

    private void requestArrived() {
        requestsRead++;
        if (responsesDone >= requestsRead) {
            arm(Phase.IDLE); // answered on its head already (a GET, an early refusal)
        } else {
            stop();
            phase = Phase.IN_FLIGHT;
        }
    }

    private void responseWritten() {
        responsesDone++;
        if (phase == Phase.IN_FLIGHT && responsesDone >= requestsRead) {
            arm(Phase.IDLE);
        }
    }

    /** From here on the connection speaks WebSocket; its keep-alive is the socket's own. */
    private void upgraded(ChannelHandlerContext c) {
        stop();
        phase = Phase.DONE;
        ChannelPipeline p = c.pipeline();
        p.remove(Messages.class);
        if (p.get(Bytes.class) != null) {
            p.remove(Bytes.class);
        }
    }

    private void arm(Phase next) {
        stop();
        phase = next;
        long nanos = next == Phase.READING ? readTimeoutNanos : idleTimeoutNanos;
        timer = ctx.executor().schedule(() -> expire(next), nanos, TimeUnit.NANOSECONDS);
    }

    private void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expire(Phase expected) {
        if (phase != expected) {
            return; // a cancel that lost the race with its timer
        }
        timer = null;
        phase = Phase.DONE;
        if (expected == Phase.READING) {
            metrics.connectionTimedOut("request_read");
            refuse(new ApiError(408, "invalid_request_error", "request_timeout",
                    "The request did not arrive whole within " + readTimeoutNanos / 1_000_000_000 + " s", null));
        } else {
            metrics.connectionTimedOut("idle");
            ctx.close();
        }
    }

    /** Answers with the error and closes, or only closes while another response is on the wire. */
    private void refuse(ApiError error) {
        stop();
        phase = Phase.DONE;
        if (responding || responsesDone != requestsRead) {
            ctx.close();
            return;
        }
        ctx.writeAndFlush(response(error)).addListener(ChannelFutureListener.CLOSE);
    }

    private static FullHttpResponse response(ApiError error) {
        byte[] body = HttpErrors.body(error).encode().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(error.status()),
                Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, "close");
        SecurityHeaders.HEADERS.forEach((name, value) -> r.headers().set(name, value));
        return r;
    }
}
