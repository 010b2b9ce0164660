package dev.quill.server.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Did the server's memory grow while it was measured? The mean of each memory series (heap, RSS,
 * live native arrays) over the first minute of the measured window against the last minute. A
 * leak grows with the requests served, so it shows as a rise; a minute-long mean smooths out the
 * heap's garbage-collection saw-tooth. A window shorter than two minutes is split in thirds
 * instead (first against last), and says so. With it, the blocked-event-loop warnings the server
 * counted during the run.
 *
 * <p>The measured window runs from the end of the warm-up to the end of the last measured request
 * (the result's {@code duration}); samples are the scraper's, in seconds since the run started.
 */
final class MemoryTrend {

    static final double WINDOW_S = 60;

    /** The series compared, in the order they are shown. */
    static final List<String> COMPARED = List.of("heap_after_gc_bytes", "heap_used_bytes", "heap_committed_bytes",
            "resident_memory_bytes", MetricsScraper.OUTSIDE_HEAP, "native_arrays_live");

    static final String BLOCKED = "event_loop_blocked_total";

    private MemoryTrend() {
    }

    /**
     * @param serverMetrics the scraper's result ({@code t} and the series)
     * @param fromS the start of the measured window, seconds since the run started
     * @param toS its end
     * @return the comparison, or null when the server reported none of the memory series
     */
    static JsonObject of(JsonObject serverMetrics, double fromS, double toS) {
        if (serverMetrics == null || serverMetrics.getJsonArray("t") == null
                || COMPARED.stream().noneMatch(serverMetrics::containsKey) && !serverMetrics.containsKey(BLOCKED)) {
            return null;
        }
        JsonArray t = serverMetrics.getJsonArray("t");
        double span = Math.max(0, toS - fromS);
        boolean minutes = span >= 2 * WINDOW_S;
        double w = minutes ? WINDOW_S : span / 3;
        JsonObject o = new JsonObject()
                .put("window", minutes ? "first and last 60 s of the measured window"
                        : "first and last third of the measured window (it is shorter than 2 minutes)")
                .put("window_s", w)
                .put("from_s", fromS)
                .put("to_s", toS);
        for (String key : COMPARED) {
            JsonArray values = serverMetrics.getJsonArray(key);
            if (values != null) {
                Double first = mean(t, values, fromS, fromS + w, false);
                Double last = mean(t, values, toS - w, toS, true);
                o.put(key, new JsonObject().put("first", first).put("last", last)
                        .put("change_pct", first != null && last != null && first != 0 ? (last - first) / first * 100 : null));
            }
        }
        JsonArray blocked = serverMetrics.getJsonArray(BLOCKED);
        if (blocked != null) {
            Double start = firstValue(blocked);
            Double end = lastValue(blocked);
            o.put("event_loop_blocked_during_run", start == null ? null : Math.round(end - start));
            o.put("event_loop_blocked_total", end == null ? null : Math.round(end));
        }
        return o;
    }

    /**
     * The mean of the samples in [lo, hi) (or (lo, hi] when {@code closedAtEnd}), nulls (missed
     * gauges) skipped; null when none.
     */
    private static Double mean(JsonArray t, JsonArray values, double lo, double hi, boolean closedAtEnd) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < t.size() && i < values.size(); i++) {
            double at = t.getDouble(i);
            boolean in = closedAtEnd ? at > lo && at <= hi : at >= lo && at < hi;
            if (in && values.getValue(i) != null) {
                sum += values.getDouble(i);
                n++;
            }
        }
        return n == 0 ? null : sum / n;
    }

    private static Double firstValue(JsonArray values) {
        for (int i = 0; i < values.size(); i++) {
            if (values.getValue(i) != null) {
                return values.getDouble(i);
            }
        }
        return null;
    }

    private static Double lastValue(JsonArray values) {
        for (int i = values.size() - 1; i >= 0; i--) {
            if (values.getValue(i) != null) {
                return values.getDouble(i);
            }
        }
        return null;
    }
}
