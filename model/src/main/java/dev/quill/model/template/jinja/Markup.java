package dev.quill.model.template.jinja;

/**
 * markupsafe's {@code Markup}, what {@code |safe} returns: a str that HTML-escapes whatever plain
 * string is joined to it ({@code 'a' | safe + '<b>'} is {@code a&lt;b&gt;}), as jinja2 does even with
 * autoescape off. Printing it prints its text.
 */
public record Markup(String text) {

    /** markupsafe.escape of a plain str. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&#34;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** escape(value): Markup stays as is, anything else is str()'d and escaped. */
    static Markup escapeValue(Object value) {
        return value instanceof Markup m ? m : new Markup(escape(PyRepr.str(value)));
    }

    @Override
    public String toString() {
        return text;
    }
}
