package dev.quill.model.template.jinja;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.quill.model.template.TemplateException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Where Java's and Python's values part ways (truthiness, == across types, int and float division
 * and %, string repetition, str() of floats, dicts and tuples, Markup, TypeErrors): each template
 * expression against what jinja2 printed or raised (templates/semantics, made by make_semantics.py).
 */
class ValueSemanticsTest {

    record Case(String source, String expected) {
        @Override
        public String toString() {
            return source;
        }
    }

    private static List<Case> load(String key) throws IOException {
        try (InputStream in = ValueSemanticsTest.class.getResourceAsStream("/templates/semantics/semantics.json")) {
            JsonArray cases = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .getAsJsonObject().getAsJsonArray(key);
            List<Case> out = new ArrayList<>();
            for (JsonElement c : cases) {
                out.add(new Case(c.getAsJsonArray().get(0).getAsString(), c.getAsJsonArray().get(1).getAsString()));
            }
            return out;
        }
    }

    static List<Case> renders() throws IOException {
        return load("renders");
    }

    static List<Case> errors() throws IOException {
        return load("errors");
    }

    private static String render(String source) {
        return Template.parse(source).render(Map.of("messages", new ArrayList<>()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void rendersAsPythonDoes(Case c) {
        assertThat(render(c.source())).isEqualTo(c.expected());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void failsAsPythonDoes(Case c) {
        if (c.expected().equals("no error")) {
            render(c.source());
            return;
        }
        TemplateException e = catchThrowableOfType(TemplateException.class, () -> render(c.source()));
        assertThat(e).as("jinja2 raised " + c.expected()).isNotNull();
        assertThat(e.kind()).isEqualTo(TemplateException.Kind.RENDER);
        assertThat(e.pythonType() + ": " + e.getMessage()).isEqualTo(c.expected());
    }
}
