package dev.quill.model.template;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts what callers pass (messages, tool schemas, extra variables) into the values a template
 * sees: fresh mutable-free copies with None as {@link PyNone}, integers as Long and floats as
 * Double, so that printing, {@code tojson} and {@code is none} behave as in Python.
 */
final class TemplateValues {

    private TemplateValues() {}

    static List<Object> messages(List<ChatMessage> messages) {
        List<Object> out = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", m.role());
            message.put("content", m.content() == null ? PyNone.NONE : m.content());
            m.fields().forEach((k, v) -> message.put(k, of(v)));
            out.add(message);
        }
        return out;
    }

    /** A JSON-like Java value as a template value. */
    static Object of(Object value) {
        if (value == null || value == PyNone.NONE) {
            return PyNone.NONE;
        }
        if (value instanceof String || value instanceof Boolean || value instanceof Long || value instanceof Double) {
            return value;
        }
        if (value instanceof CharSequence || value instanceof Character) {
            return value.toString();
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float || value instanceof BigDecimal) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), of(v)));
            return out;
        }
        if (value instanceof Collection<?> items) {
            List<Object> out = new ArrayList<>(items.size());
            items.forEach(item -> out.add(of(item)));
            return out;
        }
        if (value instanceof Object[] array) {
            return of(Arrays.asList(array));
        }
        return value; // BigInteger and anything else a caller chose to pass as is
    }
}
