package dev.quill.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.Pacer;
import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a load balancer sees of a replica that shuts down (docs/DEPLOY.md, "Rolling restarts"):
 * at once {@code /health/ready} answers 503 {@code draining}, so health checks take it out of
 * rotation, and new work is refused with {@code shutting_down}, which a balancer may retry
 * elsewhere; the stream already running finishes normally within the grace period.
 */
class DrainingTest {

    @TempDir
    static Path dir;

    @Test
    void aDrainingReplicaIsNotReadyRefusesNewWorkAndFinishesItsStream() throws Exception {
        ServerFixture q = ServerFixture.start(dir, Map.of("server.shutdown_grace_seconds", "20",
                "server.replica_id", "draining-one"));
        HttpClient http = HttpClient.newHttpClient();
        // the server closes the socket when it has drained, so the test leaves it to the server
        WsClient ws = WsClient.connect(q.vertx, q.port(), "/ws", null);
        try (Pacer pacer = Pacer.start(q, 10)) {
            assertThat(get(http, q, "/health/ready").statusCode()).isEqualTo(200);
            ws.send(new JsonObject().put("type", "chat").put("id", "w1").put("content", "go on")
                    .put("params", new JsonObject().put("temperature", 0).put("max_tokens", 40).put("ignore_eos", true)));
            ws.nextOf("delta", "w1"); // running

            Future<Void> closing = q.server.close();

            HttpResponse<String> ready = get(http, q, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(new JsonObject(ready.body()).getString("status")).isEqualTo("draining");
            assertThat(ready.headers().firstValue(Affinity.REPLICA_HEADER)).contains("draining-one");
            assertThat(get(http, q, "/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + q.port() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("code")).isEqualTo("shutting_down");

            JsonObject done = ws.nextOf("done", "w1");
            assertThat(done.getString("finish_reason")).isEqualTo("length");
            closing.toCompletionStage().toCompletableFuture().join();
        } finally {
            q.close();
        }
    }

    private static HttpResponse<String> get(HttpClient http, ServerFixture q, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + q.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
