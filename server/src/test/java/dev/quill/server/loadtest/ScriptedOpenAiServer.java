package dev.quill.server.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for any OpenAI-compatible server: {@code /v1/models}, and
 * {@code /v1/chat/completions} streaming a fixed answer in OpenAI's documented chunk format
 * (a role chunk, content chunks, a finish chunk, the usage chunk with empty choices,
 * {@code [DONE]}), cut into odd-sized writes. A user message "fail" is refused with a 429 error
 * object; to "stall" it sends one chunk and never ends the stream. It has no {@code /metrics}.
 * It records every request body it was sent.
 */
final class ScriptedOpenAiServer implements AutoCloseable {

    static final String MODEL = "scripted-model";
    static final List<String> PIECES = List.of("Hel", "lo", " wor", "ld");
    static final String ANSWER = String.join("", PIECES);

    final List<JsonObject> bodies = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
    private final Vertx vertx = Vertx.vertx();
    private final String apiKey;
    private final HttpServer server;

    ScriptedOpenAiServer(String apiKey) {
        this.apiKey = apiKey;
        this.server = vertx.createHttpServer().connectionHandler(c -> connections.incrementAndGet())
                .requestHandler(this::handle).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().join();
    }

    int port() {
        return server.actualPort();
    }

    /** TCP connections accepted so far. */
    int connections() {
        return connections.get();
    }

    private void handle(HttpServerRequest req) {
        HttpServerResponse resp = req.response();
        if (!("Bearer " + apiKey).equals(req.getHeader("Authorization"))) {
            error(resp, 401, "invalid_api_key");
        } else if (req.path().equals("/v1/models")) {
            resp.putHeader("Content-Type", "application/json").end(new JsonObject().put("object", "list")
                    .put("data", new JsonArray().add(new JsonObject().put("id", MODEL).put("object", "model"))).encode());
        } else if (req.path().equals("/v1/chat/completions") && req.method().name().equals("POST")) {
            req.body().onSuccess(b -> chat(b.toJsonObject(), resp));
        } else {
            resp.setStatusCode(404).end();
        }
    }

    private void chat(JsonObject body, HttpServerResponse resp) {
        bodies.add(body);
        JsonArray messages = body.getJsonArray("messages");
        if (messages.getJsonObject(messages.size() - 1).getString("content").equals("fail")) {
            error(resp, 429, "overloaded");
            return;
        }
        if (messages.getJsonObject(messages.size() - 1).getString("content").equals("stall")) {
            resp.setChunked(true).putHeader("Content-Type", "text/event-stream")
                    .write(event(chunk(new JsonObject().put("content", "Hel"), null)));
            return; // and nothing more: only the client's time limit ends this one
        }
        resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
        byte[] bytes = stream(messages.size()).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += 37) { // pieces that cut events and lines anywhere
            resp.write(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 37))));
        }
        resp.end();
    }

    /** The whole answer to a request of {@code messages} messages, as OpenAI streams it. */
    static String stream(int messages) {
        StringBuilder stream = new StringBuilder();
        stream.append(event(chunk(new JsonObject().put("role", "assistant").put("content", ""), null)));
        for (String p : PIECES) {
            stream.append(event(chunk(new JsonObject().put("content", p), null)));
        }
        stream.append(event(chunk(new JsonObject(), "length")));
        stream.append(event(new JsonObject().put("id", "chatcmpl-1").put("object", "chat.completion.chunk")
                .put("model", MODEL).put("choices", new JsonArray())
                .put("usage", new JsonObject().put("prompt_tokens", 10 * messages)
                        .put("completion_tokens", PIECES.size()).put("total_tokens", 10 * messages + PIECES.size())
                        .put("prompt_tokens_details", new JsonObject().put("cached_tokens", 2))).encode()));
        stream.append("data: [DONE]\n\n");
        return stream.toString();
    }

    private static String chunk(JsonObject delta, String finish) {
        return new JsonObject().put("id", "chatcmpl-1").put("object", "chat.completion.chunk").put("created", 1)
                .put("model", MODEL).put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                        .put("delta", delta).put("finish_reason", finish))).encode();
    }

    private static String event(String data) {
        return "data: " + data + "\n\n";
    }

    private static void error(HttpServerResponse resp, int status, String code) {
        resp.setStatusCode(status).putHeader("Content-Type", "application/json").end(new JsonObject()
                .put("error", new JsonObject().put("message", "scripted " + code).put("type", "invalid_request_error")
                        .put("param", null).put("code", code)).encode());
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
