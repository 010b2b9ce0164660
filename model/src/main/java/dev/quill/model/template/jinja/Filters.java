package dev.quill.model.template.jinja;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * jinja2's builtin filters that chat templates use, plus transformers' {@code tojson}
 * ({@code json.dumps} with ensure_ascii=False and its keyword arguments, so no HTML escaping).
 * The filters over sequences (map, select, sort, ...) are in {@link SequenceFilters}.
 */
final class Filters {

    static final Set<String> NAMES = Set.of("abs", "attr", "capitalize", "center", "count", "d", "default", "dictsort",
            "e", "escape", "first", "float", "format", "indent", "int", "items", "join", "last", "length",
            "list", "lower", "map", "max", "min", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select",
            "selectattr", "sort", "string", "sum", "title", "tojson", "trim", "truncate", "unique", "upper", "wordcount");

    private Filters() {}

    static boolean exists(String name) {
        return NAMES.contains(name);
    }

    static Object apply(String name, Object v, List<Object> args, Map<String, Object> kwargs) {
        if (SequenceFilters.handles(name)) {
            return SequenceFilters.apply(name, v, args, kwargs);
        }
        return switch (name) {
            case "default", "d" -> {
                Params p = Params.bind("default", args, kwargs, "default_value", "boolean");
                yield v instanceof Undefined || (p.flag(1, false) && !Py.truthy(v)) ? p.get(0, "") : v;
            }
            case "length", "count" -> Py.len(v);
            case "string" -> v instanceof Markup ? v : PyRepr.str(v);
            case "safe" -> v instanceof Markup ? v : new Markup(PyRepr.str(v));
            case "escape", "e" -> Markup.escapeValue(v);
            case "upper" -> keepMarkup(v, PyRepr.str(v).toUpperCase(Locale.ROOT));
            case "lower" -> keepMarkup(v, PyRepr.str(v).toLowerCase(Locale.ROOT));
            case "capitalize" -> keepMarkup(v, PyStrings.capitalize(PyRepr.str(v)));
            case "title" -> keepMarkup(v, title(PyRepr.str(v)));
            case "trim" -> keepMarkup(v, PyStrings.strip(PyRepr.str(v),
                    Params.bind("trim", args, kwargs, "chars").string(0), true, true));
            case "replace" -> replace(v, Params.bind("replace", args, kwargs, "old", "new", "count"));
            case "indent" -> indent(v, Params.bind("indent", args, kwargs, "width", "first", "blank"));
            case "center" -> StrMethods.call(PyRepr.str(v), "center",
                    List.of(Params.bind("center", args, kwargs, "width").get(0, 80L)), Map.of());
            case "truncate" -> truncate(PyRepr.str(v), Params.bind("truncate", args, kwargs, "length", "killwords", "end", "leeway"));
            case "wordcount" -> (long) PyStrings.split(PyRepr.str(v), null, -1).size();
            case "format" -> PercentFormat.format(v, kwargs.isEmpty() ? new PyTuple(args) : new LinkedHashMap<Object, Object>(kwargs));
            case "join" -> join(v, Params.bind("join", args, kwargs, "d", "attribute"));
            case "items" -> items(v);
            case "tojson" -> tojson(v, Params.bind("tojson", args, kwargs, "ensure_ascii", "indent", "separators", "sort_keys"));
            case "int" -> toInt(v, Params.bind("int", args, kwargs, "default", "base"));
            case "float" -> toFloat(v, Params.bind("float", args, kwargs, "default").get(0, 0.0));
            case "abs" -> Py.compare(v, 0L, "<") < 0 ? PyOps.unary("-", v) : v instanceof Boolean ? Py.asLong(v) : v;
            case "round" -> round(v, Params.bind("round", args, kwargs, "precision", "method"));
            case "attr" -> Attributes.get(v, PyRepr.str(Params.bind("attr", args, kwargs, "name").required(0)));
            default -> throw PyErrors.error("TemplateAssertionError", "No filter named '" + name + "'.");
        };
    }

    private static Object keepMarkup(Object original, String result) {
        return original instanceof Markup ? new Markup(result) : result;
    }

