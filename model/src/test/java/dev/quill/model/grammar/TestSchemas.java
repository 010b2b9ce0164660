package dev.quill.model.grammar;

import java.util.LinkedHashMap;
import java.util.Map;

/** Schemas as LangChain4j and the OpenAI SDKs write them, one per feature of the supported subset. */
public final class TestSchemas {
    private TestSchemas() {
    }

    public static final String NESTED = """
            {"type": "object", "additionalProperties": false,
             "properties": {
               "name": {"type": "string", "description": "the person's name"},
               "age": {"type": "integer"},
               "address": {"type": "object", "additionalProperties": false,
                           "properties": {"street": {"type": "string"}, "city": {"type": "string"},
                                          "zip": {"type": "string"}},
                           "required": ["street", "city"]},
               "score": {"type": "number"},
               "member": {"type": "boolean"}},
             "required": ["name", "age", "address"]}""";

    public static final String ARRAYS = """
            {"type": "object", "additionalProperties": false,
             "properties": {
               "scores": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 4},
               "matrix": {"type": "array", "minItems": 1, "maxItems": 2,
                          "items": {"type": "array", "items": {"type": "integer"}, "maxItems": 2}},
               "tags": {"type": "array", "items": {"type": "string"}}},
             "required": ["scores", "matrix", "tags"]}""";

    public static final String ENUMS = """
            {"type": "object", "additionalProperties": false,
             "properties": {
               "color": {"type": "string", "enum": ["red", "green", "blue", "réd"]},
               "kind": {"const": "shirt"},
               "mixed": {"enum": [1, "two", null, true, {"a": [1]}]},
               "flag": {"type": "boolean"}},
             "required": ["color", "kind", "mixed", "flag"]}""";

    public static final String ANY_OF = """
            {"type": "object", "additionalProperties": false,
             "properties": {
               "value": {"anyOf": [{"type": "string"}, {"type": "integer"},
                                   {"type": "object", "properties": {"x": {"type": "number"}},
                                    "required": ["x"], "additionalProperties": false},
                                   {"type": "object", "properties": {"y": {"type": "null"}},
                                    "required": ["y"], "additionalProperties": false}]},
               "maybe": {"anyOf": [{"type": "string"}, {"type": "null"}]}},
             "required": ["value", "maybe"]}""";

    public static final String REFS = """
            {"$defs": {
               "Step": {"type": "object", "additionalProperties": false,
                        "properties": {"explanation": {"type": "string"}, "output": {"type": "string"}},
                        "required": ["explanation", "output"]}},
             "type": "object", "additionalProperties": false,
             "properties": {
               "steps": {"type": "array", "items": {"$ref": "#/$defs/Step"}, "maxItems": 3},
               "final_answer": {"type": "string"}},
             "required": ["steps", "final_answer"]}""";

    public static final String NULLABLE = """
            {"type": "object", "additionalProperties": false,
             "properties": {
               "a": {"type": ["string", "null"]},
               "b": {"type": ["integer", "null"]},
               "c": {"type": ["number", "null"]},
               "d": {"type": ["object", "null"], "properties": {"e": {"type": "boolean"}},
                     "required": ["e"], "additionalProperties": false}},
             "required": ["a", "b", "c", "d"]}""";

    public static final String RECURSIVE = """
            {"$defs": {
               "Node": {"type": "object", "additionalProperties": false,
                        "properties": {"name": {"type": "string"},
                                       "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}, "maxItems": 2}},
                        "required": ["name", "children"]}},
             "$ref": "#/$defs/Node"}""";

    public static final String MAP = """
            {"type": "object", "additionalProperties": {"type": "integer"}}""";

    /** Every schema above, by name. */
    public static Map<String, String> all() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("nested", NESTED);
        m.put("arrays", ARRAYS);
        m.put("enums", ENUMS);
        m.put("anyOf", ANY_OF);
        m.put("refs", REFS);
        m.put("nullable", NULLABLE);
        m.put("recursive", RECURSIVE);
        m.put("map", MAP);
        return m;
    }
}
