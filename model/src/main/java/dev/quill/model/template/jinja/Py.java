package dev.quill.model.template.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's value semantics for the template values: None ({@link PyNone}), bool (Boolean), int
 * (Long), float (Double), str (String), list ({@link List}), tuple ({@link PyTuple}), dict
 * ({@link Map}), {@link Undefined}, {@link Namespace}, {@link Markup}, and callables.
 * Truthiness, {@code ==}, ordering, {@code in}, {@code len} and iteration are Python's, so that
 * {@code '1' == 1} is false, {@code 'false'} is true and {@code 1 == 1.0 == True}.
 */
public final class Py {

    private Py() {}

    /** Python's {@code bool(value)}. */
    public static boolean truthy(Object v) {
        if (v == PyNone.NONE || v instanceof Undefined) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Long l) {
            return l != 0;
        }
        if (v instanceof Double d) {
            return d != 0.0;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof Markup m) {
            return !m.text().isEmpty();
        }
        if (v instanceof List<?> l) {
            return !l.isEmpty();
        }
        if (v instanceof PyTuple t) {
            return !t.items().isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    /** {@code type(value).__name__}, for error messages. */
    public static String typeName(Object v) {
        if (v == null || v == PyNone.NONE) {
            return "NoneType";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof Long) {
            return "int";
        }
        if (v instanceof Double) {
            return "float";
        }
        if (v instanceof String) {
            return "str";
        }
        if (v instanceof List<?>) {
            return "list";
        }
        if (v instanceof PyTuple) {
            return "tuple";
        }
        if (v instanceof Map<?, ?>) {
            return "dict";
        }
        if (v instanceof PyCallable c) {
            return c.typeName();
        }
        return v.getClass().getSimpleName();
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    static boolean isStr(Object v) {
        return v instanceof String || v instanceof Markup;
    }

    /** An int or bool as a long (Python's bool is an int). */
    static long asLong(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : (Long) v;
    }

    static double asDouble(Object v) {
        return v instanceof Double d ? d : asLong(v);
    }

    /** Python's {@code a == b}. */
    public static boolean eq(Object a, Object b) {
        if (isNumber(a) && isNumber(b)) {
            return a instanceof Double || b instanceof Double ? asDouble(a) == asDouble(b) : asLong(a) == asLong(b);
        }
        if (isStr(a) && isStr(b)) {
            return PyRepr.str(a).equals(PyRepr.str(b));
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            return sameItems(x, y);
        }
        if (a instanceof PyTuple x && b instanceof PyTuple y) {
            return sameItems(x.items(), y.items());
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !eq(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Undefined && b instanceof Undefined) {
            return true; // jinja2: Undefined == Undefined
        }
        return a == b || (a != null && a.equals(b));
    }

    private static boolean sameItems(List<?> x, List<?> y) {
        if (x.size() != y.size()) {
            return false;
        }
        for (int i = 0; i < x.size(); i++) {
            if (!eq(x.get(i), y.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Python's ordering for {@code <, <=, >, >=}: numbers, strings by code point, lists and tuples item by item. */
    public static int compare(Object a, Object b, String op) {
        if (a instanceof Undefined u) {
            throw u.fail();
        }
        if (b instanceof Undefined u) {
            throw u.fail();
        }
        if (isNumber(a) && isNumber(b)) {
            return a instanceof Double || b instanceof Double
                    ? Double.compare(asDouble(a), asDouble(b)) : Long.compare(asLong(a), asLong(b));
        }
        if (isStr(a) && isStr(b)) {
            return compareCodePoints(PyRepr.str(a), PyRepr.str(b));
        }
        List<?> x = a instanceof List<?> l ? l : a instanceof PyTuple t ? t.items() : null;
        List<?> y = b instanceof List<?> l ? l : b instanceof PyTuple t ? t.items() : null;
        if (x != null && y != null && (a instanceof PyTuple) == (b instanceof PyTuple)) {
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                if (!eq(x.get(i), y.get(i))) {
                    return compare(x.get(i), y.get(i), op);
                }
            }
            return Integer.compare(x.size(), y.size());
        }
        throw PyErrors.typeError("'" + op + "' not supported between instances of '" + typeName(a) + "' and '" + typeName(b) + "'");
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    /** Python's {@code item in container}. */
    public static boolean contains(Object container, Object item) {
        if (isStr(container)) {
            if (!isStr(item)) {
                throw PyErrors.typeError("'in <string>' requires string as left operand, not " + typeName(item));
            }
            return PyRepr.str(container).contains(PyRepr.str(item));
        }
        if (container instanceof Map<?, ?> m) {
            for (Object key : m.keySet()) {
                if (eq(key, item)) {
                    return true;
                }
            }
            return false;
        }
        if (container instanceof Undefined) {
            return false; // iterates as empty
        }
        for (Object x : iterate(container, "argument of type '" + typeName(container) + "' is not iterable")) {
            if (eq(x, item)) {
                return true;
            }
        }
        return false;
    }

    /** The items {@code for x in value} visits: a dict's keys, a string's characters. */
    public static List<Object> iterate(Object v) {
        return iterate(v, "'" + typeName(v) + "' object is not iterable");
    }

    private static List<Object> iterate(Object v, String error) {
        if (v instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        if (v instanceof PyTuple t) {
            return t.items();
        }
        if (v instanceof Map<?, ?> m) {
            return new ArrayList<>(m.keySet());
        }
        if (isStr(v)) {
            List<Object> chars = new ArrayList<>();
            PyRepr.str(v).codePoints().forEach(cp -> chars.add(Character.toString(cp)));
            return chars;
        }
        if (v instanceof Undefined) {
            return List.of();
        }
        throw PyErrors.typeError(error);
    }

    /** Python's {@code len(value)}. */
    public static long len(Object v) {
        if (isStr(v)) {
            String s = PyRepr.str(v);
            return s.codePointCount(0, s.length());
        }
        if (v instanceof List<?> l) {
            return l.size();
        }
        if (v instanceof PyTuple t) {
            return t.items().size();
        }
        if (v instanceof Map<?, ?> m) {
            return m.size();
        }
        if (v instanceof Undefined) {
            return 0;
        }
        throw PyErrors.typeError("object of type '" + typeName(v) + "' has no len()");
    }
}
