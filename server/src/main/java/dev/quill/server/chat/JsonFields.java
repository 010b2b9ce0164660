package dev.quill.server.chat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Typed reads of a request's optional fields, the same for an HTTP body and a WebSocket message's
 * {@code params}. An absent field and an explicit JSON null both read as null (OpenAI accepts
 * null for every optional field); a value of another JSON type is a 400 naming the field in
 * {@code param}; an integer is range-checked as the number it was sent as, before any cast.
 */
public final class JsonFields {

    private final JsonObject body;

    public JsonFields(JsonObject body) {
        this.body = body;
    }

    public Double number(String name) {
        Object v = body.getValue(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Number n) {
            return n.doubleValue(); // 1e400 reads as Infinity, which every range then refuses
        }
        throw wrongType(name, "a number", v);
    }

    /**
     * An integer in {@code [min, max]}. A JSON number with a fraction is a wrong type; one out of
     * range (1e20, 2^40 for an int, beyond 64 bits) is refused as it was sent, never cast first.
     */
    public Long integer(String name, long min, long max) {
        Object v = body.getValue(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n)) {
            throw wrongType(name, "an integer", v);
        }
        BigDecimal exact = exact(n);
        if (exact == null || exact.stripTrailingZeros().scale() > 0) {
            throw wrongType(name, "an integer", v); // 5.0 passes: what JavaScript writes for 5
        }
        if (exact.compareTo(BigDecimal.valueOf(min)) < 0 || exact.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new ApiException(ApiError.invalid(name + " must be an integer in [" + min + ", " + max
                    + "], got " + n, name));
        }
        return exact.longValueExact();
    }

    /** The number's exact value; null for NaN and infinities. */
    private static BigDecimal exact(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? new BigDecimal(d) : null;
        }
        return BigDecimal.valueOf(n.longValue());
    }

    public Boolean bool(String name) {
        Object v = body.getValue(name);
        if (v == null || v instanceof Boolean) {
            return (Boolean) v;
        }
        throw wrongType(name, "a boolean", v);
    }

    public String string(String name) {
        Object v = body.getValue(name);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw wrongType(name, "a string", v);
    }

    public JsonObject object(String name) {
        Object v = body.getValue(name);
        if (v == null || v instanceof JsonObject) {
            return (JsonObject) v;
        }
        throw wrongType(name, "an object", v);
    }

    /** The raw value, for fields that take more than one JSON type (stop, prompt, messages). */
    public Object value(String name) {
        return body.getValue(name);
    }

    public static ApiException wrongType(String name, String expected, Object got) {
        return new ApiException(ApiError.invalid("'" + name + "' must be " + expected + ", got " + typeName(got), name));
    }

    public static String typeName(Object v) {
        if (v instanceof JsonObject) {
            return "an object";
        }
        if (v instanceof JsonArray) {
            return "an array";
        }
        return v instanceof String ? "a string" : v instanceof Boolean ? "a boolean" : "a number";
    }
}
