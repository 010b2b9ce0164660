package dev.quill.model.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.objects.SafeString;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The filters whose Jinjava versions differ from jinja2's in what chat templates show: tojson
 * (transformers' json.dumps version), items, trim, length, upper/lower/capitalize/title, join,
 * string, list and default. They replace Jinjava's filters of the same names.
 */
final class PythonFilters {

    private static final Pattern WORD_START = Pattern.compile("([-\\s({\\[<]+)");

    private PythonFilters() {}

    static List<Filter> all() {
        return List.of(
                new Tojson(),
                new Items(),
                new Default("default"), new Default("d"),
                simple("trim", (v, args) -> PyStrings.strip(PyStr.str(v), args.length > 0 ? PyStr.str(args[0]) : null, true, true)),
                simple("length", (v, args) -> length(v)),
                simple("count", (v, args) -> length(v)),
                simple("upper", (v, args) -> PyStr.str(v).toUpperCase(Locale.ROOT)),
                simple("lower", (v, args) -> PyStr.str(v).toLowerCase(Locale.ROOT)),
                simple("capitalize", (v, args) -> PyStrings.capitalize(PyStr.str(v))),
                simple("title", (v, args) -> title(PyStr.str(v))),
                simple("string", (v, args) -> PyStr.str(v)),
                simple("list", (v, args) -> iterate(v)),
                simple("join", (v, args) -> join(v, args)),
                simple("reverse", (v, args) -> reverse(v)),
                simple("sum", (v, args) -> sum(v)),
                simple("min", (v, args) -> extreme(v, -1)),
                simple("max", (v, args) -> extreme(v, 1)));
    }

    /** jinja2's length: characters (code points) of a string, size of a collection, 0 for undefined. */
    static long length(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof CharSequence || v instanceof SafeString) {
            String s = v.toString();
            return s.codePointCount(0, s.length());
        }
        if (v instanceof Collection<?> c) {
            return c.size();
        }
        if (v instanceof Map<?, ?> m) {
            return m.size();
        }
        throw new IllegalArgumentException("object of type " + v.getClass().getSimpleName() + " has no len()");
    }

    /** The items Python's iter() yields: characters of a string, keys of a mapping, elements of a list. */
    static List<Object> iterate(Object v) {
        if (v == null) {
            return List.of();
        }
        if (v instanceof CharSequence || v instanceof SafeString) {
            return v.toString().codePoints().mapToObj(Character::toString).collect(Collectors.toList());
        }
        if (v instanceof Map<?, ?> m) {
            return new ArrayList<>(m.keySet());
        }
        if (v instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        if (v instanceof Object[] array) { // what some Jinjava filters return
            return new ArrayList<>(Arrays.asList(array));
        }
        if (v instanceof Iterable<?> iterable) {
            List<Object> out = new ArrayList<>();
            iterable.forEach(out::add);
            return out;
        }
        throw new IllegalArgumentException("object of type " + v.getClass().getSimpleName() + " is not iterable");
    }

    /** A mapping's (key, value) pairs as Map.Entry, which Jinjava's for unpacks into two names. */
    static List<Map.Entry<Object, Object>> items(Map<?, ?> map) {
        List<Map.Entry<Object, Object>> pairs = new ArrayList<>();
        map.forEach((k, v) -> pairs.add(new AbstractMap.SimpleImmutableEntry<>(k, v)));
        return pairs;
    }

    /** A reversed string, or the items in reverse order (jinja2 returns an iterator; this a list). */
    private static Object reverse(Object v) {
        if (v instanceof CharSequence || v instanceof SafeString) {
            return PySlice.apply(v.toString(), null, null, -1L);
        }
        List<Object> items = iterate(v);
        Collections.reverse(items);
        return items;
    }

    /** Python's sum(): an int while every item is an int, else a float. */
    private static Object sum(Object v) {
        long whole = 0;
        double real = 0;
        boolean isFloat = false;
        for (Object item : iterate(v)) {
            if (PyStr.isFloat(item)) {
                isFloat = true;
                real += ((Number) item).doubleValue();
            } else if (item instanceof Number n) {
                whole += n.longValue();
            } else if (item instanceof Boolean b) {
                whole += b ? 1 : 0;
            } else {
                throw new IllegalArgumentException("unsupported operand type for sum: " + PyStr.repr(item));
            }
        }
        return isFloat ? (Object) (whole + real) : (Object) whole;
    }

    /** jinja2's min/max: numbers by value, strings ignoring case (its default), undefined when empty. */
    private static Object extreme(Object v, int sign) {
        Object best = null;
        for (Object item : iterate(v)) {
            if (best == null || sign * compare(item, best) > 0) {
                best = item;
            }
        }
        return best;
    }

    private static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        return PyStr.str(a).toLowerCase(Locale.ROOT).compareTo(PyStr.str(b).toLowerCase(Locale.ROOT));
    }

    /** jinja2's title filter (not str.title): a word starts after '-', whitespace or an opening bracket. */
    private static String title(String s) {
        StringBuilder out = new StringBuilder();
        var m = WORD_START.matcher(s);
        int from = 0;
        while (m.find()) {
            out.append(titleWord(s.substring(from, m.start()))).append(m.group());
            from = m.end();
        }
        return out.append(titleWord(s.substring(from))).toString();
    }

    private static String titleWord(String word) {
        if (word.isEmpty()) {
            return word;
        }
        int first = word.codePointAt(0);
        return new String(Character.toChars(first)).toUpperCase(Locale.ROOT)
                + word.substring(Character.charCount(first)).toLowerCase(Locale.ROOT);
    }

    /** {@code join(d='', attribute=None)}: Python str() of each item. */
    private static String join(Object v, Object[] args) {
        String sep = args.length > 0 ? PyStr.str(args[0]) : "";
        Function<Object, Object> pick = args.length > 1
                ? item -> item instanceof Map<?, ?> m ? m.get(PyStr.str(args[1])) : null
                : item -> item;
        return iterate(v).stream().map(pick).map(PyStr::str).collect(Collectors.joining(sep));
    }

    private interface Body {
        Object apply(Object value, Object[] args);
    }

    private static Filter simple(String name, Body body) {
        return new AdvancedFilter() {
            @Override
            public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
                return body.apply(var, args == null ? new Object[0] : args);
            }

            @Override
            public String getName() {
                return name;
            }
        };
    }

    /** transformers' tojson: json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False). */
    private static final class Tojson implements AdvancedFilter {
        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object[] positional = args == null ? new Object[0] : args;
            Object ensureAscii = arg(positional, kwargs, 0, "ensure_ascii", false);
            Object indent = arg(positional, kwargs, 1, "indent", null);
            Object separators = arg(positional, kwargs, 2, "separators", null);
            Object sortKeys = arg(positional, kwargs, 3, "sort_keys", false);
            String indentText = PyNone.isNullish(indent) ? null
                    : indent instanceof Number n ? " ".repeat(n.intValue()) : PyStr.str(indent);
            return PyJson.dumps(var, PyJson.Options.of(Boolean.TRUE.equals(ensureAscii), indentText,
                    PyNone.isNullish(separators) ? null : (List<?>) separators, Boolean.TRUE.equals(sortKeys)));
        }

        private static Object arg(Object[] args, Map<String, Object> kwargs, int i, String name, Object fallback) {
            if (kwargs != null && kwargs.containsKey(name)) {
                return kwargs.get(name);
            }
            return i < args.length ? args[i] : fallback;
        }

        @Override
        public String getName() {
            return "tojson";
        }
    }

    /** jinja2's items filter: the (key, value) pairs of a mapping, nothing for undefined. */
    private static final class Items implements Filter {
        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) {
                return List.of();
            }
            if (!(var instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("items filter needs a mapping, got " + var.getClass().getSimpleName());
            }
            return items(map);
        }

        @Override
        public String getName() {
            return "items";
        }
    }

    /** jinja2's default: replaces only undefined (not None), or any falsy value with boolean=true. */
    private record Default(String name) implements AdvancedFilter {
        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object[] a = args == null ? new Object[0] : args;
            Object fallback = kwargs != null && kwargs.containsKey("default_value") ? kwargs.get("default_value") : a.length > 0 ? a[0] : "";
            Object bool = kwargs != null && kwargs.containsKey("boolean") ? kwargs.get("boolean") : a.length > 1 ? a[1] : false;
            boolean replace = var == null || (Boolean.TRUE.equals(bool) && !PythonTests.truthy(var));
            return replace ? fallback : var;
        }

        @Override
        public String getName() {
            return name;
        }
    }
}
