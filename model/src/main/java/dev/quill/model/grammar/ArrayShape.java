package dev.quill.model.grammar;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * The rule of one array schema: {@code minItems} to {@code maxItems} items of the {@code items}
 * schema. Items up to the bound (or up to {@code minItems} when unbounded) are unrolled, each a
 * copy of the item's fragment (a call, for objects and arrays), so the count is exact; an unbounded
 * array then loops on one more item.
 */
final class ArrayShape {
    private final JsonSchemaCompiler compiler;
    private final JsonLexicon lex;
    private final Grammar.Builder g;
    private final JsonObject s;
    private final String path;

    ArrayShape(JsonSchemaCompiler compiler, JsonLexicon lex, JsonObject s, String path) {
        this.compiler = compiler;
        this.lex = lex;
        this.g = lex.builder();
        this.s = s;
        this.path = path;
    }

    /** Builds the rule from {@code start} (the state before the opening bracket). */
    void build(int start) {
        int min = count(s, "minItems", 0, path);
        int max = count(s, "maxItems", -1, path);
        if (max >= 0 && min > max) {
            throw new UnsupportedSchemaException("minItems", path, "is above maxItems: no array can match");
        }
        JsonElement items = s.has("items") ? s.get("items") : new JsonPrimitive(true);
        if (items.isJsonArray()) {
            throw new UnsupportedSchemaException("items", path, "as a list (tuple validation) is not supported");
        }
        int open = lex.whitespace(lex.literal(start, "["));
        int close = g.state();
        if (min == 0) {
            g.epsilon(open, close);
        }
        int prev = open;
        int unrolled = max >= 0 ? max : Math.max(min, 1);
        for (int k = 1; k <= unrolled; k++) {
            int itemStart = k == 1 ? prev : lex.whitespace(lex.literal(prev, ","));
            int after = lex.whitespace(compiler.compileValue(itemStart, items, path + "/items"));
            if (k >= min) {
                g.epsilon(after, close);
            }
            prev = after;
        }
        if (max < 0) { // unbounded: more items loop back
            g.epsilon(lex.whitespace(compiler.compileValue(lex.whitespace(lex.literal(prev, ",")), items, path + "/items")), prev);
        }
        g.end(lex.literal(close, "]"));
    }

    /** A count keyword's value, {@code absent} when it is not given. */
    private static int count(JsonObject s, String keyword, int absent, String path) {
        if (!s.has(keyword)) {
            return absent;
        }
        JsonElement e = s.get(keyword);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber() || e.getAsDouble() != Math.rint(e.getAsDouble())
                || e.getAsDouble() < 0) {
            throw new UnsupportedSchemaException(keyword, path, "must be a non-negative integer, got " + e);
        }
        if (e.getAsDouble() > JsonSchemaCompiler.MAX_ITEMS) {
            throw new UnsupportedSchemaException(keyword, path, "above " + JsonSchemaCompiler.MAX_ITEMS + " is not supported");
        }
        return e.getAsInt();
    }
}
