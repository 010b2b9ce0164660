package dev.quill.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.IntFunction;

/**
 * The first-against-last comparison on scripted scrapes whose means were worked out by hand:
 * one sample a second, as the scraper takes them, with samples outside the measured window that
 * must not count.
 */
class MemoryTrendTest {

    private static final double MIB = 1024 * 1024;
    private static final long S = 1_000_000_000L;

    /** Samples at t = 0, 1, ..., last seconds; a function's null is a missed gauge. */
    private static JsonObject scrapes(int last, IntFunction<Double> heap, IntFunction<Double> rss,
                                      IntFunction<Double> arrays, IntFunction<Double> blocked) {
        JsonArray t = new JsonArray();
        JsonArray h = new JsonArray();
        JsonArray r = new JsonArray();
        JsonArray a = new JsonArray();
        JsonArray b = new JsonArray();
        for (int i = 0; i <= last; i++) {
            t.add((double) i);
            h.add(heap.apply(i));
            r.add(rss.apply(i));
            a.add(arrays.apply(i));
            b.add(blocked.apply(i));
        }
        return new JsonObject().put("source", "quill").put("missed_scrapes", 0).put("t", t)
                .put("heap_used_bytes", h).put("resident_memory_bytes", r).put("native_arrays_live", a)
                .put("event_loop_blocked_total", b);
    }

    private static JsonObject result(JsonObject serverMetrics, long warmupNanos, double durationSeconds) {
        return JsonResult.build(new JsonObject().put("url", "http://127.0.0.1:1").put("protocol", "ws"), "m", List.of(),
                List.of(), durationSeconds, warmupNanos, warmupNanos + (long) (durationSeconds * S) + 5 * S, serverMetrics);
    }

    @Test
    void aRunOfTwoMinutesOrMoreComparesTheFirstAndLastMinute() {
        // Measured from 20 s (the warm-up's end) to 220 s; scraped from 0 to 225 s.
        JsonObject metrics = scrapes(225,
                i -> (100 + i) * MIB,                   // heap grows 1 MiB a second
                i -> i == 30 ? null : 1000 * MIB,       // RSS flat, one scrape missed it
                i -> i < 200 ? 340.0 : 341.0,           // one array more from 200 s on
                i -> i < 100 ? 2.0 : 5.0);              // 2 warnings before the run, 3 during it
        JsonObject r = result(metrics, 20 * S, 200);
        JsonObject m = r.getJsonObject("server_memory");

        assertThat(m.getDouble("window_s")).isEqualTo(60.0);
        assertThat(m.getString("window")).contains("60 s");
        assertThat(m.getDouble("from_s")).isEqualTo(20.0);
        assertThat(m.getDouble("to_s")).isEqualTo(220.0);
        // heap: first minute t = 20..79 (mean t 49.5), last minute t = 161..220 (mean t 190.5)
        JsonObject heap = m.getJsonObject("heap_used_bytes");
        assertThat(heap.getDouble("first") / MIB).isCloseTo(149.5, within(1e-9));
        assertThat(heap.getDouble("last") / MIB).isCloseTo(290.5, within(1e-9));
        assertThat(heap.getDouble("change_pct")).isCloseTo(141 / 149.5 * 100, within(1e-9));
        JsonObject rss = m.getJsonObject("resident_memory_bytes");
        assertThat(rss.getDouble("first") / MIB).isCloseTo(1000, within(1e-9)); // the gap is skipped, not a zero
        assertThat(rss.getDouble("change_pct")).isCloseTo(0, within(1e-12));
        // arrays: 39 samples of 340 (161..199) and 21 of 341 (200..220) in the last minute
        JsonObject arrays = m.getJsonObject("native_arrays_live");
        assertThat(arrays.getDouble("first")).isEqualTo(340.0);
        assertThat(arrays.getDouble("last")).isCloseTo(340.35, within(1e-9));
        assertThat(arrays.getDouble("change_pct")).isCloseTo(0.35 / 340 * 100, within(1e-9));
        assertThat(m.getLong("event_loop_blocked_during_run")).isEqualTo(3);
        assertThat(m.getLong("event_loop_blocked_total")).isEqualTo(5);

        String table = ResultTable.summary(r);
        assertThat(table).contains("Server memory");
        assertThat(table).contains("Mean of the first vs last 60 s:");
        assertThat(line(table, "  heap used (MiB):")).endsWith("149.5 -> 290.5 (+94.3%)");
        assertThat(line(table, "  RSS (MiB):")).endsWith("1000.0 -> 1000.0 (+0.0%)");
        assertThat(line(table, "  live arrays:")).endsWith("340 -> 340 (+0.1%)");
        assertThat(table).doesNotContain("heap after GC"); // a series the server did not report is left out
        assertThat(line(table, "Event-loop blocked warnings:")).contains("3 in the run (5 since the server started)");
    }

    @Test
    void aShorterRunComparesTheFirstAndLastThirdAndSaysSo() {
        // Measured from 0 to 90 s: thirds of 30 s, t = 0..29 (mean t 14.5) against t = 61..90 (mean t 75.5).
        JsonObject r = result(scrapes(95, i -> 10.0 * i, i -> 4096.0, i -> 7.0, i -> 0.0), 0, 90);
        JsonObject m = r.getJsonObject("server_memory");
        assertThat(m.getDouble("window_s")).isEqualTo(30.0);
        assertThat(m.getString("window")).contains("third", "shorter than 2 minutes");
        assertThat(m.getJsonObject("heap_used_bytes").getDouble("first")).isCloseTo(145, within(1e-9));
        assertThat(m.getJsonObject("heap_used_bytes").getDouble("last")).isCloseTo(755, within(1e-9));
        assertThat(m.getJsonObject("native_arrays_live").getDouble("change_pct")).isZero();
        assertThat(m.getLong("event_loop_blocked_during_run")).isZero();
        assertThat(ResultTable.summary(r)).contains("Mean of the first vs last third (the window is under 2 min):");
    }

    @Test
    void aServerWithoutTheSeriesGetsNoComparison() {
        JsonObject vllm = new JsonObject().put("source", "vllm").put("t", new JsonArray().add(0.0).add(1.0))
                .put("queue_depth", new JsonArray().add(0.0).add(1.0));
        JsonObject r = result(vllm, 0, 1);
        assertThat(r.getValue("server_memory")).isNull();
        assertThat(ResultTable.summary(r)).doesNotContain("Server memory");
        assertThat(MemoryTrend.of(new JsonObject().put("source", (String) null).put("note", "unreachable"), 0, 1)).isNull();
    }

    private static String line(String table, String label) {
        return table.lines().filter(l -> l.startsWith(label)).findFirst().orElseThrow(() -> new AssertionError(table));
    }
}
