package dev.quill.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The mixed run's verdict from two result files: each criterion passes and fails on its own. */
class MixedCheckTest {

    private static JsonObject result(double p50, double p99, int failed, int mismatches, double rssPct, long blocked) {
        return new JsonObject().put("completed", 100).put("failed", failed).put("incomplete", 0)
                .put("p50_ttft_ms", p50).put("p99_ttft_ms", p99)
                .put("history_checked", 40).put("history_mismatches", mismatches).put("history_unreadable", 0)
                .put("server_memory", new JsonObject()
                        .put("heap_after_gc_bytes", new JsonObject().put("change_pct", 3.0))
                        .put("resident_memory_bytes", new JsonObject().put("change_pct", rssPct))
                        .put("event_loop_blocked_during_run", blocked));
    }

    @Test
    void aMixedRunThatKeepsEveryCriterionPasses() {
        JsonObject s = MixedCheck.check(result(20, 50, 0, 0, 1, 0), result(29, 74, 0, 0, 4, 0), null);
        assertThat(s.getBoolean("pass")).as(MixedCheck.text(s)).isTrue();
        assertThat(MixedCheck.text(s)).endsWith("PASS\n").doesNotContain("FAIL");
    }

    @Test
    void eachBrokenCriterionFailsTheRunAndIsNamed() {
        JsonObject alone = result(20, 50, 0, 0, 1, 0);
        assertThat(failed(MixedCheck.check(alone, result(20, 50, 3, 0, 1, 0), null))).containsExactly("failed normal requests");
        assertThat(failed(MixedCheck.check(alone, result(31, 50, 0, 0, 1, 0), null))).containsExactly("p50 TTFT, mixed / alone");
        assertThat(failed(MixedCheck.check(alone, result(20, 76, 0, 0, 1, 0), null))).containsExactly("p99 TTFT, mixed / alone");
        assertThat(failed(MixedCheck.check(alone, result(20, 50, 0, 2, 1, 0), null))).containsExactly("history mismatches or unreadable (mixed)");
        assertThat(failed(MixedCheck.check(alone, result(20, 50, 0, 0, 30, 0), null)))
                .containsExactly("RSS growth % (first to last window)");
        assertThat(failed(MixedCheck.check(alone, result(20, 50, 0, 0, 1, 2), null)))
                .containsExactly("event-loop blocked warnings during the run");
    }

    @Test
    void aServerThatStoppedAnsweringHasNoReadingsAndFails() {
        JsonObject dead = new JsonObject().put("completed", 0).put("failed", 40).put("incomplete", 0)
                .put("p50_ttft_ms", 0.0).put("p99_ttft_ms", 0.0); // no samples: the percentiles read 0
        JsonObject s = MixedCheck.check(result(20, 50, 0, 0, 1, 0), dead, null);
        assertThat(s.getBoolean("pass")).isFalse();
        assertThat(MixedCheck.text(s)).contains("no reading").endsWith("FAIL\n");
        assertThat(failed(s)).contains("p50 TTFT, mixed / alone", "p99 TTFT, mixed / alone");
    }

    private static java.util.List<String> failed(JsonObject summary) {
        JsonArray c = summary.getJsonArray("criteria");
        return c.stream().map(o -> (JsonObject) o).filter(o -> !o.getBoolean("pass")).map(o -> o.getString("criterion")).toList();
    }
}
