package dev.quill.server.loadtest;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Result files as text for the terminal: one run in the layout of vLLM's "Serving Benchmark
 * Result" block, or two runs side by side with the change from the first to the second.
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
        return b.append("=".repeat(50)).append('\n').toString();
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
        return s.toString();
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