    /** jinja2's title: each word after a space, dash or bracket capitalized. */
    private static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean wordStart = true;
        for (int i = 0; i < s.length(); i += Character.charCount(s.codePointAt(i))) {
            int cp = s.codePointAt(i);
            boolean separator = PyStrings.isSpace(cp) || "-({[<".indexOf(cp) >= 0;
            out.append(wordStart && !separator ? Character.toString(cp).toUpperCase(Locale.ROOT)
                    : Character.toString(cp).toLowerCase(Locale.ROOT));
            wordStart = separator;
        }
        return out.toString();
    }

    private static Object replace(Object v, Params p) {
        String s = PyRepr.str(v);
        int count = p.get(2, PyNone.NONE) == PyNone.NONE ? -1 : (int) p.integer(2, -1);
        if (v instanceof Markup) {
            return new Markup(PyStrings.replace(s, Markup.escapeValue(p.required(0)).text(),
                    Markup.escapeValue(p.required(1)).text(), count));
        }
        return PyStrings.replace(s, PyRepr.str(p.required(0)), PyRepr.str(p.required(1)), count);
    }

    /** jinja2's do_indent, quirks included: it splits {@code s + "\n"} into lines. */
    private static Object indent(Object v, Params p) {
        Object width = p.get(0, 4L);
        String pad = Py.isStr(width) ? PyRepr.str(width) : " ".repeat((int) Py.asLong(width));
        List<String> lines = PyStrings.splitlines(PyRepr.str(v) + "\n");
        StringBuilder out = new StringBuilder();
        if (p.flag(2, false)) {
            out.append(String.join("\n" + pad, lines));
        } else {
            out.append(lines.get(0));
            for (String line : lines.subList(1, lines.size())) {
                out.append('\n').append(line.isEmpty() ? "" : pad).append(line);
            }
        }
        return keepMarkup(v, (p.flag(1, false) ? pad : "") + out);
    }

    private static String truncate(String s, Params p) {
        long length = p.integer(0, 255);
        String end = p.get(2, "...").toString();
        long leeway = p.integer(3, 5);
        if (s.codePointCount(0, s.length()) <= length + leeway) {
            return s;
        }
        int cut = s.offsetByCodePoints(0, (int) Math.max(0, length - end.length()));
        if (p.flag(1, false)) {
            return s.substring(0, cut) + end;
        }
        String head = s.substring(0, cut);
        int space = head.lastIndexOf(' ');
        return (space >= 0 ? head.substring(0, space) : head) + end;
    }

    private static Object join(Object v, Params p) {
        String sep = PyRepr.str(p.get(0, ""));
        List<Object> items = Py.iterate(v);
        if (p.get(1, null) != null) {
            items = SequenceFilters.attributes(items, p.get(1, null), null);
        }
        boolean markup = v instanceof Markup || p.get(0, "") instanceof Markup
                || items.stream().anyMatch(i -> i instanceof Markup);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            out.append(i > 0 ? sep : "").append(markup ? Markup.escapeValue(items.get(i)).text() : PyRepr.str(items.get(i)));
        }
        return markup ? new Markup(out.toString()) : out.toString();
    }

    private static Object items(Object v) {
        if (v instanceof Undefined) {
            return new ArrayList<>();
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw PyErrors.typeError("Can only get item pairs from a mapping.");
        }
        List<Object> out = new ArrayList<>();
        map.forEach((k, x) -> out.add(PyTuple.of(k, x)));
        return out;
    }

    private static String tojson(Object v, Params p) {
        Object indent = p.get(1, PyNone.NONE);
        String pad = indent == PyNone.NONE ? null : Py.isStr(indent) ? PyRepr.str(indent) : " ".repeat((int) Py.asLong(indent));
        Object separators = p.get(2, PyNone.NONE);
        List<Object> seps = separators == PyNone.NONE ? null : Py.iterate(separators);
        return Json.dumps(v, Json.Options.of(p.flag(0, false), pad, seps, p.flag(3, false)));
    }

    private static Object toInt(Object v, Params p) {
        Object fallback = p.get(0, 0L);
        if (v instanceof Long) {
            return v;
        }
        if (v instanceof Boolean || v instanceof Double) {
            return v instanceof Double d ? (long) d.doubleValue() : Py.asLong(v);
        }
        try {
            String s = PyRepr.str(v).strip().replace("_", "");
            return s.matches("[+-]?\\d+") ? Long.parseLong(s, (int) p.integer(1, 10)) : (long) Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static Object toFloat(Object v, Object fallback) {
        if (Py.isNumber(v)) {
            return Py.asDouble(v);
        }
        try {
            return Double.parseDouble(PyRepr.str(v).strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Python's round() (half to even on the exact binary value), or jinja2's ceil/floor. */
    private static Object round(Object v, Params p) {
        long precision = p.integer(0, 0);
        String method = PyRepr.str(p.get(1, "common"));
        if (method.equals("common")) {
            if (!(v instanceof Double)) {
                return Py.asLong(v);
            }
            return new java.math.BigDecimal((Double) v).setScale((int) precision, java.math.RoundingMode.HALF_EVEN).doubleValue();
        }
        double scale = Math.pow(10, precision);
        double x = Py.asDouble(v) * scale;
        return (method.equals("ceil") ? Math.ceil(x) : Math.floor(x)) / scale;
    }
}
