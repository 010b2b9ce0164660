package dev.quill.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The hostile driver, briefly, against a real Quill: it runs every behaviour, stops by itself and reports. */
class HostileRunTest {

    @TempDir
    static Path dir;
    static ServerFixture quill;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of());
    }

    @AfterAll
    static void stop() {
        quill.close();
    }

    @Test
    void everyBehaviourRunsAndTheDriverStopsByItselfWithItsReport() throws Exception {
        Path out = dir.resolve("hostile.json");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        long t0 = System.nanoTime();
        int code = HostileCommand.run(new String[] {"--url", "http://127.0.0.1:" + quill.port(), "--duration", "3",
                "--grace", "20", "--out", out.toString(),
                "--never-readers", "1", "--history-requests", "200", "--large-message-kb", "16",
                "--slowloris", "3", "--slowloris-interval", "1", "--idle", "5", "--idle-keep-alive", "2",
                "--tiny-temperature", "2", "--long-bodies", "1", "--abandon-after", "1",
                "--refused-retries", "1", "--refused-words", "400", "--disconnects", "2"},
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
        double took = (System.nanoTime() - t0) / 1e9;

        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(took).isLessThan(3 + 20 + 5); // bounded: duration + grace + closing
        JsonObject r = new JsonObject(Files.readString(out));
        assertThat(new JsonObject(stdout.toString(StandardCharsets.UTF_8))).isEqualTo(r);
        JsonObject b = r.getJsonObject("behaviours");
        assertThat(b.fieldNames()).containsExactlyInAnyOrder("never_reading_sockets", "slowloris", "idle_connections",
                "idle_keep_alive", "tiny_temperature", "thousand_message_bodies", "refused_retries", "mid_stream_disconnects");

        JsonObject never = b.getJsonObject("never_reading_sockets");
        assertThat(never.getLong("history_requests_sent")).isPositive();
        assertThat(never.getJsonObject("seen").fieldNames()).anyMatch(k -> k.startsWith("large message: "));

        JsonObject slow = b.getJsonObject("slowloris");
        assertThat(slow.getJsonObject("seen").getLong("opened")).isEqualTo(3);
        assertThat(slow.getJsonObject("seen").getLong("bytes_trickled", 0L)
                + slow.getJsonObject("seen").getLong("closed_by_server", 0L)).isPositive();
        assertThat(b.getJsonObject("idle_connections").getJsonObject("seen").getLong("opened")).isEqualTo(5);
        assertThat(b.getJsonObject("idle_keep_alive").getJsonObject("seen").fieldNames())
                .anyMatch(k -> k.startsWith("reply HTTP/1.1 200")); // its one request was answered, then it idled

        assertThat(total(b.getJsonObject("tiny_temperature").getJsonObject("seen"))).isEqualTo(2 * 2); // sent + outcome each
        assertThat(total(b.getJsonObject("mid_stream_disconnects").getJsonObject("seen"))).isEqualTo(2);
        assertThat(total(b.getJsonObject("thousand_message_bodies").getJsonObject("seen"))).isEqualTo(1);
        JsonObject refused = b.getJsonObject("refused_retries").getJsonObject("seen");
        assertThat(refused.fieldNames()).anyMatch(k -> k.startsWith("ws error "));
        assertThat(refused.fieldNames()).anyMatch(k -> k.startsWith("ws: ") && k.endsWith("copies stored"));
        assertThat(refused.fieldNames()).anyMatch(k -> k.startsWith("http: ") && k.endsWith("copies stored"));
    }

    @Test
    void refusesAnyServerButThisMachine() {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = HostileCommand.run(new String[] {"--url", "http://192.0.2.1:8080", "--duration", "1"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("loopback");
    }

    private static long total(JsonObject seen) {
        return seen.fieldNames().stream().mapToLong(seen::getLong).sum();
    }
}
