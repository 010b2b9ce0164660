package dev.quill.model.grammar;

import java.nio.charset.StandardCharsets;

/**
 * The pieces of JSON every schema is made of, as rules of one {@link Grammar.Builder}: strings
 * (with UTF-8 checked byte by byte, so a token holding half a character is judged correctly),
 * numbers, integers, whitespace, literals, and "any JSON value" for schemas that say nothing.
 * Each rule is built once per grammar, on first use, and called wherever it is needed.
 *
 * <p>Everything is bounded so that a model cannot loop inside one token class forever: a run of
 * whitespace is at most {@code maxWhitespace} bytes, an integer part at most {@value #MAX_DIGITS}
 * digits (a double holds 17 significant digits), a fraction likewise, an exponent 3 digits.
 * Strings are unbounded; the token budget ends them (see {@link Automaton}).
 */
final class JsonLexicon {
    static final int MAX_DIGITS = 16;

    private final Grammar.Builder g;
    private final int maxWhitespace;
    private int stringRule = -1;
    private int numberRule = -1;
    private int integerRule = -1;
    private int valueRule = -1;
    private int anyObjectRule = -1;

    JsonLexicon(Grammar.Builder g, int maxWhitespace) {
        this.g = g;
        this.maxWhitespace = maxWhitespace;
    }

    Grammar.Builder builder() {
        return g;
    }

    /** Up to {@code maxWhitespace} bytes of space, newline or tab from {@code from}; returns the state after. */
    int whitespace(int from) {
        int out = g.state();
        int at = from;
        g.epsilon(at, out);
        for (int i = 0; i < maxWhitespace; i++) {
            int next = g.state();
            g.oneByte(at, ' ', next);
            g.oneByte(at, '\n', next);
            g.oneByte(at, '\t', next);
            g.epsilon(next, out);
            at = next;
        }
        return out;
    }

