package dev.quill.model.template;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One case of templates/cases.json with its golden output, which make_goldens.py wrote by
 * rendering the case with Python's jinja2 set up as transformers sets it up.
 *
 * @param expectedError the message raise_exception was called with, or null when the case renders
 */
record GoldenCase(String id, String source, String bosToken, String eosToken, List<ChatMessage> messages,
                  List<Map<String, Object>> tools, boolean addGenerationPrompt, Map<String, Object> kwargs,
                  String expected, String expectedError) {

    /** The instant make_goldens.py gives strftime_now, as a fixed clock in UTC. */
    static Clock clock() {
        String now = (String) document().get("now");
        return Clock.fixed(LocalDateTime.parse(now).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
    }

    @Override
    public String toString() {
        return id;
    }

    @SuppressWarnings("unchecked")
    static List<GoldenCase> all() {
        Map<String, Object> doc = document();
        Map<String, Map<String, Object>> templates = (Map<String, Map<String, Object>>) doc.get("templates");
        List<GoldenCase> cases = new ArrayList<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) doc.get("cases")) {
            String id = (String) c.get("id");
            Map<String, Object> spec = templates.get((String) c.get("template"));
            String error = resourceOrNull("golden/" + id + ".error.txt");
            cases.add(new GoldenCase(id, resource((String) spec.get("file")),
                    (String) spec.get("bos_token"), (String) spec.get("eos_token"),
                    messages((List<Map<String, Object>>) c.get("messages")),
                    (List<Map<String, Object>>) c.get("tools"),
                    (Boolean) c.get("add_generation_prompt"),
                    c.containsKey("kwargs") ? (Map<String, Object>) c.get("kwargs") : Map.of(),
                    error == null ? resource("golden/" + id + ".txt") : null, error));
        }
        return cases;
    }

    private static List<ChatMessage> messages(List<Map<String, Object>> json) {
        List<ChatMessage> messages = new ArrayList<>();
        for (Map<String, Object> m : json) {
            Map<String, Object> fields = new LinkedHashMap<>(m);
            fields.remove("role");
            fields.remove("content");
            messages.add(new ChatMessage((String) m.get("role"), (String) m.get("content"), fields));
        }
        return messages;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> document() {
        return (Map<String, Object>) toJava(JsonParser.parseString(resource("cases.json")));
    }

    /** Gson's tree as plain Java, keeping Python's int/float distinction (7 vs 7.0) and key order. */
    static Object toJava(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            e.getAsJsonObject().entrySet().forEach(entry -> map.put(entry.getKey(), toJava(entry.getValue())));
            return map;
        }
        if (e.isJsonArray()) {
            List<Object> list = new ArrayList<>();
            e.getAsJsonArray().forEach(item -> list.add(toJava(item)));
            return list;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return p.getAsBoolean();
        }
        if (p.isString()) {
            return p.getAsString();
        }
        String number = p.getAsString();
        return number.matches("-?\\d+") ? (Object) p.getAsLong() : (Object) p.getAsDouble();
    }

    static String resource(String name) {
        String text = resourceOrNull(name);
        if (text == null) {
            throw new IllegalStateException("missing test resource templates/" + name);
        }
        return text;
    }

    static String resourceOrNull(String name) {
        try (InputStream in = GoldenCase.class.getResourceAsStream("/templates/" + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
