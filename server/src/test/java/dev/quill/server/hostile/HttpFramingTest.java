package dev.quill.server.hostile;

import static dev.quill.server.hostile.RawHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.engine.EngineMetrics;
import dev.quill.server.testing.ServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Requests a client library would not send, over a raw socket: no Host, both Content-Length and
 * Transfer-Encoding (request smuggling), chunk extensions, and {@code stream: true} over HTTP/1.0.
 */
class HttpFramingTest {

    @TempDir
    static Path dir;
    static ServerFixture quill;

    private static final String CHAT = "{\"model\":\"tiny-qwen2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"max_tokens\":4,\"temperature\":0,\"ignore_eos\":true}";
    private static final String STREAMED_CHAT = CHAT.replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"");

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of());
    }

    @AfterAll
    static void stop() {
        quill.close();
    }

    private String host() {
        return "127.0.0.1:" + quill.port();
    }

    @Test
    void aRequestWithoutHostIsA400NotA500() throws Exception {
        RawHttp.Response r = RawHttp.exchange(quill.port(), "GET /health/live HTTP/1.1\r\n\r\n");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("missing_host");
        RawHttp.Response v1 = RawHttp.exchange(quill.port(), post("/v1/chat/completions", "HTTP/1.1", null, "application/json", CHAT));
        assertThat(v1.status()).isEqualTo(400);
        assertThat(v1.errorCode()).isEqualTo("missing_host");
    }

    @Test
    void contentLengthWithTransferEncodingIsRefusedAndTheConnectionClosed() throws Exception {
        try (Socket s = RawHttp.connect(quill.port())) {
            // a front end that frames by Content-Length sees one request; chunked framing sees two
            RawHttp.send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: " + host() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 50\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                    + "GET /health/live HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
            RawHttp.Response r = RawHttp.read(s);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("malformed_request");
            assertThat(r.headers()).containsEntry("connection", "close");
            // closed, and the smuggled request behind it never answered
            assertThat(s.getInputStream().readAllBytes()).isEmpty();
        }
    }

    @Test
    void aPipelinedRequestBehindAnOrdinaryOneIsServed() throws Exception {
        try (Socket s = RawHttp.connect(quill.port())) {
            RawHttp.send(s, "GET /health/live HTTP/1.1\r\nHost: " + host() + "\r\n\r\nGET /health/live HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
            assertThat(RawHttp.read(s).status()).isEqualTo(200);
            assertThat(RawHttp.read(s).status()).isEqualTo(200); // the control: it is the smuggling that is refused
        }
    }

    private String chunked(String extension) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: " + host() + "\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(CHAT.length()) + extension + "\r\n" + CHAT + "\r\n0\r\n\r\n";
    }

    @Test
    void aChunkExtensionGetsAnAnswerEitherWay() throws Exception {
        // Netty reads ;name and ;name="value" as RFC 9112 allows
        try (Socket s = RawHttp.connect(quill.port())) {
            RawHttp.send(s, chunked(";name=\"value\""));
            assertThat(RawHttp.read(s).status()).isEqualTo(200);
            RawHttp.send(s, chunked(";name"));
            assertThat(RawHttp.read(s).status()).isEqualTo(200);
        }
        // ... but refuses ;name=token: the client now gets a typed 400 where it got a bare close
        try (Socket s = RawHttp.connect(quill.port())) {
            RawHttp.send(s, chunked(";name=value"));
            RawHttp.Response r = RawHttp.read(s);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("malformed_request");
            assertThat(RawHttp.closedWithin(s, Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void streamingOverHttp10IsRefusedBeforeAnythingRuns() throws Exception {
        EngineMetrics.Snapshot before = quill.engine.metrics().snapshot();
        RawHttp.Response r = RawHttp.exchange(quill.port(), post("/v1/chat/completions", "HTTP/1.0", host(), "application/json", STREAMED_CHAT));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("http_version_not_supported");
        assertThat(r.json().getJsonObject("error").getString("param")).isEqualTo("stream");
        EngineMetrics.Snapshot after = quill.engine.metrics().snapshot();
        assertThat(after.running()).isZero();
        assertThat(after.queueDepth()).isZero();
        assertThat(after.requestsFinished()).isEqualTo(before.requestsFinished()); // nothing was ever submitted
        // a whole answer needs no chunking: HTTP/1.0 without stream works
        RawHttp.Response whole = RawHttp.exchange(quill.port(), post("/v1/chat/completions", "HTTP/1.0", host(), "application/json", CHAT));
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.json().getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("length");
    }
}
