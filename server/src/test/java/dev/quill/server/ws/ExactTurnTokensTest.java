package dev.quill.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/**
 * Over the WebSocket, a conversation's next turn reuses the engine's cache of the whole previous
 * turn, its answer included, because its prompt begins with the exact ids the model generated
 * rather than a tokenization of the answer's text.
 */
class ExactTurnTokensTest {

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

    private static JsonObject chat(String id, String conversation, String content) {
        JsonObject m = new JsonObject().put("type", "chat").put("id", id).put("content", content)
                .put("params", new JsonObject().put("temperature", 0).put("max_tokens", 24));
        return conversation == null ? m : m.put("conversation", conversation);
    }

    /** The done frame's usage of one turn. */
    private static JsonObject turn(WsClient ws, JsonObject chat) throws Exception {
        ws.send(chat);
        ws.nextOf("start", chat.getString("id"));
        JsonObject f;
        while (!(f = ws.next()).getString("type").equals("done")) {
            assertThat(f.getString("type")).isIn("delta", "progress");
        }
        return f.getJsonObject("usage");
    }

    @Test
    void eachNextTurnReusesThePreviousTurnsPromptAndAnswer() throws Exception {
        try (WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null)) {
            ws.send(chat("t0", null, "Hello there, how are attention heads combined?"));
            String conversation = ws.nextOf("start", "t0").getString("conversation");
            JsonObject f;
            while (!(f = ws.next()).getString("type").equals("done")) {
                assertThat(f.getString("type")).isIn("delta", "progress");
            }
            JsonObject previous = f.getJsonObject("usage");
            for (int t = 1; t <= 3; t++) {
                JsonObject usage = turn(ws, chat("t" + t, conversation, "And then what happens in turn " + t + "?"));
                int before = previous.getInteger("prompt_tokens") + previous.getInteger("completion_tokens");
                // The whole previous turn but its last token, which was sampled and never fed (an
                // answer that ended at eos has that one computed too: the eos itself is not in the text).
                assertThat(usage.getInteger("cached_tokens")).as("turn %d", t).isBetween(before - 1, before);
                previous = usage;
            }
        }
    }
}
