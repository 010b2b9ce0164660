package dev.quill.model.template.jinja;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns what callers pass (messages, tool schemas, extra variables: JSON-like Java values) into
 * template values: fresh copies, so a template can never change the caller's objects, with null as
 * None, integers as Long and floats as Double, so that printing, {@code tojson} and {@code is none}
 * behave as in Python.
 */
public final class JavaValues {

    private JavaValues() {}

    public static Object toTemplate(Object value) {
        if (value == null) {
            return PyNone.NONE;
        }
        if (value instanceof String || value instanceof Boolean || value instanceof Long || value instanceof Double
                || value instanceof PyNone || value instanceof PyCallable || value instanceof Markup) {
            return value;
        }
        if (value instanceof CharSequence || value instanceof Character) {
            return value.toString();
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger b) {
            return b.longValueExact();
        }
        if (value instanceof Float || value instanceof BigDecimal) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k instanceof String ? k : String.valueOf(k), toTemplate(v)));
            return out;
        }
        if (value instanceof Collection<?> items) {
            List<Object> out = new ArrayList<>(items.size());
            items.forEach(item -> out.add(toTemplate(item)));
            return out;
        }
        if (value instanceof Object[] array) {
            return toTemplate(Arrays.asList(array));
        }
        throw new IllegalArgumentException("not a JSON-like value: " + value.getClass().getName());
    }
}
