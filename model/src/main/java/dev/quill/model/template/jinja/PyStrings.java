package dev.quill.model.template.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Python's str operations that Java does differently: whitespace (Python's isspace), strip,
 * split/rsplit, splitlines, title, capitalize, replace with a count, count. Indexes count code
 * points, as Python does, not UTF-16 units.
 */
public final class PyStrings {

    private PyStrings() {}

    /** Python's str.isspace for one code point (Java leaves out NBSP, U+2007, U+202F and NEL). */
    static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || cp == '\u00a0' || cp == '\u2007' || cp == '\u202f' || cp == '\u0085';
    }

    /** {@code s.strip(chars)}; chars null strips whitespace. */
    public static String strip(String s, String chars, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        while (left && start < end && stripped(s.codePointAt(start), chars)) {
            start += Character.charCount(s.codePointAt(start));
        }
        while (right && end > start && stripped(s.codePointBefore(end), chars)) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(start, end);
    }

    static boolean stripped(int cp, String chars) {
        return chars == null ? isSpace(cp) : chars.indexOf(cp) >= 0;
    }

    /** {@code s.split(sep, maxsplit)}; sep null splits on runs of whitespace and drops empty parts. */
    static List<String> split(String s, String sep, int maxSplit) {
        List<String> parts = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            while (true) {
                while (i < s.length() && isSpace(s.codePointAt(i))) {
                    i += Character.charCount(s.codePointAt(i));
                }
                if (i >= s.length()) {
                    return parts;
                }
                if (maxSplit >= 0 && parts.size() == maxSplit) {
                    parts.add(strip(s.substring(i), null, false, true));
                    return parts;
                }
                int j = i;
                while (j < s.length() && !isSpace(s.codePointAt(j))) {
                    j += Character.charCount(s.codePointAt(j));
                }
                parts.add(s.substring(i, j));
                i = j;
            }
        }
        if (sep.isEmpty()) {
            throw PyErrors.valueError("empty separator");
        }
        int from = 0;
        int at;
        while ((maxSplit < 0 || parts.size() < maxSplit) && (at = s.indexOf(sep, from)) >= 0) {
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    static List<String> rsplit(String s, String sep, int maxSplit) {
        if (maxSplit < 0) {
            return split(s, sep, -1);
        }
        List<String> parts = new ArrayList<>();
        if (sep == null) {
            int end = s.length();
            while (true) {
                while (end > 0 && isSpace(s.codePointBefore(end))) {
                    end -= Character.charCount(s.codePointBefore(end));
                }
                if (end == 0) {
                    return parts;
                }
                if (parts.size() == maxSplit) {
                    parts.add(0, strip(s.substring(0, end), null, true, false));
                    return parts;
                }
                int start = end;
                while (start > 0 && !isSpace(s.codePointBefore(start))) {
                    start -= Character.charCount(s.codePointBefore(start));
                }
                parts.add(0, s.substring(start, end));
                end = start;
            }
        }
        if (sep.isEmpty()) {
            throw PyErrors.valueError("empty separator");
        }
        int to = s.length();
        int at;
        while (parts.size() < maxSplit && (at = s.lastIndexOf(sep, to - sep.length())) >= 0) {
            parts.add(0, s.substring(at + sep.length(), to));
            to = at;
        }
        parts.add(0, s.substring(0, to));
        return parts;
    }

    /** Python's str.splitlines(): breaks at \n, \r\n, \r and the Unicode line separators. */
    static List<String> splitlines(String s) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ("\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029".indexOf(c) >= 0) {
                lines.add(s.substring(start, i));
                if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < s.length()) {
            lines.add(s.substring(start));
        }
        return lines;
    }

    /** Python's str.title(): a letter after a cased letter is lowered, any other is title-cased. */
    static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); i += Character.charCount(s.codePointAt(i))) {
            int cp = s.codePointAt(i);
            out.append(previousCased ? Character.toString(Character.toLowerCase(cp)) : titleCase(cp));
            previousCased = isCased(cp);
        }
        return out.toString();
    }

    /** Python 3.8+ str.capitalize(): the first character title-cased, the rest lowered. */
    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        return titleCase(first) + s.substring(Character.charCount(first)).toLowerCase(Locale.ROOT);
    }

    /**
     * Title case with Python's full mapping for the characters Java maps only simply: 'ß' is
     * "Ss", the 'ﬁ' ligature "Fi" (the full upper case, then all but its first letter lowered).
     */
    static String titleCase(int cp) {
        String upper = Character.toString(cp).toUpperCase(Locale.ROOT);
        if (upper.codePointCount(0, upper.length()) > 1) {
            int first = upper.codePointAt(0);
            return Character.toString(first) + upper.substring(Character.charCount(first)).toLowerCase(Locale.ROOT);
        }
        return Character.toString(Character.toTitleCase(cp));
    }

    static boolean isCased(int cp) {
        return Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp);
    }

    static boolean hasCased(String s) {
        return s.codePoints().anyMatch(PyStrings::isCased);
    }

    static String replace(String s, String old, String replacement, int count) {
        if (count < 0) {
            return s.replace(old, replacement);
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int done = 0; done < count; done++) {
            int at = old.isEmpty() ? (from <= s.length() ? from : -1) : s.indexOf(old, from);
            if (at < 0) {
                break;
            }
            out.append(s, from, at).append(replacement);
            if (old.isEmpty()) {
                if (at == s.length()) {
                    from = at + 1;
                    break;
                }
                out.appendCodePoint(s.codePointAt(at));
                from = at + Character.charCount(s.codePointAt(at));
            } else {
                from = at + old.length();
            }
        }
        return from <= s.length() ? out.append(s.substring(from)).toString() : out.toString();
    }

    static long count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.codePointCount(0, s.length()) + 1L;
        }
        long n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }
}
