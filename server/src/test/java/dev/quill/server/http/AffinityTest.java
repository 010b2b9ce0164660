package dev.quill.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/**
 * Issue 16, item 1, over real sockets: the affinity key a load balancer reads (the
 * {@code X-Quill-Conversation} header names the conversation as the body's {@code conversation_id}
 * does; the WebSocket's query parameters are left to the balancer), and the replica's name on
 * every response and in every WebSocket {@code start} frame.
 */
class AffinityTest {

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static WebClient http;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of("server.replica_id", "replica-a"));
        http = WebClient.create(quill.vertx);
    }

    @AfterAll
    static void stop() {
        http.close();
        quill.close();
    }

    private static HttpResponse<Buffer> post(String path, String conversationHeader, JsonObject body) {
        var req = http.post(quill.port(), "127.0.0.1", path).putHeader("Content-Type", "application/json");
        if (conversationHeader != null) {
            req.putHeader(Affinity.CONVERSATION_HEADER, conversationHeader);
        }
        return req.sendBuffer(body.toBuffer()).toCompletionStage().toCompletableFuture().join();
    }

    private static JsonObject chat(String bodyConversation, String content) {
        JsonObject body = new JsonObject().put("model", "tiny-qwen2")
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", content)))
                .put("temperature", 0).put("ignore_eos", true).put("max_tokens", 3);
        return bodyConversation == null ? body : body.put("conversation_id", bodyConversation);
    }

    private static String newConversation() {
        HttpResponse<Buffer> r = post("/v1/conversations", null, new JsonObject());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.bodyAsJsonObject().getString("id");
    }

    @Test
    void everyResponseNamesTheReplica() {
        HttpResponse<Buffer> live = http.get(quill.port(), "127.0.0.1", "/health/live").send()
                .toCompletionStage().toCompletableFuture().join();
        HttpResponse<Buffer> missing = http.get(quill.port(), "127.0.0.1", "/no/such/page").send()
                .toCompletionStage().toCompletableFuture().join();
        HttpResponse<Buffer> invalid = post("/v1/chat/completions", null, new JsonObject().put("messages", "nope"));
        assertThat(live.getHeader(Affinity.REPLICA_HEADER)).isEqualTo("replica-a");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.getHeader(Affinity.REPLICA_HEADER)).isEqualTo("replica-a");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.getHeader(Affinity.REPLICA_HEADER)).isEqualTo("replica-a");
    }

    @Test
    void theHeaderNamesTheConversationAsTheBodyDoes() throws Exception {
        String conversation = newConversation();
        HttpResponse<Buffer> first = post("/v1/chat/completions", conversation, chat(null, "first by header"));
        assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
        assertThat(first.getHeader(Affinity.REPLICA_HEADER)).isEqualTo("replica-a");
        assertThat(first.bodyAsJsonObject().getString("conversation_id")).isEqualTo(conversation);
        HttpResponse<Buffer> second = post("/v1/chat/completions", conversation, chat(conversation, "second by both"));
        assertThat(second.statusCode()).as(second.bodyAsString()).isEqualTo(200);
        HttpResponse<Buffer> third = post("/v1/chat/completions", null, chat(conversation, "third by body"));
        assertThat(third.statusCode()).as(third.bodyAsString()).isEqualTo(200);
        // the server kept every turn, so each named the same stored conversation
        int firstPrompt = first.bodyAsJsonObject().getJsonObject("usage").getInteger("prompt_tokens");
        int thirdPrompt = third.bodyAsJsonObject().getJsonObject("usage").getInteger("prompt_tokens");
        assertThat(thirdPrompt).isGreaterThan(firstPrompt);
        try (WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null)) {
            ws.send(new JsonObject().put("type", "history").put("conversation", conversation));
            JsonObject history = ws.nextOf("history", null);
            assertThat(history.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("content")))
                    .contains("first by header", "second by both", "third by body");
            assertThat(history.getJsonArray("messages")).hasSize(6);
        }
    }

    @Test
    void aHeaderAndABodyThatDisagreeAreRefused() {
        String a = newConversation();
        String b = newConversation();
        HttpResponse<Buffer> r = post("/v1/chat/completions", a, chat(b, "which one?"));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo("invalid_request");
        assertThat(error.getString("param")).isEqualTo("conversation_id");
        assertThat(error.getString("message")).contains(Affinity.CONVERSATION_HEADER);
        assertThat(post("/v1/chat/completions", " ", chat(null, "blank")).statusCode()).isEqualTo(400);
    }

    /** The server ignores the balancer's query parameters; the start frame and the upgrade name the replica. */
    @Test
    void aSocketOpenedWithAffinityParametersNamesTheReplicaInItsStartFrames() throws Exception {
        WebSocketClient client = quill.vertx.createWebSocketClient();
        try {
            WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(quill.port())
                    .setURI("/ws?client=k-1&conversation=conv-whatever")).toCompletionStage().toCompletableFuture().join();
            assertThat(ws.headers().get(Affinity.REPLICA_HEADER)).isEqualTo("replica-a");
            ws.close();
        } finally {
            client.close();
        }
        try (WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws?client=k-1", null)) {
            ws.send(new JsonObject().put("type", "chat").put("id", "c1").put("client", "k-1").put("content", "hi")
                    .put("params", new JsonObject().put("max_tokens", 2)));
            JsonObject start = ws.nextOf("start", "c1");
            assertThat(start.getString("replica")).isEqualTo("replica-a");
            assertThat(ws.nextOf("done", "c1").getString("finish_reason")).isNotNull();
        }
    }

    @Test
    void theDefaultNameIsTheHostAndPort() {
        assertThat(Affinity.replicaId("", 8123)).endsWith(":8123").hasSizeGreaterThan(":8123".length());
        assertThat(Affinity.replicaId("named", 8123)).isEqualTo("named");
    }
}
