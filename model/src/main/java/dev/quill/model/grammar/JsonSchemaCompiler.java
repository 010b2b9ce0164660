package dev.quill.model.grammar;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a JSON Schema into a {@link Grammar} whose documents all validate against it.
 *
 * <p>The subset is what LangChain4j and the OpenAI SDKs generate: {@code type} (one or a list,
 * e.g. {@code ["string", "null"]}), {@code properties}, {@code required},
 * {@code additionalProperties} (false, true, or a schema for a map with no properties),
 * {@code items}, {@code minItems}/{@code maxItems}, {@code enum}, {@code const}, {@code anyOf},
 * a one-element {@code allOf}, {@code nullable}, and local {@code $ref}s into {@code $defs} /
 * {@code definitions} (recursive ones too). Annotations (title, description, default...) are
 * ignored; any other keyword is refused with {@link UnsupportedSchemaException} naming it.
 *
 * <p>Choices that keep answers valid and finite: properties come in their declared order, every
 * required one present; only declared properties are written (also valid when additional ones
 * are allowed); whitespace runs are bounded; numbers have bounded digits.
 */
public final class JsonSchemaCompiler {
    /** Whitespace bytes allowed between tokens of JSON: room for ", " and ": " and "\n ". */
    public static final int DEFAULT_MAX_WHITESPACE = 2;
    /** More array items than this would be unrolled into too many states. */
    static final int MAX_ITEMS = 1024;
    /** A schema that needs more states than this is refused (a huge enum, deep unrolling). */
    static final int MAX_STATES = 200_000;

    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "$schema", "$comment",
            "default", "examples", "deprecated", "readOnly", "writeOnly", "$defs", "definitions");
    private static final Set<String> SUPPORTED = Set.of("type", "properties", "required", "additionalProperties",
            "items", "minItems", "maxItems", "enum", "const", "anyOf", "allOf", "$ref", "nullable", "uniqueItems");

    private final JsonElement root;
    private final JsonLexicon lex;
    private final Grammar.Builder g;
    private final Map<JsonElement, Integer> objectRules = new IdentityHashMap<>();
    private final Map<JsonElement, Integer> arrayRules = new IdentityHashMap<>();
    private final Map<JsonElement, Integer> refRules = new IdentityHashMap<>();

    private JsonSchemaCompiler(JsonElement root, int maxWhitespace) {
        this.root = root;
        this.g = new Grammar.Builder();
        this.lex = new JsonLexicon(g, maxWhitespace);
    }

    /**
     * The grammar of documents that validate against {@code schema} (JSON text).
     *
     * @throws UnsupportedSchemaException for a keyword outside the subset, or a schema that is not JSON
     */
    public static Grammar compile(String schema) {
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(schema);
        } catch (RuntimeException e) {
            throw new UnsupportedSchemaException("schema", "", "is not valid JSON: " + e.getMessage());
        }
        return compile(parsed, DEFAULT_MAX_WHITESPACE);
    }

    /** The grammar of {@code schema}, with at most {@code maxWhitespace} whitespace bytes in a run. */
    public static Grammar compile(JsonElement schema, int maxWhitespace) {
        JsonSchemaCompiler c = new JsonSchemaCompiler(schema, maxWhitespace);
        int start = c.g.state();
        c.g.end(c.value(start, schema, ""));
        return c.build(start, "json_schema");
    }

    /** Any JSON object: {@code response_format: {"type": "json_object"}}. */
    public static Grammar anyObject() {
        JsonSchemaCompiler c = new JsonSchemaCompiler(new JsonObject(), DEFAULT_MAX_WHITESPACE);
        return c.build(c.lex.anyObjectRule(), "json_object");
    }

    private Grammar build(int start, String name) {
        Grammar grammar = g.build(start, name);
        if (grammar.size() > MAX_STATES) {
            throw new UnsupportedSchemaException("schema", "", "is too large (" + grammar.size() + " states, at most "
                    + MAX_STATES + ")");
        }
        if (grammar.minimumLength() >= Grammar.FAR) {
            throw new UnsupportedSchemaException("$ref", "", "recurses with no way to end (every answer would be infinite)");
        }
        try {
            new Automaton(grammar); // its start state: catches a $ref cycle that writes nothing, at the root
        } catch (IllegalStateException e) {
            throw new UnsupportedSchemaException("$ref", "", "recurses without writing anything: " + e.getMessage());
        }
        return grammar;
    }

    /** Compiles {@code schema} from state {@code from}; returns the state after its value. */
    private int value(int from, JsonElement schema, String path) {
        if (schema.isJsonPrimitive() && schema.getAsJsonPrimitive().isBoolean()) {
            if (!schema.getAsBoolean()) {
                throw new UnsupportedSchemaException("false", path, "allows no value at all");
            }
            return lex.call(from, lex.valueRule());
        }
        if (!schema.isJsonObject()) {
            throw new UnsupportedSchemaException("schema", path, "must be an object or a boolean, got " + schema);
        }
        JsonObject s = schema.getAsJsonObject();
        checkKeywords(s, path);
        if (s.has("$ref")) {
            return ref(from, s, path);
        }
        if (s.has("anyOf")) {
            return anyOf(from, s, path);
        }
        if (s.has("allOf")) {
            JsonArray all = array(s, "allOf", path);
            if (all.size() != 1 || s.keySet().stream().anyMatch(k -> SUPPORTED.contains(k) && !k.equals("allOf"))) {
                throw new UnsupportedSchemaException("allOf", path, "is supported only with one schema and nothing beside it");
            }
            return value(from, all.get(0), path + "/allOf/0");
        }
        boolean nullable = s.has("nullable") && s.get("nullable").getAsBoolean();
        int out = g.state();
        if (nullable) {
            g.epsilon(lex.literal(alternative(from), "null"), out);
        }
        if (s.has("enum")) {
            JsonArray values = array(s, "enum", path);
            if (values.isEmpty()) {
                throw new UnsupportedSchemaException("enum", path, "is empty: no value can match");
            }
            for (JsonElement v : values) {
                g.epsilon(lex.literal(alternative(from), v.toString()), out);
            }
        } else if (s.has("const")) {
            g.epsilon(lex.literal(alternative(from), s.get("const").toString()), out);
        } else {
            for (String type : types(s, path)) {
                g.epsilon(typed(alternative(from), type, s, path), out);
            }
        }
        return out;
    }

    /** A fresh state reached from {@code from} by an epsilon edge: the start of one alternative. */
    private int alternative(int from) {
        int a = g.state();
        g.epsilon(from, a);
        return a;
    }

    private int typed(int from, String type, JsonObject s, String path) {
        return switch (type) {
            case "string" -> lex.call(from, lex.stringRule());
            case "number" -> lex.call(from, lex.numberRule());
            case "integer" -> lex.call(from, lex.integerRule());
            case "boolean" -> {
                int out = g.state();
                g.epsilon(lex.literal(alternative(from), "true"), out);
                g.epsilon(lex.literal(alternative(from), "false"), out);
                yield out;
            }
            case "null" -> lex.literal(from, "null");
            case "object" -> lex.call(from, objectRule(s, path));
            case "array" -> lex.call(from, arrayRule(s, path));
            case "any" -> lex.call(from, lex.valueRule());
            default -> throw new UnsupportedSchemaException("type", path, "has an unknown type '" + type + "'");
        };
    }

    /** The types a schema allows; without {@code type}, what its keywords imply, else any value. */
    private List<String> types(JsonObject s, String path) {
        JsonElement t = s.get("type");
        if (t == null) {
            if (s.has("properties") || s.has("required") || s.has("additionalProperties")) {
                return List.of("object");
            }
            return s.has("items") || s.has("minItems") || s.has("maxItems") ? List.of("array") : List.of("any");
        }
        List<String> out = new ArrayList<>();
        if (t.isJsonArray() && !t.getAsJsonArray().isEmpty()) {
            for (JsonElement e : t.getAsJsonArray()) {
                out.add(typeName(e, path));
            }
        } else {
            out.add(typeName(t, path));
        }
        return out;
    }

    private static String typeName(JsonElement e, String path) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new UnsupportedSchemaException("type", path, "must be a type name or a list of them, got " + e);
        }
        return e.getAsString();
    }

    private int anyOf(int from, JsonObject s, String path) {
        for (String k : s.keySet()) {
            if (SUPPORTED.contains(k) && !k.equals("anyOf")) {
                throw new UnsupportedSchemaException("anyOf", path, "is supported only without '" + k + "' beside it");
            }
        }
        JsonArray alternatives = array(s, "anyOf", path);
        if (alternatives.isEmpty()) {
            throw new UnsupportedSchemaException("anyOf", path, "is empty: no value can match");
        }
        int out = g.state();
        for (int i = 0; i < alternatives.size(); i++) {
            g.epsilon(value(alternative(from), alternatives.get(i), path + "/anyOf/" + i), out);
        }
        return out;
    }

    /** A local reference, compiled once as a rule and called, so recursive schemas stay finite. */
    private int ref(int from, JsonObject s, String path) {
        for (String k : s.keySet()) {
            if (SUPPORTED.contains(k) && !k.equals("$ref")) {
                throw new UnsupportedSchemaException("$ref", path, "is supported only without '" + k + "' beside it");
            }
        }
        JsonElement ref = s.get("$ref");
        String pointer = ref.isJsonPrimitive() ? ref.getAsString() : "";
        JsonElement target = SchemaPointer.resolve(root, pointer, path);
        Integer rule = refRules.get(target);
        if (rule == null) {
            rule = g.state();
            refRules.put(target, rule);
            g.end(value(rule, target, pointer.substring(1)));
        }
        return lex.call(from, rule);
    }

    private int objectRule(JsonObject s, String path) {
        Integer known = objectRules.get(s);
        if (known != null) {
            return known;
        }
        int start = g.state();
        objectRules.put(s, start);
        new ObjectShape(this, lex, s, path).build(start);
        return start;
    }

    private int arrayRule(JsonObject s, String path) {
        Integer known = arrayRules.get(s);
        if (known != null) {
            return known;
        }
        int start = g.state();
        arrayRules.put(s, start);
        new ArrayShape(this, lex, s, path).build(start);
        return start;
    }

    /** Compiles a property's or an item's schema: for {@link ObjectShape}. */
    int compileValue(int from, JsonElement schema, String path) {
        return value(from, schema, path);
    }

    static JsonArray array(JsonObject s, String keyword, String path) {
        JsonElement e = s.get(keyword);
        if (!e.isJsonArray()) {
            throw new UnsupportedSchemaException(keyword, path, "must be a list, got " + e);
        }
        return e.getAsJsonArray();
    }

    private void checkKeywords(JsonObject s, String path) {
        Set<String> unknown = new HashSet<>(s.keySet());
        unknown.removeAll(ANNOTATIONS);
        unknown.removeAll(SUPPORTED);
        if (s == root) {
            unknown.remove("$id");
        }
        if (s.has("uniqueItems") && s.get("uniqueItems").getAsBoolean()) {
            throw new UnsupportedSchemaException("uniqueItems", path, "true is not supported");
        }
        if (!unknown.isEmpty()) {
            String keyword = unknown.stream().sorted().findFirst().orElseThrow();
            throw new UnsupportedSchemaException(keyword, path, "is not supported");
        }
    }
}
