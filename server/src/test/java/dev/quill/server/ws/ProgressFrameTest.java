package dev.quill.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.Pacer;
import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A long prompt's {@code progress} frames: after {@code start}, before the first {@code delta},
 * counting up to the prompt's length. The prompt is read 7 tokens a step (a budget of 8, one for
 * the paced generation beside it), and each step takes at least 50 ms, so reading it takes many
 * steps, and the frames have time to go out between them.
 */
class ProgressFrameTest {

    @TempDir
    Path dir;

    @Test
    void aLongPromptsProgressComesBetweenStartAndTheFirstDelta() throws Exception {
        try (ServerFixture quill = ServerFixture.start(dir, Map.of("engine.slots", "2", "engine.step_token_budget", "8"));
             Pacer paced = Pacer.start(quill, 50);
             WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null)) {
            String content = "one two three four five six seven eight nine ten ".repeat(3); // within the tiny model's 256 tokens
            ws.send(new JsonObject().put("type", "chat").put("id", "p1").put("content", content)
                    .put("params", new JsonObject().put("temperature", 0).put("max_tokens", 3).put("ignore_eos", true)));
            JsonObject start = ws.next();
            assertThat(start.getString("type")).as("the first frame: %s", start).isEqualTo("start");
            int promptTokens = start.getInteger("prompt_tokens");
            assertThat(promptTokens).as("a prompt of many steps").isGreaterThan(40);
            List<JsonObject> progress = new ArrayList<>();
            JsonObject f;
            while (!(f = ws.next()).getString("type").equals("delta")) {
                assertThat(f.getString("type")).as("before the first delta: %s", f).isEqualTo("progress");
                assertThat(f.getString("id")).isEqualTo("p1");
                progress.add(f);
            }
            assertThat(progress).as("progress frames").hasSizeGreaterThanOrEqualTo(2);
            List<Integer> computed = progress.stream().map(p -> p.getInteger("computed")).toList();
            assertThat(computed).isSorted().doesNotHaveDuplicates().allMatch(c -> c >= 0 && c < promptTokens);
            assertThat(progress).allMatch(p -> p.getString("stage").equals("prefill")
                    && p.getInteger("prompt_tokens") == promptTokens);
            while (!(f = ws.next()).getString("type").equals("done")) {
                assertThat(f.getString("type")).as("after the first delta, no progress").isEqualTo("delta");
            }
            assertThat(f.getString("finish_reason")).isEqualTo("length");
        }
    }
}
