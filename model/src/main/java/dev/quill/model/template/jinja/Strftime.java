package dev.quill.model.template.jinja;

import java.util.Locale;
import java.time.LocalDateTime;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;

/**
 * Python's {@code datetime.now().strftime(format)} for the template global {@code strftime_now},
 * in the C locale and on a naive local time, as transformers calls it ({@code %z} and {@code %Z}
 * are empty for a naive time). glibc's {@code %-d} (no padding) works too, since Llama templates
 * are written on Linux. An unknown directive is copied through, as glibc does.
 */
public final class Strftime {

    // The C locale's names, spelled out: JDK locale data gives other forms (short names for FULL on some JDKs).
    private static final String[] DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December"};

    private Strftime() {}

    public static String format(LocalDateTime t, String format) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                out.append(c);
                continue;
            }
            boolean unpadded = format.charAt(i + 1) == '-' && i + 2 < format.length();
            char directive = format.charAt(unpadded ? i + 2 : i + 1);
            String value = directive(t, directive);
            if (value == null) {
                out.append(format, i, (unpadded ? i + 3 : i + 2));
            } else {
                out.append(unpadded && value.length() > 1 && value.charAt(0) == '0' ? value.substring(1) : value);
            }
            i += unpadded ? 2 : 1;
        }
        return out.toString();
    }

    private static String directive(LocalDateTime t, char d) {
        return switch (d) {
            case 'a' -> DAYS[t.getDayOfWeek().getValue() - 1].substring(0, 3);
            case 'A' -> DAYS[t.getDayOfWeek().getValue() - 1];
            case 'b', 'h' -> MONTHS[t.getMonthValue() - 1].substring(0, 3);
            case 'B' -> MONTHS[t.getMonthValue() - 1];
            case 'c' -> format(t, "%a %b %e %H:%M:%S %Y");
            case 'd' -> two(t.getDayOfMonth());
            case 'e' -> String.format(Locale.ROOT, "%2d", t.getDayOfMonth());
            case 'f' -> String.format(Locale.ROOT, "%06d", t.getNano() / 1000);
            case 'H' -> two(t.getHour());
            case 'I' -> two(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12);
            case 'j' -> String.format(Locale.ROOT, "%03d", t.getDayOfYear());
            case 'm' -> two(t.getMonthValue());
            case 'M' -> two(t.getMinute());
            case 'p' -> t.getHour() < 12 ? "AM" : "PM";
            case 'S' -> two(t.getSecond());
            case 'u' -> Integer.toString(t.getDayOfWeek().getValue());
            case 'w' -> Integer.toString(t.getDayOfWeek().getValue() % 7);
            case 'U' -> two((t.getDayOfYear() + 6 - t.getDayOfWeek().getValue() % 7) / 7);
            case 'W' -> two((t.getDayOfYear() + 6 - (t.getDayOfWeek().getValue() + 6) % 7) / 7);
            case 'V' -> two(t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case 'G' -> Integer.toString(t.get(IsoFields.WEEK_BASED_YEAR));
            case 'x' -> format(t, "%m/%d/%y");
            case 'X', 'T' -> format(t, "%H:%M:%S");
            case 'D' -> format(t, "%m/%d/%y");
            case 'F' -> format(t, "%Y-%m-%d");
            case 'R' -> format(t, "%H:%M");
            case 'y' -> two(t.getYear() % 100);
            case 'Y' -> Integer.toString(t.get(ChronoField.YEAR));
            case 'z', 'Z' -> "";
            case 'n' -> "\n";
            case 't' -> "\t";
            case '%' -> "%";
            default -> null;
        };
    }

    private static String two(int value) {
        return String.format(Locale.ROOT, "%02d", value);
    }
}
