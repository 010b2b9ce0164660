package dev.quill.server.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The report: one HTML file that holds its data and draws its own charts (inline SVG built by
 * inline script), so it opens anywhere, offline, and can be attached to an issue. One run, or two
 * side by side for {@code --compare}. The page itself is {@code report.html} beside this class.
 */
final class HtmlReport {

    /** A result and the name the report gives it. */
    record Run(String label, JsonObject result) {
    }

    /** The per-request lists stay in the JSON file; the charts need only the aggregates. */
    private static final List<String> PER_REQUEST = List.of("input_lens", "output_lens", "ttfts", "latencies",
            "start_times", "errors", "sessions", "conversations", "turns");

    private static final String PLACEHOLDER = "/*RUNS*/";

    private HtmlReport() {
    }

    static String render(List<Run> runs) {
        JsonArray data = new JsonArray();
        for (Run run : runs) {
            JsonObject r = run.result().copy();
            PER_REQUEST.forEach(r::remove);
            data.add(new JsonObject().put("label", run.label()).put("result", r));
        }
        // Inside <script> only "</script" could end the block early; "<" as \u003c is the same JSON.
        String json = data.encode().replace("<", "\\u003c");
        return template().replace(PLACEHOLDER, json);
    }

    static void write(List<Run> runs, Path file) throws IOException {
        Files.writeString(file, render(runs), StandardCharsets.UTF_8);
    }

    private static String template() {
        try (InputStream in = HtmlReport.class.getResourceAsStream("report.html")) {
            if (in == null) {
                throw new IllegalStateException("report.html is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
