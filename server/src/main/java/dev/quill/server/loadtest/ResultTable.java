package dev.quill.server.loadtest;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Result files as text for the terminal: one run in the layout of vLLM's "Serving Benchmark
 * Result" block (and, against a Quill, whether its memory grew), or two runs side by side with
 * the change from the first to the second.
 */
final class ResultTable {

    /** A printed line: its label and the result key it shows (null: a section header). */
    private record Row(String label, String key) {
    }

    private static final List<Row> ROWS = List.of(
            new Row("Successful requests:", "completed"),
            new Row("Failed requests:", "failed"),
            new Row("Cut off at the time limit:", "incomplete"),
            new Row("Benchmark duration (s):", "duration"),
            new Row("Total input tokens:", "total_input_tokens"),
            new Row("Total cached input tokens:", "total_cached_tokens"),
            new Row("Total generated tokens:", "total_output_tokens"),
            new Row("Request throughput (req/s):", "request_throughput"),
            new Row("Output token throughput (tok/s):", "output_throughput"),
            new Row("Streamed output, all requests (tok/s):", "streamed_output_throughput"),
            new Row("Peak output token throughput (tok/s):", "max_output_tokens_per_s"),
            new Row("Peak concurrent requests:", "max_concurrent_requests"),
            new Row("Total Token throughput (tok/s):", "total_token_throughput"),
            new Row("Time to First Token", null),
            new Row("TTFT", "ttft"),
            new Row("Time per Output Token (excl. 1st token)", null),
            new Row("TPOT", "tpot"),
            new Row("Inter-token Latency", null),
            new Row("ITL", "itl"),
            new Row("End-to-end Latency", null),
            new Row("E2EL", "e2el"));

    private static final String[][] STATS = {{"Mean", "mean"}, {"Median", "median"}, {"P90", "p90"}, {"P99", "p99"}};

    private static final double MIB = 1024 * 1024;

    /** The memory series' short names, for one line that holds them all. */
    private static final Map<String, String> SHORT = Map.of("heap_after_gc_bytes", "heap after GC",
            "heap_used_bytes", "heap used", "heap_committed_bytes", "heap committed", "resident_memory_bytes", "RSS",
            MetricsScraper.OUTSIDE_HEAP, "RSS outside heap", "native_arrays_live", "live arrays");

    private ResultTable() {
    }

    static String summary(JsonObject r) {
        StringBuilder b = new StringBuilder(center(" Serving Benchmark Result ", '=')).append('\n');
        b.append(String.format("%-40s %s%n", "Target:", r.getJsonObject("config", new JsonObject()).getString("url", "?")
                + " (" + r.getJsonObject("config", new JsonObject()).getString("protocol", "?") + ")"));
        for (Row row : ROWS) {
            if (row.key() == null) {
                b.append(center(row.label(), '-')).append('\n');
            } else if (r.containsKey(row.key())) {
                b.append(String.format(Locale.ROOT, "%-40s %s%n", row.label(), number(r.getValue(row.key()))));
            } else {
                for (String[] stat : STATS) {
                    b.append(String.format(Locale.ROOT, "%-40s %s%n", stat[0] + " " + row.label() + " (ms):",
                            number(r.getValue(stat[1] + "_" + row.key() + "_ms"))));
                }
            }
        }
        errors(b, r);
        history(b, r);
        replicas(b, r.getJsonObject("replicas"));
        memory(b, r.getJsonObject("server_memory"));
        return b.append("=".repeat(50)).append('\n').toString();
    }

    /** {@code --verify-history}: how many conversations were read back, and the first differences. */
    private static void history(StringBuilder b, JsonObject r) {
        if (r.containsKey("history_error")) {
            b.append(center("Stored history", '-')).append('\n').append("Not verified: ").append(r.getValue("history_error")).append('\n');
        }
        if (!r.containsKey("history_checked")) {
            return;
        }
        b.append(center("Stored history", '-')).append('\n');
        for (String[] row : new String[][] {{"Conversations verified:", "history_checked"},
                {"History mismatches:", "history_mismatches"}, {"Histories unreadable:", "history_unreadable"},
                {"Unverifiable (refused first turn):", "history_unverifiable"}}) {
            b.append(String.format(Locale.ROOT, "%-40s %s%n", row[0], number(r.getValue(row[1]))));
        }
        for (Object o : r.getJsonArray("history_differences", new io.vertx.core.json.JsonArray())) {
            JsonObject d = (JsonObject) o;
            b.append("  ").append(d.getString("conversation")).append(": ")
                    .append(String.join("; ", d.getJsonArray("differences").stream().map(String::valueOf).toList())).append('\n');
        }
        for (Object o : r.getJsonArray("history_read_errors", new io.vertx.core.json.JsonArray())) {
            JsonObject d = (JsonObject) o;
            b.append("  ").append(d.getString("conversation")).append(": not read: ").append(d.getString("error")).append('\n');
        }
    }

    /** Behind a load balancer: where the turns went, and how many follow-ups stayed on their conversation's replica. */
    private static void replicas(StringBuilder b, JsonObject r) {
        if (r == null) {
            return;
        }
        b.append(center("Replicas", '-')).append('\n');
        b.append(String.format(Locale.ROOT, "%-40s %s%n", "Turns by replica:",
                String.join(", ", r.getJsonObject("turns_by_replica").stream().map(e -> e.getKey() + " " + e.getValue()).toList())));
        b.append(String.format(Locale.ROOT, "%-40s %s of %s (%s)%n", "Follow-ups on the previous replica:",
                r.getValue("same_replica_turns"), r.getValue("follow_up_turns"),
                r.getValue("affinity") instanceof Number a ? String.format(Locale.ROOT, "%.2f %%", 100 * a.doubleValue()) : "-"));
        b.append(String.format(Locale.ROOT, "%-40s %s%n", "Conversations that moved:", r.getValue("moved_conversations")));
    }

