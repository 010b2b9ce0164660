package dev.quill.model.template.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Python's str methods that chat templates call: {@code content.startswith('<tool_response>')},
 * {@code text.split('</think>')[-1].lstrip('\n')}, {@code ', '.join(names)}, {@code '{}'.format(x)}.
 * On a {@link Markup} the string results are Markup again, as markupsafe's are.
 */
final class StrMethods {

    static final Set<String> NAMES = Set.of("startswith", "endswith", "strip", "lstrip", "rstrip", "split", "rsplit",
            "splitlines", "upper", "lower", "title", "capitalize", "swapcase", "casefold", "replace", "join", "format",
            "find", "rfind", "index", "rindex", "count", "removeprefix", "removesuffix", "isdigit", "isalpha",
            "isalnum", "isspace", "isupper", "islower", "isnumeric", "isdecimal", "istitle", "center", "ljust",
            "rjust", "zfill", "partition", "rpartition", "encode", "expandtabs");

    private StrMethods() {}

    static Object call(Object self, String method, List<Object> args, Map<String, Object> kwargs) {
        String s = PyRepr.str(self);
        Object result = dispatch(s, method, args, kwargs);
        return self instanceof Markup && result instanceof String r ? new Markup(r) : result;
    }

    private static Object dispatch(String s, String method, List<Object> args, Map<String, Object> kwargs) {
        if (method.equals("format")) {
            return StrFormat.format(s, args, kwargs);
        }
        Params p = switch (method) {
            case "split", "rsplit" -> Params.bind(method, args, kwargs, "sep", "maxsplit");
            case "splitlines" -> Params.bind(method, args, kwargs, "keepends");
            default -> {
                if (!kwargs.isEmpty()) {
                    throw PyErrors.typeError(method + "() takes no keyword arguments");
                }
                yield Params.bind(method, args, kwargs, "a", "b", "c");
            }
        };
        return switch (method) {
            case "startswith", "endswith" -> affix(s, p, method.equals("startswith"));
            case "strip" -> PyStrings.strip(s, p.string(0), true, true);
            case "lstrip" -> PyStrings.strip(s, p.string(0), true, false);
            case "rstrip" -> PyStrings.strip(s, p.string(0), false, true);
            case "split" -> strings(PyStrings.split(s, p.string(0), (int) p.integer(1, -1)));
            case "rsplit" -> strings(PyStrings.rsplit(s, p.string(0), (int) p.integer(1, -1)));
            case "splitlines" -> strings(PyStrings.splitlines(s));
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "casefold" -> s.toLowerCase(Locale.ROOT);
            case "title" -> PyStrings.title(s);
            case "capitalize" -> PyStrings.capitalize(s);
            case "swapcase" -> swapcase(s);
            case "replace" -> PyStrings.replace(s, str(p, 0), str(p, 1), (int) p.integer(2, -1));
            case "join" -> join(s, p.required(0));
            case "find", "index" -> find(s, p, false, method.equals("index"));
            case "rfind", "rindex" -> find(s, p, true, method.equals("rindex"));
            case "count" -> PyStrings.count(s, str(p, 0));
            case "removeprefix" -> s.startsWith(str(p, 0)) ? s.substring(str(p, 0).length()) : s;
            case "removesuffix" -> !str(p, 0).isEmpty() && s.endsWith(str(p, 0)) ? s.substring(0, s.length() - str(p, 0).length()) : s;
            case "isdigit", "isnumeric", "isdecimal" -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
            case "isalnum" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit);
            case "isspace" -> !s.isEmpty() && s.codePoints().allMatch(PyStrings::isSpace);
            case "isupper" -> PyStrings.hasCased(s) && s.equals(s.toUpperCase(Locale.ROOT));
            case "islower" -> PyStrings.hasCased(s) && s.equals(s.toLowerCase(Locale.ROOT));
            case "istitle" -> PyStrings.hasCased(s) && s.equals(PyStrings.title(s));
            case "center", "ljust", "rjust" -> pad(s, method, (int) p.integer(0, 0), p.get(1, " "));
            case "zfill" -> zfill(s, (int) p.integer(0, 0));
            case "partition", "rpartition" -> partition(s, str(p, 0), method.equals("rpartition"));
            case "expandtabs" -> s.replace("\t", " ".repeat((int) p.integer(0, 8)));
            default -> throw PyErrors.error("AttributeError", "str.encode is not available in a chat template");
        };
    }

    private static String str(Params p, int i) {
        Object v = p.required(i);
        if (!Py.isStr(v)) {
            throw PyErrors.typeError("must be str, not " + Py.typeName(v));
        }
        return PyRepr.str(v);
    }

    private static List<Object> strings(List<String> parts) {
        return new ArrayList<>(parts);
    }

    private static boolean affix(String s, Params p, boolean prefix) {
        String target = s;
        if (p.get(1, null) != null) { // startswith(prefix, start[, end]) looks at a slice
            target = (String) new PySlice(p.get(1, null), p.get(2, PyNone.NONE), PyNone.NONE).apply(s);
        }
        Object affix = p.required(0);
        List<?> options = affix instanceof PyTuple t ? t.items() : List.of(affix);
        for (Object option : options) {
            if (!Py.isStr(option)) {
                throw PyErrors.typeError((prefix ? "startswith" : "endswith") + " first arg must be str or a tuple of str, not "
                        + Py.typeName(option));
            }
            if (prefix ? target.startsWith(PyRepr.str(option)) : target.endsWith(PyRepr.str(option))) {
                return true;
            }
        }
        return false;
    }

    private static String join(String sep, Object items) {
        StringBuilder out = new StringBuilder();
        List<Object> list = Py.iterate(items);
        for (int i = 0; i < list.size(); i++) {
            if (!Py.isStr(list.get(i))) {
                throw PyErrors.typeError("sequence item " + i + ": expected str instance, " + Py.typeName(list.get(i)) + " found");
            }
            out.append(i > 0 ? sep : "").append(PyRepr.str(list.get(i)));
        }
        return out.toString();
    }

    private static long find(String s, Params p, boolean last, boolean raise) {
        String sub = str(p, 0);
        int at = last ? s.lastIndexOf(sub) : s.indexOf(sub);
        if (at < 0 && raise) {
            throw PyErrors.valueError("substring not found");
        }
        return at < 0 ? -1 : s.codePointCount(0, at);
    }

    private static String swapcase(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(cp -> out.appendCodePoint(
                Character.isUpperCase(cp) ? Character.toLowerCase(cp) : Character.isLowerCase(cp) ? Character.toUpperCase(cp) : cp));
        return out.toString();
    }

    private static String pad(String s, String how, int width, Object fill) {
        int n = s.codePointCount(0, s.length());
        if (width <= n) {
            return s;
        }
        String f = PyRepr.str(fill);
        int total = width - n;
        return switch (how) {
            case "ljust" -> s + f.repeat(total);
            case "rjust" -> f.repeat(total) + s;
            default -> {
                int left = total / 2 + (total & width & 1); // CPython's centering rule
                yield f.repeat(left) + s + f.repeat(total - left);
            }
        };
    }

    private static String zfill(String s, int width) {
        if (s.length() >= width) {
            return s;
        }
        boolean signed = s.startsWith("-") || s.startsWith("+");
        String zeros = "0".repeat(width - s.length());
        return signed ? s.charAt(0) + zeros + s.substring(1) : zeros + s;
    }

    private static PyTuple partition(String s, String sep, boolean last) {
        if (sep.isEmpty()) {
            throw PyErrors.valueError("empty separator");
        }
        int at = last ? s.lastIndexOf(sep) : s.indexOf(sep);
        if (at < 0) {
            return last ? PyTuple.of("", "", s) : PyTuple.of(s, "", "");
        }
        return PyTuple.of(s.substring(0, at), sep, s.substring(at + sep.length()));
    }
}
