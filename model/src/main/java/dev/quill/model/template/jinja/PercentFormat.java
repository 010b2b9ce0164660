package dev.quill.model.template.jinja;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Python's printf-style {@code format % values}: {@code %s %r %d %i %f %e %g %x %o %c %%}, flags
 * {@code -+ 0#}, width, precision and {@code %(name)s} with a dict. A tuple supplies several values;
 * anything else is the one value. A Markup format escapes its values, as markupsafe does.
 */
final class PercentFormat {

    private PercentFormat() {}

    static Object format(Object format, Object values) {
        boolean markup = format instanceof Markup;
        String f = PyRepr.str(format);
        List<Object> args = values instanceof PyTuple t ? t.items() : List.of(values);
        Map<?, ?> named = values instanceof Map<?, ?> m ? m : null;
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (++i >= f.length()) {
                throw PyErrors.valueError("incomplete format");
            }
            Object value;
            if (f.charAt(i) == '(') {
                int close = f.indexOf(')', i);
                if (named == null) {
                    throw PyErrors.typeError("format requires a mapping");
                }
                String key = f.substring(i + 1, close);
                if (!named.containsKey(key)) {
                    throw PyErrors.error("KeyError", PyRepr.repr(key));
                }
                value = named.get(key);
                i = close + 1;
            } else {
                value = null;
            }
            int specStart = i;
            while (i < f.length() && "-+ 0#".indexOf(f.charAt(i)) >= 0) {
                i++;
            }
            String flags = f.substring(specStart, i);
            int widthStart = i;
            while (i < f.length() && (Character.isDigit(f.charAt(i)) || f.charAt(i) == '*')) {
                i++;
            }
            String width = f.substring(widthStart, i);
            String precision = null;
            if (i < f.length() && f.charAt(i) == '.') {
                int p = ++i;
                while (i < f.length() && Character.isDigit(f.charAt(i))) {
                    i++;
                }
                precision = f.substring(p, i);
            }
            if (i >= f.length()) {
                throw PyErrors.valueError("incomplete format");
            }
            char conversion = f.charAt(i);
            if (conversion == '%') {
                out.append('%');
                continue;
            }
            if (value == null) {
                if (next >= args.size()) {
                    throw PyErrors.typeError("not enough arguments for format string");
                }
                value = args.get(next++);
            }
            if (markup && (conversion == 's' || conversion == 'r')) {
                value = Markup.escapeValue(conversion == 's' ? value : PyRepr.repr(value));
                conversion = 's';
            }
            out.append(pad(convert(conversion, flags, precision, value), flags, width));
        }
        if (named == null && next < args.size()) {
            throw PyErrors.typeError("not all arguments converted during string formatting");
        }
        return markup ? new Markup(out.toString()) : out.toString();
    }

    private static String convert(char conversion, String flags, String precision, Object value) {
        return switch (conversion) {
            case 's' -> truncate(PyRepr.str(value), precision);
            case 'r', 'a' -> truncate(PyRepr.repr(value), precision);
            case 'd', 'i', 'u' -> sign(Long.toString(integer(value, conversion)), flags);
            case 'x' -> sign(Long.toString(integer(value, conversion), 16), flags);
            case 'X' -> sign(Long.toString(integer(value, conversion), 16).toUpperCase(Locale.ROOT), flags);
            case 'o' -> sign(Long.toString(integer(value, conversion), 8), flags);
            case 'c' -> value instanceof Long l ? Character.toString(l.intValue()) : PyRepr.str(value);
            case 'f', 'F', 'e', 'E', 'g', 'G' -> sign(floating(conversion, precision, number(value, conversion)), flags);
            default -> throw PyErrors.valueError("unsupported format character '" + conversion + "'");
        };
    }

    private static long integer(Object value, char conversion) {
        if (value instanceof Double d) {
            return (long) d.doubleValue();
        }
        if (value instanceof Long || value instanceof Boolean) {
            return Py.asLong(value);
        }
        throw PyErrors.typeError("%" + conversion + " format: a real number is required, not " + Py.typeName(value));
    }

    private static double number(Object value, char conversion) {
        if (Py.isNumber(value)) {
            return Py.asDouble(value);
        }
        throw PyErrors.typeError("must be real number, not " + Py.typeName(value));
    }

    private static String floating(char conversion, String precision, double x) {
        int p = precision == null ? 6 : precision.isEmpty() ? 0 : Integer.parseInt(precision);
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            String s = Double.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
            return Character.isUpperCase(conversion) ? s.toUpperCase(Locale.ROOT) : s;
        }
        String s = switch (Character.toLowerCase(conversion)) {
            case 'f' -> new BigDecimal(x).setScale(p, java.math.RoundingMode.HALF_EVEN).toPlainString();
            case 'e' -> String.format(Locale.ROOT, "%." + p + "e", x); // Java's 1.5e+00 is Python's too
            default -> general(x, p == 0 ? 1 : p);
        };
        return Character.isUpperCase(conversion) ? s.toUpperCase(Locale.ROOT) : s;
    }

    private static String general(double x, int p) {
        if (x == 0) {
            return "0";
        }
        int exp = (int) Math.floor(Math.log10(Math.abs(x)));
        String s = exp < -4 || exp >= p
                ? String.format(Locale.ROOT, "%." + (p - 1) + "e", x)
                : new BigDecimal(x).round(new java.math.MathContext(p)).toPlainString();
        if (s.contains("e")) {
            String mantissa = s.substring(0, s.indexOf('e'));
            mantissa = mantissa.contains(".") ? mantissa.replaceAll("0+$", "").replaceAll("\\.$", "") : mantissa;
            return mantissa + s.substring(s.indexOf('e'));
        }
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    private static String sign(String digits, String flags) {
        if (digits.startsWith("-")) {
            return digits;
        }
        return flags.contains("+") ? "+" + digits : flags.contains(" ") ? " " + digits : digits;
    }

    private static String truncate(String s, String precision) {
        return precision == null || precision.isEmpty() || Integer.parseInt(precision) >= s.length()
                ? s : s.substring(0, Integer.parseInt(precision));
    }

    private static String pad(String s, String flags, String width) {
        int w = width.isEmpty() || width.equals("*") ? 0 : Integer.parseInt(width);
        if (s.length() >= w) {
            return s;
        }
        if (flags.contains("-")) {
            return s + " ".repeat(w - s.length());
        }
        if (flags.contains("0")) {
            boolean signed = s.startsWith("-") || s.startsWith("+") || s.startsWith(" ");
            return signed ? s.charAt(0) + "0".repeat(w - s.length()) + s.substring(1) : "0".repeat(w - s.length()) + s;
        }
        return " ".repeat(w - s.length()) + s;
    }
}