    /** Issue 6's question: did the heap, RSS or live arrays grow, and was an event loop blocked. One line a series. */
    private static void memory(StringBuilder b, JsonObject m) {
        if (m == null) {
            return;
        }
        b.append(center("Server memory", '-')).append('\n');
        boolean header = false;
        for (String key : MemoryTrend.COMPARED) {
            JsonObject c = m.getJsonObject(key);
            if (c == null) {
                continue;
            }
            if (!header) {
                b.append(m.getDouble("window_s", 0.0) == MemoryTrend.WINDOW_S ? "Mean of the first vs last 60 s:\n"
                        : "Mean of the first vs last third (the window is under 2 min):\n");
                header = true;
            }
            double scale = key.endsWith("_bytes") ? MIB : 1;
            String label = "  " + SHORT.get(key) + (scale == 1 ? ":" : " (MiB):");
            b.append(String.format(Locale.ROOT, "%-40s %s -> %s (%s)%n", label, mean(c.getDouble("first"), scale),
                    mean(c.getDouble("last"), scale), percent(c.getDouble("change_pct"))));
        }
        if (m.containsKey("event_loop_blocked_total")) {
            b.append(String.format("%-40s %s in the run (%s since the server started)%n", "Event-loop blocked warnings:",
                    number(m.getValue("event_loop_blocked_during_run")), number(m.getValue("event_loop_blocked_total"))));
        }
    }

    private static String mean(Double v, double scale) {
        return v == null ? "-" : String.format(Locale.ROOT, scale == 1 ? "%.0f" : "%.1f", v / scale);
    }

    private static String percent(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%+.1f%%", v);
    }

    static String compare(JsonObject a, JsonObject b, String labelA, String labelB) {
        StringBuilder s = new StringBuilder(String.format("%-40s %14s %14s %9s%n", "", clip(labelA), clip(labelB), "change"));
        for (Row row : ROWS) {
            if (row.key() == null) {
                s.append(center(row.label(), '-')).append('\n');
            } else if (a.containsKey(row.key()) || b.containsKey(row.key())) {
                s.append(line(row.label(), a.getValue(row.key()), b.getValue(row.key())));
            } else {
                for (String[] stat : STATS) {
                    String key = stat[1] + "_" + row.key() + "_ms";
                    s.append(line(stat[0] + " " + row.label() + " (ms):", a.getValue(key), b.getValue(key)));
                }
            }
        }
        compareMemory(s, a.getJsonObject("server_memory"), b.getJsonObject("server_memory"));
        return s.toString();
    }

    /** Last-window means side by side, and each run's own growth (a growth of a growth means nothing: no change). */
    private static void compareMemory(StringBuilder s, JsonObject a, JsonObject b) {
        if (a == null && b == null) {
            return; // neither run was against a Quill that reports its memory
        }
        s.append(center("Server memory", '-')).append('\n');
        for (String key : MemoryTrend.COMPARED) {
            JsonObject x = a == null ? null : a.getJsonObject(key);
            JsonObject y = b == null ? null : b.getJsonObject(key);
            if (x == null && y == null) {
                continue;
            }
            double scale = key.endsWith("_bytes") ? MIB : 1;
            String name = SHORT.get(key).substring(0, 1).toUpperCase(Locale.ROOT) + SHORT.get(key).substring(1);
            Double lastX = x == null ? null : x.getDouble("last");
            Double lastY = y == null ? null : y.getDouble("last");
            s.append(line(name + ", last window" + (scale == 1 ? ":" : " (MiB):"),
                    lastX == null ? null : lastX / scale, lastY == null ? null : lastY / scale));
            s.append(String.format(Locale.ROOT, "%-40s %14s %14s%n", name + ", first to last window:",
                    percent(x == null ? null : x.getDouble("change_pct")), percent(y == null ? null : y.getDouble("change_pct"))));
        }
        s.append(line("Event-loop blocked warnings:", a == null ? null : a.getValue("event_loop_blocked_during_run"),
                b == null ? null : b.getValue("event_loop_blocked_during_run")));
    }

    private static String line(String label, Object a, Object b) {
        String change = "";
        if (a instanceof Number x && b instanceof Number y && x.doubleValue() != 0) {
            change = String.format(Locale.ROOT, "%+.1f%%", (y.doubleValue() - x.doubleValue()) / Math.abs(x.doubleValue()) * 100);
        }
        return String.format(Locale.ROOT, "%-40s %14s %14s %9s%n", label, number(a), number(b), change);
    }

    private static void errors(StringBuilder b, JsonObject r) {
        JsonObject errors = r.getJsonObject("errors_by_code", new JsonObject());
        if (!errors.isEmpty()) {
            b.append(center("Errors by code", '-')).append('\n');
            for (Map.Entry<String, Object> e : errors) {
                b.append(String.format("%-40s %s%n", e.getKey() + ":", e.getValue()));
            }
        }
    }

    private static String number(Object v) {
        if (v instanceof Double || v instanceof Float) {
            return String.format(Locale.ROOT, "%.2f", ((Number) v).doubleValue());
        }
        return v == null ? "-" : v.toString();
    }

    private static String center(String title, char fill) {
        int left = Math.max(0, (50 - title.length()) / 2);
        return String.valueOf(fill).repeat(left) + title + String.valueOf(fill).repeat(Math.max(0, 50 - left - title.length()));
    }

    private static String clip(String label) {
        return label.length() <= 14 ? label : "…" + label.substring(label.length() - 13);
    }
}
