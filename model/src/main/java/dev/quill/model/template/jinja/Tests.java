package dev.quill.model.template.jinja;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** jinja2's tests, for {@code x is name(args)} and for select/reject. */
final class Tests {

    private Tests() {}

    private static final Set<String> NAMES = Set.of("defined", "undefined", "none", "boolean", "true", "false",
            "integer", "float", "number", "string", "mapping", "sequence", "iterable", "callable", "escaped", "lower",
            "upper", "odd", "even", "divisibleby", "eq", "equalto", "==", "ne", "!=", "lt", "lessthan", "<", "le", "<=",
            "gt", "greaterthan", ">", "ge", ">=", "in", "sameas", "filter", "test");

    static boolean exists(String name) {
        return NAMES.contains(name);
    }

    static boolean apply(String name, Object v, List<Object> args, Map<String, Object> kwargs) {
        return switch (name) {
            case "defined" -> !(v instanceof Undefined);
            case "undefined" -> v instanceof Undefined;
            case "none" -> v == PyNone.NONE;
            case "boolean" -> v instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(v);
            case "false" -> Boolean.FALSE.equals(v);
            case "integer" -> v instanceof Long;
            case "float" -> v instanceof Double;
            case "number" -> Py.isNumber(v);
            case "string" -> Py.isStr(v);
            case "mapping" -> v instanceof Map<?, ?>;
            case "sequence" -> Py.isStr(v) || v instanceof List<?> || v instanceof PyTuple || v instanceof Map<?, ?>;
            case "iterable" -> Py.isStr(v) || v instanceof List<?> || v instanceof PyTuple || v instanceof Map<?, ?>
                    || v instanceof Undefined;
            case "callable" -> v instanceof PyCallable;
            case "escaped" -> v instanceof Markup;
            case "lower" -> PyRepr.str(v).equals(PyRepr.str(v).toLowerCase(Locale.ROOT)) && PyStrings.hasCased(PyRepr.str(v));
            case "upper" -> PyRepr.str(v).equals(PyRepr.str(v).toUpperCase(Locale.ROOT)) && PyStrings.hasCased(PyRepr.str(v));
            case "odd" -> Py.asLong(number(v)) % 2 != 0;
            case "even" -> Py.asLong(number(v)) % 2 == 0;
            case "divisibleby" -> Py.asLong(number(v)) % Py.asLong(number(arg(args, kwargs, "num"))) == 0;
            case "eq", "equalto", "==" -> Py.eq(v, arg(args, kwargs, "other"));
            case "ne", "!=" -> !Py.eq(v, arg(args, kwargs, "other"));
            case "lt", "lessthan", "<" -> Py.compare(v, arg(args, kwargs, "other"), "<") < 0;
            case "le", "<=" -> Py.compare(v, arg(args, kwargs, "other"), "<=") <= 0;
            case "gt", "greaterthan", ">" -> Py.compare(v, arg(args, kwargs, "other"), ">") > 0;
            case "ge", ">=" -> Py.compare(v, arg(args, kwargs, "other"), ">=") >= 0;
            case "in" -> Py.contains(arg(args, kwargs, "seq"), v);
            case "sameas" -> sameAs(v, arg(args, kwargs, "other"));
            case "filter" -> Filters.exists(PyRepr.str(v));
            case "test" -> exists(PyRepr.str(v));
            default -> throw PyErrors.error("TemplateAssertionError", "No test named '" + name + "'.");
        };
    }

    private static Object arg(List<Object> args, Map<String, Object> kwargs, String name) {
        return Params.bind(name, args, kwargs, name).required(0);
    }

    private static Object number(Object v) {
        if (v instanceof Long || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Undefined u) {
            throw u.fail();
        }
        throw PyErrors.typeError("unsupported operand type(s) for %: '" + Py.typeName(v) + "' and 'int'");
    }

    /** Python's {@code is}: the singletons and small ints are identical, other values only to themselves. */
    private static boolean sameAs(Object a, Object b) {
        if (a == PyNone.NONE || a instanceof Boolean || b == PyNone.NONE || b instanceof Boolean) {
            return a == b || (a instanceof Boolean && a.equals(b));
        }
        if (a instanceof Long x && b instanceof Long y) {
            return x.equals(y) && x >= -5 && x <= 256;
        }
        return a == b;
    }
}
