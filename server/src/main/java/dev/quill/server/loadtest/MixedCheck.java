package dev.quill.server.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * Issue 12's acceptance for the mixed run, from two result files: a load test alone (the
 * baseline) and the same load test beside the hostile clients (the mixed run). It passes when the
 * mixed run's normal requests all completed, their median and p99 time to first token are within
 * {@link #TTFT_RATIO} of the baseline's, the server's heap and RSS stayed flat (first window
 * against last, {@link MemoryTrend}), no event loop was reported blocked, and every conversation's
 * stored history was exactly what its client sent and received (in both runs).
 */
final class MixedCheck {

    static final double TTFT_RATIO = 1.5;
    /** RSS may rise this much from the first window to the last: native allocators settle, a leak keeps going. */
    static final double RSS_GROWTH_PCT = 10;
    /** The heap's: garbage between collections makes it swing, so it is judged after GC where the server says. */
    static final double HEAP_GROWTH_PCT = 25;

    private MixedCheck() {
    }

    /** @param hostile the hostile driver's report, or null; kept in the summary beside the verdict */
    static JsonObject check(JsonObject baseline, JsonObject mixed, JsonObject hostile) {
        JsonArray criteria = new JsonArray();
        criteria.add(atMost("failed normal requests", count(mixed, "failed") + count(mixed, "incomplete"), 0));
        criteria.add(atLeast("normal requests completed", count(mixed, "completed"), 1));
        criteria.add(atMost("p50 TTFT, mixed / alone", ratio(mixed, baseline, "p50_ttft_ms"), TTFT_RATIO));
        criteria.add(atMost("p99 TTFT, mixed / alone", ratio(mixed, baseline, "p99_ttft_ms"), TTFT_RATIO));
        JsonObject memory = mixed.getJsonObject("server_memory", new JsonObject());
        String heap = memory.containsKey("heap_after_gc_bytes") ? "heap_after_gc_bytes" : "heap_used_bytes";
        criteria.add(atMost("heap growth % (" + heap + ", first to last window)", change(memory, heap), HEAP_GROWTH_PCT));
        criteria.add(atMost("RSS growth % (first to last window)", change(memory, "resident_memory_bytes"), RSS_GROWTH_PCT));
        criteria.add(atMost("event-loop blocked warnings during the run",
                memory.getValue("event_loop_blocked_during_run") instanceof Number n ? n.doubleValue() : null, 0));
        for (String run : new String[] {"alone", "mixed"}) {
            JsonObject r = run.equals("alone") ? baseline : mixed;
            Double bad = r.containsKey("history_checked")
                    ? count(r, "history_mismatches") + count(r, "history_unreadable") : null;
            criteria.add(atMost("history mismatches or unreadable (" + run + ")", bad, 0));
            criteria.add(atLeast("conversations verified (" + run + ")", r.containsKey("history_checked")
                    ? count(r, "history_checked") : null, 1));
        }
        boolean pass = criteria.stream().allMatch(c -> ((JsonObject) c).getBoolean("pass"));
        return new JsonObject().put("pass", pass).put("criteria", criteria)
                .put("ttft_ms", new JsonObject()
                        .put("alone", new JsonObject().put("p50", baseline.getValue("p50_ttft_ms")).put("p99", baseline.getValue("p99_ttft_ms")))
                        .put("mixed", new JsonObject().put("p50", mixed.getValue("p50_ttft_ms")).put("p99", mixed.getValue("p99_ttft_ms"))))
                .put("errors_by_code", mixed.getValue("errors_by_code"))
                .put("history_differences", mixed.getValue("history_differences"))
                .put("hostile", hostile == null ? null : hostile.getValue("behaviours"));
    }

    /** One line a criterion: PASS/FAIL, what, the value and its limit. */
    static String text(JsonObject summary) {
        StringBuilder b = new StringBuilder("==== Mixed run: normal sessions beside hostile clients ====\n");
        for (Object o : summary.getJsonArray("criteria")) {
            JsonObject c = (JsonObject) o;
            b.append(String.format(Locale.ROOT, "%-4s  %-58s %12s  (limit %s %s)%n", c.getBoolean("pass") ? "ok" : "FAIL",
                    c.getString("criterion"), c.getValue("value") == null ? "no reading" : fmt(c.getDouble("value")),
                    c.getString("rule"), fmt(c.getDouble("limit"))));
        }
        return b.append(summary.getBoolean("pass") ? "PASS\n" : "FAIL\n").toString();
    }

    private static JsonObject atMost(String what, Double value, double limit) {
        return criterion(what, value, "<=", limit, value != null && value <= limit);
    }

    private static JsonObject atLeast(String what, Double value, double limit) {
        return criterion(what, value, ">=", limit, value != null && value >= limit);
    }

    private static JsonObject criterion(String what, Double value, String rule, double limit, boolean pass) {
        return new JsonObject().put("criterion", what).put("value", value).put("rule", rule).put("limit", limit).put("pass", pass);
    }

    private static Double count(JsonObject r, String key) {
        return r.getValue(key) instanceof Number n ? n.doubleValue() : null;
    }

    private static Double ratio(JsonObject mixed, JsonObject baseline, String key) {
        Double done = count(mixed, "completed");
        if (done == null || done == 0) {
            return null; // nothing completed: percentiles of no samples are no reading, not 0
        }
        Double m = count(mixed, key);
        Double b = count(baseline, key);
        return m == null || b == null || b <= 0 || m.isNaN() || b.isNaN() ? null : m / b;
    }

    private static Double change(JsonObject memory, String key) {
        return memory.getValue(key) instanceof JsonObject s && s.getValue("change_pct") instanceof Number n ? n.doubleValue() : null;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e12 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
