package dev.quill.model.template;

import com.hubspot.jinjava.el.ext.NamedParameter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code str.format} for the fields templates use: {@code {}}, {@code {0}},
 * {@code {name}}, with {@code !r} / {@code !s}, and {@code {{ }}} for literal braces. A format
 * spec ({@code {:>10}}) is refused rather than rendered differently from Python.
 */
final class PyFormat {

    private PyFormat() {}

    static String format(String template, Object[] args) {
        List<Object> positional = new ArrayList<>();
        Map<String, Object> named = new HashMap<>();
        for (Object arg : args) {
            if (arg instanceof NamedParameter p) {
                named.put(p.getName(), p.getValue());
            } else {
                positional.add(arg);
            }
        }
        StringBuilder out = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if ((c == '{' || c == '}') && i + 1 < template.length() && template.charAt(i + 1) == c) {
                out.append(c);
                i++;
                continue;
            }
            if (c == '}') {
                throw new IllegalArgumentException("Single '}' encountered in format string");
            }
            if (c != '{') {
                out.append(c);
                continue;
            }
            int close = template.indexOf('}', i);
            if (close < 0) {
                throw new IllegalArgumentException("Single '{' encountered in format string");
            }
            String field = template.substring(i + 1, close);
            if (field.contains(":")) {
                throw new IllegalArgumentException("format specs are not supported: {" + field + "}");
            }
            boolean repr = field.endsWith("!r");
            if (repr || field.endsWith("!s")) {
                field = field.substring(0, field.length() - 2);
            }
            Object value;
            if (field.isEmpty()) {
                value = positional.get(auto++);
            } else if (field.chars().allMatch(Character::isDigit)) {
                value = positional.get(Integer.parseInt(field));
            } else if (named.containsKey(field)) {
                value = named.get(field);
            } else {
                throw new IllegalArgumentException("KeyError: '" + field + "'");
            }
            out.append(repr ? PyStr.repr(value) : PyStr.str(value));
            i = close;
        }
        return out.toString();
    }
}
