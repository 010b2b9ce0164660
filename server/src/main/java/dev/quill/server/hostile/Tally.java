package dev.quill.server.hostile;

import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.TreeMap;

/** Counts of what a behaviour did and saw, by name ({@code "http_400"}, {@code "closed_by_server"}). Event-loop confined. */
final class Tally {

    private final Map<String, Long> counts = new TreeMap<>();

    void add(String what) {
        add(what, 1);
    }

    void add(String what, long n) {
        counts.merge(what, n, Long::sum);
    }

    long get(String what) {
        return counts.getOrDefault(what, 0L);
    }

    JsonObject toJson() {
        return new JsonObject(new java.util.LinkedHashMap<>(counts));
    }
}
