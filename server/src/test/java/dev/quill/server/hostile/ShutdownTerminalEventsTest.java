package dev.quill.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.RawWebSocket;
import dev.quill.server.testing.ServerFixture;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Issue 12, item 9: streams still running when the shutdown grace period ends were cut with no
 * terminal event (SSE: no error, no [DONE]; WebSocket: close 1000). Now a WebSocket chat gets
 * {@code error shutting_down} and the socket closes with 1001, and an SSE stream gets an error
 * chunk and {@code [DONE]} before the response ends.
 */
class ShutdownTerminalEventsTest {

    @TempDir
    Path dir;

    /** A greedy answer as long as the tiny model's context allows: it runs well past a zero grace. */
    private static final int LONG = 220;

    @Test
    void streamsStillRunningWhenTheGraceEndsGetATerminalEvent() throws Exception {
        ServerFixture q = ServerFixture.start(dir, Map.of("server.shutdown_grace_seconds", "0"));
        HttpClient http = HttpClient.newHttpClient();
        try (RawWebSocket ws = RawWebSocket.connect(q.port()); RawWebSocket idle = RawWebSocket.connect(q.port())) {
            ws.sendJson(new JsonObject().put("type", "chat").put("id", "w1").put("content", "go on")
                    .put("params", new JsonObject().put("temperature", 0).put("max_tokens", LONG).put("ignore_eos", true)));
            while (!ws.read().json().getString("type").equals("delta")) {
                // start, then the first delta: the answer is running
            }
            Iterator<String> sse = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + q.port() + "/v1/chat/completions"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(sseRequest().encode())).build(),
                    HttpResponse.BodyHandlers.ofLines()).body().iterator();
            while (!sse.next().startsWith("data: ")) {
                // the first chunk: this answer is running too
            }

            Future<Void> closing = q.server.close();

            List<JsonObject> frames = new ArrayList<>();
            RawWebSocket.Message m;
            while ((m = ws.read()).opcode() != RawWebSocket.CLOSE) {
                frames.add(m.json());
            }
            assertThat(m.closeCode()).isEqualTo(1001);
            JsonObject last = frames.get(frames.size() - 1);
            assertThat(last.getString("type")).isEqualTo("error");
            assertThat(last.getString("id")).isEqualTo("w1");
            assertThat(last.getString("code")).isEqualTo("shutting_down");
            assertThat(frames).noneMatch(f -> f.getString("type").equals("done"));
            ws.sendFrame(RawWebSocket.CLOSE, true, new byte[] {0x03, (byte) 0xe9}); // the close handshake's reply

            RawWebSocket.Message idleClose = idle.read(); // a socket with nothing running only closes
            assertThat(idleClose.opcode()).isEqualTo(RawWebSocket.CLOSE);
            assertThat(idleClose.closeCode()).isEqualTo(1001);
            idle.sendFrame(RawWebSocket.CLOSE, true, new byte[] {0x03, (byte) 0xe9});

            List<String> rest = new ArrayList<>();
            sse.forEachRemaining(rest::add); // to the end of the response
            List<String> data = rest.stream().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
            assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
            JsonObject error = new JsonObject(data.get(data.size() - 2)).getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("shutting_down");
            assertThat(data.subList(0, data.size() - 2)).noneMatch(d -> d.contains("finish_reason\":\"length"));

            closing.toCompletionStage().toCompletableFuture().join();
        } finally {
            q.close();
        }
    }

    private static JsonObject sseRequest() {
        return new JsonObject().put("model", "tiny-qwen2").put("stream", true)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "and on")))
                .put("temperature", 0).put("ignore_eos", true).put("max_tokens", LONG);
    }
}
