package dev.quill.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.engine.EngineMetrics;
import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.sampling.SamplingParams;
import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ChatErrors;
import dev.quill.server.chat.ChatService;
import dev.quill.server.chat.PromptBuilder;
import dev.quill.server.chat.SamplingFields;
import dev.quill.server.http.ServerMetrics;
import dev.quill.server.testing.ServerFixture;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * An answer that throws once the generation is submitted (as writing SSE to an HTTP/1.0
 * response did) must cancel it: before, the generation ran on to max_tokens with no one to hear
 * it. Served by a real HTTP server wired as {@link OpenAiHandler} wires its sinks, with the real
 * engine underneath, over a real connection.
 */
class ResponseSinkAbortTest {

    @TempDir
    Path dir;

    /** A sink whose transport refuses the first write. */
    private static final class RefusingSink extends ResponseSink {
        RefusingSink(HttpServerResponse response, ServerMetrics metrics) {
            super(response, metrics);
        }

        @Override
        public void onStart(String conversationId, int promptTokens, int omittedMessages) {
            throw new IllegalStateException("the transport refused the write");
        }

        @Override
        public void onText(String text) {
        }

        @Override
        public void onDone(FinishReason reason, Usage usage) {
            finished();
        }

        @Override
        public void onError(ApiError error) {
            finished();
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public void onDrain(Runnable resume) {
            resume.run();
        }
    }

    @Test
    void anAnswerThatThrowsCancelsItsGeneration() throws Exception {
        try (ServerFixture quill = ServerFixture.start(dir, Map.of())) {
            ServerMetrics metrics = new ServerMetrics();
            ChatService chat = new ChatService(quill.vertx, quill.engine, new PromptBuilder(quill.vertx, quill.model,
                    quill.engine.maxLength(), 16, new PromptBuilder.Limits(100, 1, 4), metrics), quill.store);
            OpenAiRequests requests = new OpenAiRequests("tiny-qwen2", 100,
                    new SamplingFields(SamplingParams.builder().maxTokens(16).build(), 1_000));
            Router router = Router.router(quill.vertx);
            router.post("/chat").handler(BodyHandler.create()).handler(ctx -> {
                OpenAiRequest req = requests.chat(OpenAiRequests.body(ctx.body().buffer()), null);
                new RefusingSink(ctx.response(), metrics).start(chat, req.chat(), ChatErrors::of);
            });
            HttpServer server = quill.vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().join();
            WebClient client = WebClient.create(quill.vertx);
            try {
                EngineMetrics.Snapshot before = quill.engine.metrics().snapshot();
                var r = client.post(server.actualPort(), "127.0.0.1", "/chat").timeout(10_000) // unanswered: a failure, not a hang
                        .sendJsonObject(OpenAiHttp.exactChat("Hello", 100)).toCompletionStage().toCompletableFuture().join();
                assertThat(r.statusCode()).isEqualTo(500);
                assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("internal_error");
                // a request submitted after it: once answered, the engine has taken in the first one too
                try (OpenAiHttp http = new OpenAiHttp(quill)) {
                    assertThat(http.post("/v1/chat/completions", OpenAiHttp.exactChat("x", 1)).statusCode()).isEqualTo(200);
                }
                EngineMetrics.Snapshot after = awaitIdle(quill);
                assertThat(after.running()).isZero();
                assertThat(after.generatedTokens() - before.generatedTokens() - 1).as("tokens made before the cancel")
                        .isLessThan(100);
                assertThat(metrics.activeStreams()).isZero();
            } finally {
                client.close();
                server.close().toCompletionStage().toCompletableFuture().join();
            }
        }
    }

    /** Polls the engine's gauges (every 10 ms, for at most 30 s) until nothing runs or waits. */
    private static EngineMetrics.Snapshot awaitIdle(ServerFixture quill) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        EngineMetrics.Snapshot s = quill.engine.metrics().snapshot();
        while ((s.running() > 0 || s.queueDepth() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            s = quill.engine.metrics().snapshot();
        }
        return s;
    }
}
