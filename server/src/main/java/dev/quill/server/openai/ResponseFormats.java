package dev.quill.server.openai;

import dev.quill.model.grammar.Grammar;
import dev.quill.model.grammar.JsonSchemaCompiler;
import dev.quill.model.grammar.UnsupportedSchemaException;
import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ApiException;
import dev.quill.server.chat.JsonFields;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * OpenAI's {@code response_format}, on chat and completions alike: {@code text} (free text, as
 * without it), {@code json_object} (any JSON object) or {@code json_schema} (a document that
 * validates against {@code json_schema.schema}), turned into the grammar the engine constrains the
 * answer to. The answer is then always a whole document, even on a random model. A schema outside
 * the supported subset is a 400 naming the keyword; {@code strict} is accepted either way, since
 * the answer is always held to the schema. Compiled schemas are kept ({@link GrammarCache}); a
 * request whose schema must be compiled is read on a prompt worker ({@link #compiles}).
 */
final class ResponseFormats {
    private static final String TYPES = "one of 'text', 'json_object', 'json_schema'";
    private static final Grammar ANY_OBJECT = JsonSchemaCompiler.anyObject(); // immutable: shared by every request

    private ResponseFormats() {
    }

    /** The grammar {@code response_format} asks for, or null for free text. */
    static Grammar grammar(JsonFields f) {
        JsonObject format = f.object("response_format");
        if (format == null) {
            return null;
        }
        Object type = format.getValue("type");
        if (!(type instanceof String t)) {
            throw invalid("'response_format.type' is required: " + TYPES, "response_format.type");
        }
        return switch (t) {
            case "text" -> null;
            case "json_object" -> ANY_OBJECT;
            case "json_schema" -> schema(format.getValue("json_schema"));
            default -> throw invalid("'response_format.type' must be " + TYPES + ", got '" + t + "'",
                    "response_format.type");
        };
    }

    /**
     * Whether reading this body may compile a schema: then the handler reads it on a prompt worker,
     * not on the event loop (a schema is bounded only by the body's size).
     */
    static boolean compiles(io.vertx.core.json.JsonObject body) {
        return body.getValue("response_format") instanceof JsonObject format && "json_schema".equals(format.getValue("type"));
    }

    private static Grammar schema(Object v) {
        if (!(v instanceof JsonObject spec)) {
            throw invalid("'response_format.json_schema' must be an object with a 'schema'", "response_format.json_schema");
        }
        Object schema = spec.getValue("schema");
        if (!(schema instanceof JsonObject) && !(schema instanceof Boolean)) {
            throw invalid("'response_format.json_schema.schema' must be a JSON Schema object"
                    + (schema == null ? "" : ", got " + JsonFields.typeName(schema)), "response_format.json_schema.schema");
        }
        Object strict = spec.getValue("strict");
        if (strict != null && !(strict instanceof Boolean)) {
            throw invalid("'response_format.json_schema.strict' must be a boolean", "response_format.json_schema.strict");
        }
        try {
            return GrammarCache.compile(Json.encode(schema));
        } catch (UnsupportedSchemaException e) {
            throw invalid(e.getMessage(), "response_format.json_schema.schema");
        }
    }

    private static ApiException invalid(String message, String param) {
        return new ApiException(ApiError.invalid(message, param));
    }
}
