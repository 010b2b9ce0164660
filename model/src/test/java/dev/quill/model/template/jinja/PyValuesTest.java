package dev.quill.model.template.jinja;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Python's repr and json.dumps; every expected string was printed by CPython 3.11. */
class PyValuesTest {

    @ParameterizedTest
    @CsvSource({
        "0.1, 0.1", "1e-05, 1e-05", "1e16, 1e+16", "1e15, 1000000000000000.0", "123456789.123, 123456789.123",
        "-0.0, -0.0", "0.3333333333333333, 0.3333333333333333", "2.5e-300, 2.5e-300",
        "1.7976931348623157e308, 1.7976931348623157e+308", "5e-324, 5e-324", "100.0, 100.0", "0.0001, 0.0001",
        "0.00001234, 1.234e-05", "2e22, 2e+22", "9007199254740993.0, 9007199254740992.0"})
    void floatsPrintAsPythonRepr(double value, String python) {
        assertThat(PyRepr.floatRepr(value)).isEqualTo(python);
    }

    @Test
    void stringsRepresentAsPythonRepr() {
        assertThat(PyRepr.repr("it's")).isEqualTo("\"it's\"");
        assertThat(PyRepr.repr("say \"hi\"")).isEqualTo("'say \"hi\"'");
        assertThat(PyRepr.repr("both ' and \"")).isEqualTo("'both \\' and \"'");
        assertThat(PyRepr.repr("tab\tnew\nline\\")).isEqualTo("'tab\\tnew\\nline\\\\'");
        assertThat(PyRepr.repr("\u0000\u007f")).isEqualTo("'\\x00\\x7f'");
        assertThat(PyRepr.repr("é€😀")).isEqualTo("'é€😀'");
        assertThat(PyRepr.repr("\u200b\u00a0 ")).isEqualTo("'\\u200b\\xa0 '");
        assertThat(PyRepr.str(Arrays.asList(1L, 2.5, PyNone.NONE, true, "a"))).isEqualTo("[1, 2.5, None, True, 'a']");
        assertThat(PyRepr.str(PyTuple.of("a", 1L))).isEqualTo("('a', 1)");
    }

    @Test
    void tojsonIsJsonDumps() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("a", Arrays.asList(1L, 2.5, PyNone.NONE, true, "é\n\u2028\u007f😀"));
        v.put("b", Map.of());
        v.put("c", List.of());

        assertThat(Json.dumps(v, Json.Options.of(true, null, null, false)))
                .isEqualTo("{\"a\": [1, 2.5, null, true, \"\\u00e9\\n\\u2028\\u007f\\ud83d\\ude00\"], \"b\": {}, \"c\": []}");
        assertThat(Json.dumps(v, Json.Options.of(false, null, null, false)))
                .isEqualTo("{\"a\": [1, 2.5, null, true, \"é\\n\u2028\u007f😀\"], \"b\": {}, \"c\": []}");
        assertThat(Json.dumps(v, Json.Options.of(false, "  ", null, false)))
                .isEqualTo("{\n  \"a\": [\n    1,\n    2.5,\n    null,\n    true,\n    \"é\\n\u2028\u007f😀\"\n  ],\n"
                        + "  \"b\": {},\n  \"c\": []\n}");
        assertThat(Json.dumps(v, Json.Options.of(false, null, List.of(",", ":"), true)))
                .isEqualTo("{\"a\":[1,2.5,null,true,\"é\\n\u2028\u007f😀\"],\"b\":{},\"c\":[]}");
    }

    @Test
    void slicesFollowPython() {
        List<Long> xs = List.of(0L, 1L, 2L, 3L, 4L);
        Object none = PyNone.NONE;
        assertThat(new PySlice(none, none, -1L).apply(xs)).isEqualTo(List.of(4L, 3L, 2L, 1L, 0L));
        assertThat(new PySlice(-2L, none, none).apply(xs)).isEqualTo(List.of(3L, 4L));
        assertThat(new PySlice(1L, -1L, 2L).apply(xs)).isEqualTo(List.of(1L, 3L));
        assertThat(new PySlice(10L, 0L, -3L).apply(xs)).isEqualTo(List.of(4L, 1L));
        assertThat(new PySlice(1L, 3L, none).apply("h😀llo")).isEqualTo("😀l");
        assertThat(Attributes.item("h😀llo", -4L)).isEqualTo("😀");
        assertThat(Attributes.item(xs, 5L)).isInstanceOf(Undefined.class);
    }

    @Test
    void stringMethodsFollowPython() {
        assertThat(PyStrings.split("  a  b\tc \n", null, -1)).containsExactly("a", "b", "c");
        assertThat(PyStrings.split("a,,b,", ",", -1)).containsExactly("a", "", "b", "");
        assertThat(PyStrings.split("a b c", " ", 1)).containsExactly("a", "b c");
        assertThat(StrMethods.call("a b c", "rsplit", List.of(" ", 1L), Map.of())).isEqualTo(List.of("a b", "c"));
        assertThat(PyStrings.title("hello wORLD o'neil ß ﬁx")).isEqualTo("Hello World O'Neil Ss Fix");
        assertThat(PyStrings.capitalize("éCOLE")).isEqualTo("École");
        assertThat(PyStrings.capitalize("ßa")).isEqualTo("Ssa");
        assertThat(PyStrings.strip("xxhixx", "x", true, true)).isEqualTo("hi");
        assertThat(PyStrings.strip("\u00a0 hi \u2028", null, true, true)).isEqualTo("hi");
        assertThat(StrMethods.call("a\r\nb\nc\n", "splitlines", List.of(), Map.of())).isEqualTo(List.of("a", "b", "c"));
        assertThat(StrMethods.call("a-b-c", "replace", List.of("-", "+", 1L), Map.of())).isEqualTo("a+b-c");
        assertThat(StrMethods.call("x", "startswith", List.of(PyTuple.of("a", "x")), Map.of())).isEqualTo(true);
    }
}