    /** {@code text} as UTF-8 bytes from {@code from}; returns the state after. */
    int literal(int from, String text) {
        return g.literal(from, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Calls {@code rule} from {@code from}; returns the state it returns to. */
    int call(int from, int rule) {
        int to = g.state();
        g.call(from, rule, to);
        return to;
    }

    /** A JSON string: quotes, escapes, and well-formed UTF-8 (no overlong forms, no surrogates). */
    int stringRule() {
        if (stringRule < 0) {
            stringRule = g.state();
            int body = g.state();
            int done = g.state();
            g.end(done);
            g.oneByte(stringRule, '"', body);
            g.oneByte(body, '"', done);
            g.bytes(body, 0x20, 0x21, body); // every printable ASCII byte but '"' and '\'
            g.bytes(body, 0x23, 0x5B, body);
            g.bytes(body, 0x5D, 0x7F, body);
            escapes(body);
            utf8(body);
        }
        return stringRule;
    }

    private void escapes(int body) {
        int escape = g.state();
        g.oneByte(body, '\\', escape);
        for (char c : "\"\\/bfnrt".toCharArray()) {
            g.oneByte(escape, c, body);
        }
        int at = g.state();
        g.oneByte(escape, 'u', at);
        for (int i = 0; i < 4; i++) {
            int next = i == 3 ? body : g.state();
            g.bytes(at, '0', '9', next);
            g.bytes(at, 'a', 'f', next);
            g.bytes(at, 'A', 'F', next);
            at = next;
        }
    }

    /** Multi-byte UTF-8 after RFC 3629's table: the second byte's range depends on the first. */
    private void utf8(int body) {
        int need1 = g.state();
        int need2 = g.state();
        int need3 = g.state();
        g.bytes(need1, 0x80, 0xBF, body);
        g.bytes(need2, 0x80, 0xBF, need1);
        g.bytes(need3, 0x80, 0xBF, need2);
        g.bytes(body, 0xC2, 0xDF, need1);
        secondByte(body, 0xE0, 0xA0, 0xBF, need1); // no overlong 3-byte forms
        g.bytes(body, 0xE1, 0xEC, need2);
        secondByte(body, 0xED, 0x80, 0x9F, need1); // no surrogates
        g.bytes(body, 0xEE, 0xEF, need2);
        secondByte(body, 0xF0, 0x90, 0xBF, need2); // no overlong 4-byte forms
        g.bytes(body, 0xF1, 0xF3, need3);
        secondByte(body, 0xF4, 0x80, 0x8F, need2); // nothing above U+10FFFF
    }

    private void secondByte(int body, int first, int lo, int hi, int then) {
        int s = g.state();
        g.oneByte(body, first, s);
        g.bytes(s, lo, hi, then);
    }

    /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?} with bounded digit runs. */
    int numberRule() {
        if (numberRule < 0) {
            numberRule = g.state();
            int integer = integerPart(numberRule);
            int done = g.state();
            g.end(done);
            g.epsilon(integer, done);
            int point = g.state();
            g.oneByte(integer, '.', point);
            int fraction = digits(point, MAX_DIGITS);
            g.epsilon(fraction, done);
            int e = g.state();
            g.oneByte(integer, 'e', e);
            g.oneByte(integer, 'E', e);
            g.oneByte(fraction, 'e', e);
            g.oneByte(fraction, 'E', e);
            int sign = g.state();
            g.epsilon(e, sign);
            g.oneByte(e, '+', sign);
            g.oneByte(e, '-', sign);
            g.epsilon(digits(sign, 3), done);
        }
        return numberRule;
    }

    /** {@code -?(0|[1-9][0-9]{0,15})}. */
    int integerRule() {
        if (integerRule < 0) {
            integerRule = g.state();
            g.end(integerPart(integerRule));
        }
        return integerRule;
    }

    /** An optional minus and the integer digits; returns the state after them. */
    private int integerPart(int from) {
        int unsigned = g.state();
        g.epsilon(from, unsigned);
        g.oneByte(from, '-', unsigned);
        int out = g.state();
        g.oneByte(unsigned, '0', out);
        int first = g.state();
        g.bytes(unsigned, '1', '9', first);
        g.epsilon(first, out);
        int at = first;
        for (int i = 1; i < MAX_DIGITS; i++) {
            int next = g.state();
            g.bytes(at, '0', '9', next);
            g.epsilon(next, out);
            at = next;
        }
        return out;
    }

    /** 1 to {@code max} decimal digits; returns the state after them. */
    private int digits(int from, int max) {
        int out = g.state();
        int at = from;
        for (int i = 0; i < max; i++) {
            int next = g.state();
            g.bytes(at, '0', '9', next);
            g.epsilon(next, out);
            at = next;
        }
        return out;
    }

    /** Any JSON value at all: what an empty schema ({@code {}} or {@code true}) allows. */
    int valueRule() {
        if (valueRule < 0) {
            valueRule = g.state();
            int done = g.state();
            g.end(done);
            for (int rule : new int[] {anyObjectRule(), anyArrayRule(), stringRule(), numberRule()}) {
                g.call(valueRule, rule, done);
            }
            for (String word : new String[] {"true", "false", "null"}) {
                g.epsilon(literal(valueRule, word), done);
            }
        }
        return valueRule;
    }

    /** Any JSON object: what {@code response_format: json_object} asks for. */
    int anyObjectRule() {
        if (anyObjectRule < 0) {
            anyObjectRule = g.state();
            int value = valueRule();
            int open = whitespace(literal(anyObjectRule, "{"));
            int member = g.state();
            g.epsilon(open, member);
            int afterValue = call(whitespace(literal(whitespace(call(member, stringRule())), ":")), value);
            int separator = whitespace(literal(whitespace(afterValue), ","));
            g.epsilon(separator, member);
            int close = g.state();
            g.epsilon(open, close);
            g.epsilon(whitespace(afterValue), close);
            g.end(literal(close, "}"));
        }
        return anyObjectRule;
    }

    /** Any JSON array. */
    private int anyArrayRule() {
        int rule = g.state();
        int open = whitespace(literal(rule, "["));
        int item = g.state();
        g.epsilon(open, item);
        int afterItem = whitespace(call(item, valueRule()));
        g.epsilon(whitespace(literal(afterItem, ",")), item);
        int close = g.state();
        g.epsilon(open, close);
        g.epsilon(afterItem, close);
        g.end(literal(close, "]"));
        return rule;
    }
}
