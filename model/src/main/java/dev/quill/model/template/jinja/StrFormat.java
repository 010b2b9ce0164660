package dev.quill.model.template.jinja;

import java.util.List;
import java.util.Map;

/**
 * Python's {@code str.format}: {@code {}}, {@code {0}}, {@code {name}}, {@code {name.attr}},
 * {@code !r}/{@code !s}, {@code {{ }}} for braces, and the common specs: fill, align, width,
 * precision and the types s, d, f.
 */
final class StrFormat {

    private StrFormat() {}

    static String format(String template, List<Object> positional, Map<String, Object> named) {
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
                throw PyErrors.valueError("Single '}' encountered in format string");
            }
            if (c != '{') {
                out.append(c);
                continue;
            }
            int close = template.indexOf('}', i);
            if (close < 0) {
                throw PyErrors.valueError("Single '{' encountered in format string");
            }
            String field = template.substring(i + 1, close);
            String spec = "";
            int colon = field.indexOf(':');
            if (colon >= 0) {
                spec = field.substring(colon + 1);
                field = field.substring(0, colon);
            }
            char conversion = 0;
            if (field.length() >= 2 && field.charAt(field.length() - 2) == '!') {
                conversion = field.charAt(field.length() - 1);
                field = field.substring(0, field.length() - 2);
            }
            String[] path = field.split("\\.", -1);
            Object value;
            if (path[0].isEmpty()) {
                value = argument(positional, auto++);
            } else if (path[0].chars().allMatch(Character::isDigit)) {
                value = argument(positional, Integer.parseInt(path[0]));
            } else if (named.containsKey(path[0])) {
                value = named.get(path[0]);
            } else {
                throw PyErrors.error("KeyError", PyRepr.repr(path[0]));
            }
            for (int k = 1; k < path.length; k++) {
                value = Attributes.get(value, path[k]);
            }
            if (conversion == 'r') {
                value = PyRepr.repr(value);
            } else if (conversion == 's') {
                value = PyRepr.str(value);
            }
            out.append(spec(value, spec));
            i = close;
        }
        return out.toString();
    }

    private static Object argument(List<Object> positional, int i) {
        if (i >= positional.size()) {
            throw PyErrors.error("IndexError", "Replacement index " + i + " out of range for positional args tuple");
        }
        return positional.get(i);
    }

    /** {@code [[fill]align][width][.precision][type]}. */
    private static String spec(Object value, String spec) {
        if (spec.isEmpty()) {
            return PyRepr.str(value);
        }
        char fill = ' ';
        char align = 0;
        int i = 0;
        if (spec.length() >= 2 && "<>^".indexOf(spec.charAt(1)) >= 0) {
            fill = spec.charAt(0);
            align = spec.charAt(1);
            i = 2;
        } else if ("<>^".indexOf(spec.charAt(0)) >= 0) {
            align = spec.charAt(0);
            i = 1;
        }
        int start = i;
        while (i < spec.length() && Character.isDigit(spec.charAt(i))) {
            i++;
        }
        int width = i > start ? Integer.parseInt(spec.substring(start, i)) : 0;
        String rest = spec.substring(i);
        String text;
        if (rest.startsWith(".") && rest.endsWith("f")) {
            text = (String) PercentFormat.format("%" + rest, value);
        } else if (rest.equals("d")) {
            text = (String) PercentFormat.format("%d", value);
        } else if (rest.isEmpty() || rest.equals("s")) {
            text = PyRepr.str(value);
        } else {
            throw PyErrors.valueError("format spec '" + spec + "' is not supported in chat templates");
        }
        if (align == 0) {
            align = Py.isNumber(value) ? '>' : '<';
        }
        int pad = width - text.codePointCount(0, text.length());
        if (pad <= 0) {
            return text;
        }
        String f = String.valueOf(fill);
        return switch (align) {
            case '<' -> text + f.repeat(pad);
            case '>' -> f.repeat(pad) + text;
            default -> f.repeat(pad / 2) + text + f.repeat(pad - pad / 2);
        };
    }
}
