package dev.quill.model.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

/** Which texts each schema's grammar accepts, cross-checked with an independent validator, and what it refuses. */
class JsonSchemaCompilerTest {

    /** Whether the whole of {@code text} is a document of {@code g}. */
    static boolean accepts(Grammar g, byte[] text) {
        Automaton a = new Automaton(g);
        DfaState s = a.start();
        for (byte b : text) {
            s = a.step(s, b & 0xFF);
            if (s.dead()) {
                return false;
            }
        }
        return s.accepting;
    }

    static boolean accepts(Grammar g, String text) {
        return accepts(g, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The grammar accepts it, and so does the validator (the two agree on what is valid). */
    private static void valid(String schema, String... texts) {
        Grammar g = JsonSchemaCompiler.compile(schema);
        SchemaCheck check = new SchemaCheck(schema);
        for (String t : texts) {
            assertThat(accepts(g, t)).as(t).isTrue();
            assertThat(check.problems(t)).as(t).isEmpty();
        }
    }

    private static void refused(String schema, String... texts) {
        Grammar g = JsonSchemaCompiler.compile(schema);
        for (String t : texts) {
            assertThat(accepts(g, t)).as(t).isFalse();
        }
    }

    @Test
    void objectsKeepDeclaredOrderRequireWhatIsRequiredAndAllowBoundedWhitespace() {
        String s = TestSchemas.NESTED;
        valid(s, "{\"name\":\"Ann\",\"age\":30,\"address\":{\"street\":\"x\",\"city\":\"y\"}}",
                "{\"name\": \"Ann\", \"age\": -3, \"address\": {\"street\": \"x\", \"city\": \"y\", \"zip\": \"1\"},"
                        + " \"member\": false}",
                "{\n \"name\":\"\",\"age\":0,\"address\":{\"street\":\"\",\"city\":\"\"},\"score\":1.5e-3}");
        refused(s, "{\"name\":\"Ann\",\"address\":{\"street\":\"x\",\"city\":\"y\"}}",    // age missing
                "{\"age\":30,\"name\":\"Ann\",\"address\":{\"street\":\"x\",\"city\":\"y\"}}",  // order
                "{\"name\":\"A\",\"age\":1,\"address\":{\"street\":\"x\",\"city\":\"y\"},\"extra\":1}",
                "{   \"name\":\"A\",\"age\":1,\"address\":{\"street\":\"x\",\"city\":\"y\"}}", // 3 spaces
                "{\"name\":\"A\",\"age\":1.5,\"address\":{\"street\":\"x\",\"city\":\"y\"}}",
                "{\"name\":\"A\",\"age\":1,\"address\":{\"street\":\"x\",\"city\":\"y\"},}");
    }

    @Test
    void arraysCountTheirItems() {
        String s = TestSchemas.ARRAYS;
        valid(s, "{\"scores\":[1,2],\"matrix\":[[]],\"tags\":[]}",
                "{\"scores\":[1, 2.5, -0, 3e10],\"matrix\":[[1,2],[3]],\"tags\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}");
        refused(s, "{\"scores\":[1],\"matrix\":[[]],\"tags\":[]}",
                "{\"scores\":[1,2,3,4,5],\"matrix\":[[]],\"tags\":[]}",
                "{\"scores\":[1,2],\"matrix\":[],\"tags\":[]}",
                "{\"scores\":[1,2],\"matrix\":[[1,2,3]],\"tags\":[]}",
                "{\"scores\":[1,2,],\"matrix\":[[]],\"tags\":[]}");
    }

    @Test
    void enumsAndConstsAreTheirLiteralsOnly() {
        String s = TestSchemas.ENUMS;
        valid(s, "{\"color\":\"réd\",\"kind\":\"shirt\",\"mixed\":{\"a\":[1]},\"flag\":true}",
                "{\"color\":\"blue\",\"kind\":\"shirt\",\"mixed\":null,\"flag\":false}");
        refused(s, "{\"color\":\"yellow\",\"kind\":\"shirt\",\"mixed\":1,\"flag\":true}",
                "{\"color\":\"red\",\"kind\":\"pants\",\"mixed\":1,\"flag\":true}",
                "{\"color\":\"red\",\"kind\":\"shirt\",\"mixed\":2,\"flag\":true}");
    }

    @Test
    void anyOfRefsNullableAndRecursion() {
        valid(TestSchemas.ANY_OF, "{\"value\":\"s\",\"maybe\":null}", "{\"value\":12,\"maybe\":\"x\"}",
                "{\"value\":{\"x\":1.25},\"maybe\":null}", "{\"value\":{\"y\":null},\"maybe\":null}");
        refused(TestSchemas.ANY_OF, "{\"value\":1.5,\"maybe\":null}", "{\"value\":{\"x\":null},\"maybe\":null}");
        valid(TestSchemas.REFS, "{\"steps\":[{\"explanation\":\"e\",\"output\":\"o\"}],\"final_answer\":\"a\"}");
        valid(TestSchemas.NULLABLE, "{\"a\":null,\"b\":3,\"c\":null,\"d\":{\"e\":true}}",
                "{\"a\":\"x\",\"b\":null,\"c\":2.5,\"d\":null}");
        valid(TestSchemas.RECURSIVE, "{\"name\":\"r\",\"children\":[{\"name\":\"a\",\"children\":[]},"
                + "{\"name\":\"b\",\"children\":[{\"name\":\"c\",\"children\":[]}]}]}");
        valid(TestSchemas.MAP, "{}", "{\"a\":1,\"b\":-2}");
        refused(TestSchemas.MAP, "{\"a\":\"x\"}");
        Grammar openApi = JsonSchemaCompiler.compile("{\"type\":\"integer\",\"nullable\":true}");
        assertThat(accepts(openApi, "null")).isTrue();
        assertThat(accepts(openApi, "42")).isTrue();
        assertThat(JsonSchemaCompiler.compile(TestSchemas.RECURSIVE).minimumLength())
                .isEqualTo("{\"name\":\"\",\"children\":[]}".length());
    }

    @Test
    void stringsAreJsonStringsOfWellFormedUtf8() {
        Grammar g = JsonSchemaCompiler.compile("{\"type\":\"string\"}");
        assertThat(accepts(g, "\"a\\\"b\\\\ \\u00e9\\n é 😀 中\"")).isTrue();
        assertThat(accepts(g, "\"tab\there\"")).isFalse();           // a raw control character
        assertThat(accepts(g, "\"\\x\"")).isFalse();                 // no such escape
        assertThat(accepts(g, new byte[] {'"', (byte) 0xC3, '(', '"'})).isFalse(); // a broken UTF-8 sequence
        assertThat(accepts(g, new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'})).isFalse(); // a surrogate
        assertThat(accepts(g, new byte[] {'"', (byte) 0xC0, (byte) 0x80, '"'})).isFalse(); // overlong
    }

    @Test
    void numbersAreJsonNumbersWithBoundedDigits() {
        Grammar n = JsonSchemaCompiler.compile("{\"type\":\"number\"}");
        for (String ok : new String[] {"0", "-0", "12", "-0.5", "1e5", "1.25E-3", "9999999999999999"}) {
            assertThat(accepts(n, ok)).as(ok).isTrue();
        }
        for (String bad : new String[] {"01", "1.", ".5", "+1", "1e", "--1", "99999999999999999", "1e1234"}) {
            assertThat(accepts(n, bad)).as(bad).isFalse();
        }
        Grammar i = JsonSchemaCompiler.compile("{\"type\":\"integer\"}");
        assertThat(accepts(i, "-42")).isTrue();
        assertThat(accepts(i, "4.2")).isFalse();
    }

    @Test
    void jsonObjectIsAnyObject() {
        Grammar g = JsonSchemaCompiler.anyObject();
        assertThat(accepts(g, "{\"a\":[1,{\"b\":null},\"c\",true],\"d\":{}}")).isTrue();
        assertThat(accepts(g, "{}")).isTrue();
        assertThat(accepts(g, "[1]")).isFalse();
        assertThat(accepts(g, "\"s\"")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"type\":\"string\",\"pattern\":\"^a\"}                         | pattern     | ''",
        "{\"type\":\"object\",\"properties\":{\"d\":{\"type\":\"string\",\"format\":\"date\"}}} | format | /properties/d",
        "{\"type\":\"integer\",\"minimum\":0}                             | minimum     | ''",
        "{\"oneOf\":[{\"type\":\"string\"}]}                             | oneOf       | ''",
        "{\"type\":\"array\",\"items\":[{\"type\":\"string\"}]}          | items       | ''",
        "{\"type\":\"array\",\"uniqueItems\":true}                        | uniqueItems | ''",
        "{\"type\":\"date\"}                                              | type        | ''",
        "{\"$ref\":\"https://example.com/s.json\"}                        | $ref        | ''",
        "{\"$ref\":\"#/$defs/Missing\"}                                   | $ref        | ''",
        "{\"type\":\"object\",\"properties\":{\"a\":{}},\"required\":[\"b\"]} | required | ''",
        "{\"type\":\"array\",\"minItems\":3,\"maxItems\":2}               | minItems    | ''",
        "{\"enum\":[]}                                                    | enum        | ''",
        "{\"$defs\":{\"A\":{\"$ref\":\"#/$defs/A\"}},\"$ref\":\"#/$defs/A\"} | $ref     | ''",
        "{\"$defs\":{\"N\":{\"type\":\"object\",\"properties\":{\"n\":{\"$ref\":\"#/$defs/N\"}},\"required\":[\"n\"]}},\"$ref\":\"#/$defs/N\"} | $ref | ''",
        "not json                                                         | schema      | ''",
    })
    void unsupportedSchemasNameTheirKeyword(String schema, String keyword, String path) {
        assertThatThrownBy(() -> JsonSchemaCompiler.compile(schema))
                .isInstanceOfSatisfying(UnsupportedSchemaException.class, e -> {
                    assertThat(e.keyword()).isEqualTo(keyword);
                    assertThat(e.path()).isEqualTo(path);
                    assertThat(e.getMessage()).contains("'" + keyword + "'");
                });
    }
}
