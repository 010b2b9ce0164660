package dev.quill.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads what a run wrote and checks it is what it claims to be. */
final class ReportFiles {

    private static final String DATA_OPEN = "<script id=\"data\" type=\"application/json\">";

    private ReportFiles() {
    }

    /** The result file, which must parse as JSON. */
    static JsonObject json(Path file) throws IOException {
        return new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * Checks the report is one self-contained HTML page (no external script, style, image or
     * font) and returns the runs embedded in it.
     */
    static JsonArray html(Path file) throws IOException {
        String html = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("</html>");
        assertThat(html).doesNotContain("<link", " src=", "@import", "url(", "/*RUNS*/");
        assertThat(html).contains("function chart(").contains("createElementNS"); // draws its own SVG
        int from = html.indexOf(DATA_OPEN);
        assertThat(from).isPositive();
        int to = html.indexOf("</script>", from);
        return new JsonArray(html.substring(from + DATA_OPEN.length(), to));
    }
}
