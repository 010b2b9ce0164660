package dev.quill.server.loadtest;

import io.vertx.core.json.JsonObject;

/**
 * What a load-test request that asks for JSON sends ({@code --json-share}): a {@code response_format}
 * of type json_schema with a nested schema of the kind agent frameworks generate (an object with
 * strings, an integer, an enum, an array of objects, a nullable field and a {@code $ref}), so the
 * server's constrained decoding is measured under load beside free-text requests.
 */
final class JsonAnswers {

    static final JsonObject FORMAT = new JsonObject("""
            {"type": "json_schema", "json_schema": {"name": "person", "strict": true, "schema": {
              "$defs": {"Address": {"type": "object", "additionalProperties": false,
                                    "properties": {"city": {"type": "string"}, "country": {"enum": ["FR", "DE", "IT"]}},
                                    "required": ["city", "country"]}},
              "type": "object", "additionalProperties": false,
              "properties": {"name": {"type": "string"}, "age": {"type": "integer"},
                             "email": {"type": ["string", "null"]}, "address": {"$ref": "#/$defs/Address"},
                             "friends": {"type": "array", "maxItems": 3,
                                         "items": {"type": "object", "additionalProperties": false,
                                                   "properties": {"name": {"type": "string"}, "since": {"type": "integer"}},
                                                   "required": ["name", "since"]}}},
              "required": ["name", "age", "email", "address", "friends"]}}}""");

    private JsonAnswers() {
    }

    /**
     * Whether turn {@code turn} of conversation {@code conversation} asks for JSON: a hash of the
     * two against {@code share}, so that the run's own random sequence (prompts, lengths, arrivals)
     * is the same with and without JSON requests, and the two runs compare.
     */
    static JsonObject pick(double share, long seed, int conversation, int turn) {
        if (share <= 0) {
            return null;
        }
        long z = seed * 0x9E3779B97F4A7C15L + conversation * 0xBF58476D1CE4E5B9L + turn;
        z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
        z ^= z >>> 29;
        return (z >>> 11) * 0x1.0p-53 < share ? FORMAT : null;
    }
}
