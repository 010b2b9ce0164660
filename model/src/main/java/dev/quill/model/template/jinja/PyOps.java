package dev.quill.model.template.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's arithmetic operators on template values, with Python's results ({@code 7 / 2} is 3.5,
 * {@code -7 // 2} is -4, {@code -7 % 3} is 2, {@code '-' * 3} is {@code ---}) and Python's TypeErrors
 * ({@code 'a' + None}: can only concatenate str (not "NoneType") to str).
 */
final class PyOps {

    private PyOps() {}

    static Object binary(String op, Object a, Object b) {
        if (a instanceof Undefined u) {
            throw u.fail();
        }
        if (b instanceof Undefined u) {
            throw u.fail();
        }
        return switch (op) {
            case "+" -> add(a, b);
            case "-" -> numeric(op, a, b);
            case "*" -> multiply(a, b);
            case "/" -> divide(a, b);
            case "//" -> floorDivide(a, b);
            case "%" -> a instanceof String || a instanceof Markup ? PercentFormat.format(a, b) : numeric(op, a, b);
            case "**" -> power(a, b);
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static Object add(Object a, Object b) {
        if (a instanceof Markup || b instanceof Markup) {
            if (Py.isStr(a) && Py.isStr(b)) {
                return new Markup(Markup.escapeValue(a).text() + Markup.escapeValue(b).text());
            }
            throw PyErrors.unsupported("+", a, b);
        }
        if (a instanceof String s) {
            if (b instanceof String t) {
                return s + t;
            }
            throw PyErrors.typeError("can only concatenate str (not \"" + Py.typeName(b) + "\") to str");
        }
        if (a instanceof List<?> x) {
            if (b instanceof List<?> y) {
                List<Object> out = new ArrayList<>(x);
                out.addAll(y);
                return out;
            }
            throw PyErrors.typeError("can only concatenate list (not \"" + Py.typeName(b) + "\") to list");
        }
        if (a instanceof PyTuple x) {
            if (b instanceof PyTuple y) {
                List<Object> out = new ArrayList<>(x.items());
                out.addAll(y.items());
                return new PyTuple(out);
            }
            throw PyErrors.typeError("can only concatenate tuple (not \"" + Py.typeName(b) + "\") to tuple");
        }
        return numeric("+", a, b);
    }

    private static Object multiply(Object a, Object b) {
        if ((Py.isStr(a) || a instanceof List<?> || a instanceof PyTuple) && (b instanceof Long || b instanceof Boolean)) {
            return repeat(a, Py.asLong(b));
        }
        if ((Py.isStr(b) || b instanceof List<?> || b instanceof PyTuple) && (a instanceof Long || a instanceof Boolean)) {
            return repeat(b, Py.asLong(a));
        }
        if (Py.isStr(a) || a instanceof List<?> || a instanceof PyTuple) {
            if (Py.isNumber(b) || !(Py.isNumber(a))) {
                throw PyErrors.typeError("can't multiply sequence by non-int of type '" + Py.typeName(b) + "'");
            }
        }
        return numeric("*", a, b);
    }

    private static Object repeat(Object seq, long times) {
        int n = (int) Math.max(0, Math.min(times, Integer.MAX_VALUE));
        if (seq instanceof Markup m) {
            return new Markup(m.text().repeat(n));
        }
        if (seq instanceof String s) {
            return s.repeat(n);
        }
        List<?> items = seq instanceof PyTuple t ? t.items() : (List<?>) seq;
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.addAll(items);
        }
        return seq instanceof PyTuple ? new PyTuple(out) : out;
    }

    private static Object divide(Object a, Object b) {
        requireNumbers("/", a, b);
        double y = Py.asDouble(b);
        if (y == 0) {
            throw PyErrors.error("ZeroDivisionError", a instanceof Double || b instanceof Double ? "float division by zero" : "division by zero");
        }
        return Py.asDouble(a) / y;
    }

    private static Object floorDivide(Object a, Object b) {
        requireNumbers("//", a, b);
        if (a instanceof Double || b instanceof Double) {
            double y = Py.asDouble(b);
            if (y == 0) {
                throw PyErrors.error("ZeroDivisionError", "float floor division by zero");
            }
            return Math.floor(Py.asDouble(a) / y);
        }
        long y = Py.asLong(b);
        if (y == 0) {
            throw PyErrors.error("ZeroDivisionError", "integer division or modulo by zero");
        }
        return Math.floorDiv(Py.asLong(a), y);
    }

    private static Object numeric(String op, Object a, Object b) {
        requireNumbers(op, a, b);
        if (a instanceof Double || b instanceof Double) {
            double x = Py.asDouble(a);
            double y = Py.asDouble(b);
            return switch (op) {
                case "+" -> x + y;
                case "-" -> x - y;
                case "*" -> x * y;
                default -> floatModulo(x, y);
            };
        }
        long x = Py.asLong(a);
        long y = Py.asLong(b);
        return switch (op) {
            case "+" -> Math.addExact(x, y);
            case "-" -> Math.subtractExact(x, y);
            case "*" -> Math.multiplyExact(x, y);
            default -> {
                if (y == 0) {
                    throw PyErrors.error("ZeroDivisionError", "integer division or modulo by zero");
                }
                yield Math.floorMod(x, y);
            }
        };
    }

    private static double floatModulo(double x, double y) {
        if (y == 0) {
            throw PyErrors.error("ZeroDivisionError", "float modulo");
        }
        double m = x % y;
        return m != 0 && (m < 0) != (y < 0) ? m + y : m;
    }

    private static Object power(Object a, Object b) {
        requireNumbers("** or pow()", a, b);
        if (a instanceof Double || b instanceof Double || Py.asLong(b) < 0) {
            return Math.pow(Py.asDouble(a), Py.asDouble(b));
        }
        long result = 1;
        for (long i = 0, base = Py.asLong(a); i < Py.asLong(b); i++) {
            result = Math.multiplyExact(result, base);
        }
        return result;
    }

    private static void requireNumbers(String op, Object a, Object b) {
        if (!Py.isNumber(a) || !Py.isNumber(b)) {
            throw PyErrors.unsupported(op, a, b);
        }
    }

    /** Unary minus and plus. */
    static Object unary(String op, Object v) {
        if (v instanceof Undefined u) {
            throw u.fail();
        }
        if (!Py.isNumber(v)) {
            throw PyErrors.typeError("bad operand type for unary " + op + ": '" + Py.typeName(v) + "'");
        }
        if (v instanceof Double d) {
            return op.equals("-") ? -d : d;
        }
        return op.equals("-") ? -Py.asLong(v) : Py.asLong(v);
    }
}
