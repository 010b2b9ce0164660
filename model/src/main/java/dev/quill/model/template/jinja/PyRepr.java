package dev.quill.model.template.jinja;

import java.util.Locale;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code str()} and {@code repr()} of template values, which is what jinja2 prints for
 * {@code {{ value }}}: {@code True}, {@code None}, {@code 1e-05}, {@code ['a', 'b']},
 * {@code ('a', 1)}, {@code {'k': 1}}.
 */
public final class PyRepr {

    private PyRepr() {}

    /** {@code str(value)}: strings as they are, Undefined as nothing, everything else its repr. */
    public static String str(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Markup m) {
            return m.text();
        }
        if (value instanceof Undefined) {
            return "";
        }
        return repr(value);
    }

    /** {@code repr(value)}: how a value looks inside a printed list or dict. */
    public static String repr(Object value) {
        if (value == null || value == PyNone.NONE) {
            return "None";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof String s) {
            return quote(s);
        }
        if (value instanceof Double d) {
            return floatRepr(d);
        }
        if (value instanceof Long) {
            return value.toString();
        }
        if (value instanceof Markup m) {
            return "Markup(" + quote(m.text()) + ")";
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder out = new StringBuilder("{");
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (out.length() > 1) {
                    out.append(", ");
                }
                out.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
            }
            return out.append('}').toString();
        }
        if (value instanceof PyTuple t) {
            return t.items().size() == 1 ? "(" + repr(t.items().get(0)) + ",)" : "(" + items(t.items()) + ")";
        }
        if (value instanceof List<?> list) {
            return "[" + items(list) + "]";
        }
        if (value instanceof Undefined) {
            return "Undefined";
        }
        return value.toString();
    }

    private static String items(List<?> items) {
        StringBuilder out = new StringBuilder();
        for (Iterator<?> it = items.iterator(); it.hasNext(); ) {
            out.append(repr(it.next())).append(it.hasNext() ? ", " : "");
        }
        return out.toString();
    }

    /** Python's string repr: single quotes unless the text has one and no double quote. */
    static String quote(String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder(s.length() + 2).append(q);
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (cp == q) {
                        out.append('\\').append(q);
                    } else if (isPrintable(cp)) {
                        out.appendCodePoint(cp);
                    } else if (cp < 0x100) {
                        out.append(String.format(Locale.ROOT, "\\x%02x", cp));
                    } else if (cp < 0x10000) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", cp));
                    } else {
                        out.append(String.format(Locale.ROOT, "\\U%08x", cp));
                    }
                }
            }
        });
        return out.append(q).toString();
    }

    /** Python's str.isprintable for one code point: not a control, format, separator or unassigned. */
    private static boolean isPrintable(int cp) {
        if (cp == ' ') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                    Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /**
     * Python's float repr: the shortest digits that read back as the same double, in fixed
     * notation when the decimal exponent is in [-4, 16), else as {@code 1.5e-05} / {@code 1e+16}.
     */
    public static String floatRepr(double x) {
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        if (x == 0) {
            return (1 / x < 0) ? "-0.0" : "0.0";
        }
        // Java 17's Double.toString is not always the shortest round-trip form; search for it.
        BigDecimal exact = new BigDecimal(x);
        BigDecimal shortest = exact;
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == x) {
                shortest = candidate;
                break;
            }
        }
        shortest = shortest.stripTrailingZeros();
        String digits = shortest.unscaledValue().abs().toString();
        int decimalPoint = digits.length() - shortest.scale(); // x = 0.digits * 10^decimalPoint
        String sign = x < 0 ? "-" : "";
        if (decimalPoint > -4 && decimalPoint <= 16) {
            if (decimalPoint <= 0) {
                return sign + "0." + "0".repeat(-decimalPoint) + digits;
            }
            if (decimalPoint >= digits.length()) {
                return sign + digits + "0".repeat(decimalPoint - digits.length()) + ".0";
            }
            return sign + digits.substring(0, decimalPoint) + "." + digits.substring(decimalPoint);
        }
        int exponent = decimalPoint - 1;
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exponent));
    }
}
