package dev.quill.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Issue 12, item 1, over real sockets: a temperature too small to invert ({@code 1e-320} over
 * HTTP, {@code 5e-324} in WebSocket params) used to make the sampler answer -1, fail the next
 * forward pass and, with it, every stream in flight ({@code internal_error "token id -1 is outside
 * the vocabulary"}). Now such a request decodes greedily, and the streams beside it never notice.
 */
class PoisonedSequenceTest {

    private static final int HEALTHY_TOKENS = 150;
    private static final int COLD_TOKENS = 8;

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of("engine.slots", "8")); // every request gets a slot at once
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        quill.close();
    }

    /** A chat body; {@code temperature} is written as given, so 1e-320 travels as that literal. */
    private static String chatBody(String content, String temperature, int maxTokens, boolean stream) {
        JsonObject body = new JsonObject().put("model", "tiny-qwen2")
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", content)))
                .put("ignore_eos", true).put("max_tokens", maxTokens).put("stream", stream)
                .put("temperature", "T");
        if (stream) {
            body.put("stream_options", new JsonObject().put("include_usage", true));
        }
        return body.encode().replace("\"temperature\":\"T\"", "\"temperature\":" + temperature);
    }

    private static HttpRequest post(String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + quill.port() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** A WebSocket chat message; {@code temperature} is written as given. */
    private static String wsChat(String id, String content, String temperature, int maxTokens) {
        JsonObject m = new JsonObject().put("type", "chat").put("id", id).put("content", content)
                .put("params", new JsonObject().put("temperature", "T").put("max_tokens", maxTokens)
                        .put("ignore_eos", true));
        return m.encode().replace("\"temperature\":\"T\"", "\"temperature\":" + temperature);
    }

    /** One SSE stream read line by line as it arrives: the JSON chunks, and a latch at the first. */
    private static final class SseStream {
        final CountDownLatch firstChunk = new CountDownLatch(1);
        final CompletableFuture<List<JsonObject>> chunks;

        SseStream(String body) {
            chunks = http.sendAsync(post(body), HttpResponse.BodyHandlers.ofInputStream())
                    .thenApplyAsync(r -> {
                        assertThat(r.statusCode()).isEqualTo(200);
                        return read(r.body());
                    });
        }

        private List<JsonObject> read(InputStream in) {
            List<JsonObject> out = new ArrayList<>();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.equals("data: [DONE]")) {
                        return out;
                    }
                    if (line.startsWith("data: ")) {
                        out.add(new JsonObject(line.substring("data: ".length())));
                        firstChunk.countDown();
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            throw new AssertionError("the stream ended without [DONE]: " + out);
        }
    }

    /** A WebSocket chat's text and its terminal frame ({@code done} or {@code error}). */
    private record WsResult(String text, JsonObject end) {
    }

    private static WsResult readChat(WsClient ws, String id) throws InterruptedException {
        StringBuilder text = new StringBuilder();
        while (true) {
            JsonObject f = ws.next();
            if (!id.equals(f.getString("id"))) {
                continue;
            }
            switch (f.getString("type")) {
                case "delta" -> text.append(f.getString("text"));
                case "done", "error" -> {
                    return new WsResult(text.toString(), f);
                }
                default -> { } // start
            }
        }
    }

    @Test
    void tinyTemperaturesDecodeGreedilyAndEveryStreamBesideThemCompletes() throws Exception {
        List<SseStream> sse = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            sse.add(new SseStream(chatBody("healthy stream " + i, "0", HEALTHY_TOKENS, true)));
        }
        List<WsClient> sockets = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null);
            ws.sendText(wsChat("h" + i, "healthy socket " + i, "0", HEALTHY_TOKENS));
            ws.nextOf("delta", "h" + i); // streaming now
            sockets.add(ws);
        }
        for (SseStream s : sse) {
            assertThat(s.firstChunk.await(30, TimeUnit.SECONDS)).as("a healthy SSE stream started").isTrue();
        }

        // While all four stream: the two requests that used to kill them.
        CompletableFuture<HttpResponse<String>> cold = http.sendAsync(
                post(chatBody("cold", "1e-320", COLD_TOKENS, false)), HttpResponse.BodyHandlers.ofString());
        WsClient coldSocket = WsClient.connect(quill.vertx, quill.port(), "/ws", null);
        coldSocket.sendText(wsChat("c", "cold socket", "5e-324", COLD_TOKENS));
        WsResult coldWs = readChat(coldSocket, "c");
        HttpResponse<String> coldHttp = cold.get(30, TimeUnit.SECONDS);
        boolean overlapped = sse.stream().noneMatch(s -> s.chunks.isDone());

        for (SseStream s : sse) {
            assertHealthySse(s.chunks.get(60, TimeUnit.SECONDS));
        }
        for (int i = 0; i < sockets.size(); i++) {
            WsResult r = readChat(sockets.get(i), "h" + i);
            assertThat(r.end().getString("type")).as("healthy socket %d: %s", i, r.end()).isEqualTo("done");
            assertThat(r.end().getString("finish_reason")).isEqualTo("length");
            assertThat(r.end().getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(HEALTHY_TOKENS);
            sockets.get(i).close();
        }

        assertThat(overlapped).as("the healthy streams were still running when the cold ones ended").isTrue();

        // The cold ones were answered greedily: exactly what temperature 0 gives.
        assertThat(coldHttp.statusCode()).as(coldHttp.body()).isEqualTo(200);
        HttpResponse<String> greedyHttp = http.send(post(chatBody("cold", "0", COLD_TOKENS, false)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(message(coldHttp.body())).isEqualTo(message(greedyHttp.body())).isNotEmpty();
        assertThat(coldWs.end().getString("type")).as("%s", coldWs.end()).isEqualTo("done");
        coldSocket.sendText(wsChat("g", "cold socket", "0", COLD_TOKENS));
        assertThat(coldWs.text()).isEqualTo(readChat(coldSocket, "g").text()).isNotEmpty();
        coldSocket.close();
    }

    /**
     * Every generated token is matched against every stop string on the one engine thread, so a
     * body full of them would slow every stream: past the bound they are refused up front.
     */
    @Test
    void aFloodOfStopStringsIsRefusedBeforeItReachesTheEngine() throws Exception {
        JsonArray stops = new JsonArray();
        for (int i = 0; i < 5000; i++) {
            stops.add("s" + i);
        }
        String body = new JsonObject(chatBody("stops", "0", 4, false)).put("stop", stops).encode();
        HttpResponse<String> r = http.send(post(body), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("param")).isEqualTo("stop");
        assertThat(error.getString("message")).contains("at most 16 strings");
    }

    private static void assertHealthySse(List<JsonObject> chunks) {
        for (JsonObject c : chunks) {
            assertThat(c.containsKey("error")).as("an error chunk in a healthy stream: %s", c).isFalse();
        }
        JsonObject usage = chunks.get(chunks.size() - 1).getJsonObject("usage");
        assertThat(usage.getInteger("completion_tokens")).isEqualTo(HEALTHY_TOKENS);
        JsonObject finish = chunks.get(chunks.size() - 2).getJsonArray("choices").getJsonObject(0);
        assertThat(finish.getString("finish_reason")).isEqualTo("length");
    }

    private static String message(String body) {
        JsonObject choice = new JsonObject(body).getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getString("finish_reason")).isEqualTo("length");
        return choice.getJsonObject("message").getString("content");
    }
}
