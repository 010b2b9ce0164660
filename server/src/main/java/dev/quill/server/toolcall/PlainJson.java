package dev.quill.server.toolcall;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Vert.x JSON as plain maps and lists, key order kept: what a chat template is handed. */
final class PlainJson {

    private PlainJson() {
    }

    static Object of(Object v) {
        if (v instanceof JsonObject o) {
            return map(o);
        }
        if (v instanceof Map<?, ?> m) {
            return map(new JsonObject(castMap(m)));
        }
        if (v instanceof JsonArray a) {
            List<Object> out = new ArrayList<>(a.size());
            a.forEach(x -> out.add(of(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            return of(new JsonArray(new ArrayList<>(l)));
        }
        return v;
    }

    static Map<String, Object> map(JsonObject o) {
        Map<String, Object> out = new LinkedHashMap<>();
        o.forEach(e -> out.put(e.getKey(), of(e.getValue())));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
