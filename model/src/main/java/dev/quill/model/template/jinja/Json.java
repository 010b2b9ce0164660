package dev.quill.model.template.jinja;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps}, which transformers installs as the {@code tojson} filter:
 * {@code json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)}.
 * Without an indent the separators are {@code ", "} and {@code ": "}, so tools render as
 * {@code {"name": "f", "parameters": {...}}}, not in Java's compact form.
 */
final class Json {

    /** The options of json.dumps that templates pass; {@code indent} null means one line. */
    record Options(boolean ensureAscii, String indent, String itemSeparator, String keySeparator,
                   boolean sortKeys) {

        /** Fills in Python's defaults: separators depend on whether there is an indent. */
        static Options of(boolean ensureAscii, String indent, List<?> separators, boolean sortKeys) {
            String item = indent == null ? ", " : ",";
            String key = ": ";
            if (separators != null) {
                if (separators.size() != 2) {
                    throw PyErrors.valueError("not enough values to unpack (expected 2, got " + separators.size() + ")");
                }
                item = PyRepr.str(separators.get(0));
                key = PyRepr.str(separators.get(1));
            }
            return new Options(ensureAscii, indent, item, key, sortKeys);
        }
    }

    private final Options options;
    private final StringBuilder out = new StringBuilder();

    private Json(Options options) {
        this.options = options;
    }

    static String dumps(Object value, Options options) {
        Json json = new Json(options);
        json.write(value, 0);
        return json.out.toString();
    }

    private void write(Object value, int depth) {
        if (value == null || value == PyNone.NONE) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof String || value instanceof Markup) {
            string(PyRepr.str(value));
        } else if (value instanceof Double d) {
            out.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : PyRepr.floatRepr(d));
        } else if (value instanceof Long) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            object(map, depth);
        } else if (value instanceof PyTuple t) {
            array(t.items(), depth);
        } else if (value instanceof Collection<?> items) {
            array(items, depth);
        } else {
            throw PyErrors.typeError("Object of type " + Py.typeName(value) + " is not JSON serializable");
        }
    }

    private void object(Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        if (options.sortKeys()) {
            entries.sort((a, b) -> Py.compare(a.getKey(), b.getKey(), "<"));
        }
        out.append('{');
        for (int i = 0; i < entries.size(); i++) {
            separate(i, depth + 1);
            string(key(entries.get(i).getKey()));
            out.append(options.keySeparator());
            write(entries.get(i).getValue(), depth + 1);
        }
        close(depth, '}');
    }

    private void array(Collection<?> items, int depth) {
        if (items.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        int i = 0;
        for (Object item : items) {
            separate(i++, depth + 1);
            write(item, depth + 1);
        }
        close(depth, ']');
    }

    /** Before the i-th member: the item separator, then with an indent a newline and indentation. */
    private void separate(int i, int depth) {
        if (i > 0) {
            out.append(options.itemSeparator());
        }
        if (options.indent() != null) {
            out.append('\n').append(options.indent().repeat(depth));
        }
    }

    private void close(int depth, char bracket) {
        if (options.indent() != null) {
            out.append('\n').append(options.indent().repeat(depth));
        }
        out.append(bracket);
    }

    /** Python turns non-string keys into strings the JSON way: True -> "true", None -> "null". */
    private static String key(Object key) {
        if (key == null || key == PyNone.NONE) {
            return "null";
        }
        if (key instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (key instanceof Double d) {
            return PyRepr.floatRepr(d);
        }
        if (key instanceof String || key instanceof Markup || key instanceof Long) {
            return PyRepr.str(key);
        }
        throw PyErrors.typeError("keys must be str, int, float, bool or None, not " + Py.typeName(key));
    }

    /** json's string escaping; with ensure_ascii everything outside printable ASCII is \\uXXXX. */
    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    // UTF-16 units, so a character outside the BMP comes out as its surrogate pair,
                    // exactly as Python writes it.
                    if (c < 0x20 || (options.ensureAscii() && c > 0x7e)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
