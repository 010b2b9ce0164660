package dev.quill.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.function.Consumer;

/** The SSE writer on its own, over real HTTP: keep-alive comments and write backpressure. */
@ExtendWith(VertxExtension.class)
class SseStreamTest {

    /** Each event carries this much text, so a few hundred fill any socket buffer. */
    static final String PAYLOAD = "x".repeat(16 * 1024);
    static final int MAX_EVENTS = 20_000;

    HttpServer server;
    HttpClient client;
    Consumer<HttpServerResponse> route; // what the server does with each request; set per test

    @BeforeEach
    void start(Vertx vertx, VertxTestContext ctx) {
        client = vertx.createHttpClient();
        vertx.createHttpServer().requestHandler(req -> route.accept(req.response())).listen(0, "127.0.0.1")
                .onComplete(ctx.succeeding(s -> {
                    server = s;
                    ctx.completeNow();
                }));
    }

    @AfterEach
    void stop(VertxTestContext ctx) {
        client.close().compose(v -> server.close()).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    void anIdleStreamGetsKeepAliveComments(Vertx vertx, VertxTestContext ctx) {
        route = response -> new SseStream(vertx, response, Duration.ofMillis(50)).open();
        Buffer received = Buffer.buffer();

        get().onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertThat(resp.statusCode()).isEqualTo(200);
            assertThat(resp.getHeader("Content-Type")).isEqualTo("text/event-stream");
            assertThat(resp.getHeader("Cache-Control")).isEqualTo("no-cache");
            resp.exceptionHandler(e -> { }); // the test closes the connection itself
            resp.handler(chunk -> ctx.verify(() -> {
                received.appendBuffer(chunk);
                if (received.length() >= 2 * ": keep-alive\n\n".length()) {
                    assertThat(received.toString()).isEqualTo(": keep-alive\n\n: keep-alive\n\n");
                    resp.request().connection().close();
                    ctx.completeNow();
                }
            }));
        })));
    }

    @Test
    void aFullWriteQueueDrainsOnceTheClientReads(Vertx vertx, VertxTestContext ctx) {
        Promise<Integer> full = Promise.promise();  // events written when the queue filled
        Promise<Void> drained = Promise.promise();
        route = response -> {
            response.setWriteQueueMaxSize(8 * 1024);
            SseStream sse = new SseStream(vertx, response, Duration.ofMinutes(1));
            sse.open();
            int written = 0;
            while (!sse.writeQueueFull() && written < MAX_EVENTS) {
                sse.send(new JsonObject().put("n", written++).put("text", PAYLOAD));
            }
            full.complete(written);
            sse.onDrain(() -> {
                drained.complete();
                sse.done();
            });
        };

        get().onComplete(ctx.succeeding(resp -> {
            resp.pause(); // a slow reader: nothing is read until the server's queue is full
            Buffer body = Buffer.buffer();
            resp.handler(body::appendBuffer);
            resp.endHandler(v -> ctx.verify(() -> {
                int written = full.future().result();
                assertThat(written).isLessThan(MAX_EVENTS);
                assertThat(drained.future().succeeded()).isTrue();
                assertThat(OpenAiHttp.events(body.toString())).hasSize(written + 1);
                ctx.completeNow();
            }));
            full.future().onSuccess(n -> resp.resume());
        }));
    }

    @Test
    void aStreamWhoseClientLeftIsNeverFullAndSwallowsWrites(Vertx vertx, VertxTestContext ctx) {
        route = response -> {
            response.setWriteQueueMaxSize(8 * 1024);
            SseStream sse = new SseStream(vertx, response, Duration.ofMinutes(1));
            sse.open();
            for (int i = 0; i < MAX_EVENTS && !sse.writeQueueFull(); i++) {
                sse.send(new JsonObject().put("text", PAYLOAD));
            }
            response.closeHandler(v -> ctx.verify(() -> {
                // a producer that waits for drain must still reach its end
                assertThat(sse.writeQueueFull()).isFalse();
                Promise<Void> resumed = Promise.promise();
                sse.onDrain(resumed::complete);
                assertThat(resumed.future().succeeded()).isTrue();
                sse.send(new JsonObject().put("late", true));
                sse.done();
                ctx.completeNow();
            }));
        };

        get().onComplete(ctx.succeeding(resp -> {
            resp.pause();
            resp.exceptionHandler(e -> { });
            resp.request().connection().close();
        }));
    }

    private io.vertx.core.Future<HttpClientResponse> get() {
        return client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/").compose(req -> req.send());
    }
}
