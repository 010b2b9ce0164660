package dev.quill.server.hostile;

import static dev.quill.server.hostile.Wire.error;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/**
 * Issue 12, item 12: one validator for both protocols. Each bad value is sent as the client
 * would write it (raw JSON text) in an HTTP body and in a WebSocket chat's params; both must
 * refuse it with the same code and the same message, naming the field, and never cast it first.
 */
class NumbersTest {

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static Wire wire;
    static WsClient ws;
    static int next;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of());
        wire = new Wire(quill);
        ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null);
    }

    @AfterAll
    static void stop() {
        ws.close();
        wire.close();
        quill.close();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "max_tokens | 1e20 | invalid_request",
            "max_tokens | 2147483647 | context_length_exceeded",
            "max_tokens | 2147483648 | invalid_request",
            "max_tokens | -1 | invalid_request",
            "max_tokens | 0 | invalid_request",
            "max_tokens | \"5\" | invalid_request",
            "max_tokens | 2.5 | invalid_request",
            "max_completion_tokens | 1e20 | invalid_request",
            "top_k | 1099511627776 | invalid_request",
            "top_k | -2 | invalid_request",
            "top_k | \"3\" | invalid_request",
            "temperature | \"hot\" | invalid_request",
            "temperature | 1e400 | invalid_request",
            "temperature | -1e400 | invalid_request",
            "temperature | 3 | invalid_request",
            "top_p | 0 | invalid_request",
            "presence_penalty | -3 | invalid_request",
            "repetition_penalty | 1e400 | invalid_request",
            "seed | 1e30 | invalid_request",
            "seed | 1180591620717411303424 | invalid_request",
            "seed | \"42\" | invalid_request",
            "ignore_eos | \"yes\" | invalid_request",
            "stop | 5 | invalid_request",
            "stop | [\"ok\", 5] | invalid_request",
    })
    void aBadValueIsRefusedAlikeOverHttpAndWebSocket(String field, String json, String code) throws Exception {
        HttpResponse<Buffer> http = wire.post("/v1/chat/completions", Buffer.buffer(
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"" + field + "\": " + json + "}"));
        String id = "n" + next++;
        ws.sendText("{\"type\": \"chat\", \"id\": \"" + id + "\", \"content\": \"Hi\", \"params\": {\""
                + field + "\": " + json + "}}");
        JsonObject frame = ws.nextOf("error", id);

        assertThat(http.statusCode()).isEqualTo(400);
        assertThat(error(http).getString("code")).isEqualTo(code);
        assertThat(frame.getString("code")).isEqualTo(code);
        assertThat(frame.getString("message")).isEqualTo(error(http).getString("message"));
        if (code.equals("invalid_request")) {
            assertThat(error(http).getString("param")).isEqualTo(field);
            assertThat(frame.getString("message")).contains(field);
        }
    }

    @Test
    void nIsBoundedOnEachProtocolByWhatItCanCarry() throws Exception {
        // HTTP carries up to 8 answers (choices); a WebSocket chat streams one
        HttpResponse<Buffer> http = wire.post("/v1/chat/completions", Buffer.buffer(
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"n\": 9}"));
        assertThat(http.statusCode()).isEqualTo(400);
        assertThat(error(http).getString("param")).isEqualTo("n");
        assertThat(error(http).getString("message")).contains("[1, 8]");
        ws.sendText("{\"type\": \"chat\", \"id\": \"n-many\", \"content\": \"Hi\", \"params\": {\"n\": 2}}");
        JsonObject frame = ws.nextOf("error", "n-many");
        assertThat(frame.getString("code")).isEqualTo("invalid_request");
        assertThat(frame.getString("message")).contains("n=1");
    }

    @Test
    void paramsThatAreNotAnObjectAreRefused() throws Exception {
        ws.sendText("{\"type\": \"chat\", \"id\": \"p1\", \"content\": \"Hi\", \"params\": \"fast\"}");

        JsonObject frame = ws.nextOf("error", "p1");

        assertThat(frame.getString("code")).isEqualTo("invalid_request");
        assertThat(frame.getString("message")).isEqualTo("'params' must be an object, got a string");
    }

    @Test
    void theSameValidValuesWorkOverBoth() throws Exception {
        String params = "{\"max_tokens\": 3, \"top_k\": -1, \"seed\": 7, \"temperature\": 0.5, \"ignore_eos\": true}";
        HttpResponse<Buffer> http = wire.post("/v1/chat/completions", Buffer.buffer(
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], " + params.substring(1)));
        ws.sendText("{\"type\": \"chat\", \"id\": \"ok1\", \"content\": \"Hi\", \"params\": " + params + "}");

        assertThat(http.statusCode()).as(http.bodyAsString()).isEqualTo(200);
        assertThat(http.bodyAsJsonObject().getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(3);
        assertThat(ws.nextOf("done", "ok1").getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(3);
    }
}
