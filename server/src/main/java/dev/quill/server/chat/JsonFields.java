package dev.quill.server.openai;

import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Typed reads of a request body's optional fields. An absent field and an explicit JSON null
 * both read as null (OpenAI accepts null for every optional field); a value of another JSON type
 * is a 400 naming the field in {@code param}.
 */
final class JsonFields {

    private final JsonObject body;

    JsonFields(JsonObject body) {
        this.body = body;
    }

    Double number(String name) {
        Object v = body.getValue(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw wrongType(name, "a number", v);
    }

    /** An integer; a JSON number with a fraction, or one beyond 64 bits, is a wrong type. */
    Long integer(String name) {
        Object v = body.getValue(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 0x1p63) {
                return (long) d; // 5.0: what a JavaScript client writes for 5 once it has done arithmetic
            }
        }
        throw wrongType(name, "an integer", v);
    }

    /** An integer that fits Java's int, for counts such as max_tokens. */
    Integer smallInteger(String name) {
        Long v = integer(name);
        if (v == null) {
            return null;
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ApiException(ApiError.invalid(name + " is out of range: " + v, name));
        }
        return v.intValue();
    }

    Boolean bool(String name) {
        Object v = body.getValue(name);
        if (v == null || v instanceof Boolean) {
            return (Boolean) v;
        }
        throw wrongType(name, "a boolean", v);
    }

    String string(String name) {
        Object v = body.getValue(name);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw wrongType(name, "a string", v);
    }

    JsonObject object(String name) {
        Object v = body.getValue(name);
        if (v == null || v instanceof JsonObject) {
            return (JsonObject) v;
        }
        throw wrongType(name, "an object", v);
    }

    /** The raw value, for fields that take more than one JSON type (stop, prompt, messages). */
    Object value(String name) {
        return body.getValue(name);
    }

    static ApiException wrongType(String name, String expected, Object got) {
        return new ApiException(ApiError.invalid("'" + name + "' must be " + expected + ", got " + typeName(got), name));
    }

    static String typeName(Object v) {
        if (v instanceof JsonObject) {
            return "an object";
        }
        if (v instanceof JsonArray) {
            return "an array";
        }
        return v instanceof String ? "a string" : v instanceof Boolean ? "a boolean" : "a number";
    }
}
