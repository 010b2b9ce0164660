package dev.quill.model.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.gson.JsonParser;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Twenty chat templates written for Quill, one per model family, each producing that family's
 * prompt format (templates/corpus/manifest.json, README.md) × six conversations, against what
 * Python's jinja2 rendered with make_corpus_goldens.py: the same bytes, or the same Python
 * exception type and message.
 */
class CorpusGoldenTest {

    record Case(String template, String conversation, Map<String, Object> spec, Map<String, Object> conv,
                List<Map<String, Object>> tools, Clock clock) {
        @Override
        public String toString() {
            return template + "." + conversation;
        }
    }

    @SuppressWarnings("unchecked")
    static List<Case> cases() {
        Map<String, Object> manifest = json("corpus/manifest.json");
        Map<String, Object> doc = json("corpus/conversations.json");
        Clock clock = Clock.fixed(LocalDateTime.parse((String) doc.get("now")).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        List<Case> cases = new ArrayList<>();
        for (Map<String, Object> spec : (List<Map<String, Object>>) manifest.get("templates")) {
            for (Map<String, Object> conv : (List<Map<String, Object>>) doc.get("conversations")) {
                List<Map<String, Object>> tools = Boolean.TRUE.equals(conv.get("tools"))
                        ? (List<Map<String, Object>>) doc.get("tools") : null;
                cases.add(new Case((String) spec.get("name"), (String) conv.get("id"), spec, conv, tools, clock));
            }
        }
        return cases;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String resource) {
        return (Map<String, Object>) GoldenCase.toJava(JsonParser.parseString(GoldenCase.resource(resource)));
    }

    @SuppressWarnings("unchecked")
    static List<ChatMessage> messages(Map<String, Object> conv) {
        List<ChatMessage> out = new ArrayList<>();
        for (Map<String, Object> m : (List<Map<String, Object>>) conv.get("messages")) {
            Map<String, Object> fields = new LinkedHashMap<>(m);
            fields.remove("role");
            fields.remove("content");
            out.add(new ChatMessage((String) m.get("role"), (String) m.get("content"), fields));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rendersLikeJinja2(Case c) {
        ChatTemplate template = ChatTemplate.of(GoldenCase.resource("corpus/" + c.spec().get("file")),
                (String) c.spec().get("bos_token"), (String) c.spec().get("eos_token")).withClock(c.clock());
        Map<String, Object> kwargs = c.spec().containsKey("kwargs") ? (Map<String, Object>) c.spec().get("kwargs") : Map.of();
        boolean generationPrompt = (Boolean) c.conv().get("add_generation_prompt");
        String base = "corpus/expected/" + c + ".";
        String error = GoldenCase.resourceOrNull(base + "error.txt");
        if (error != null) {
            TemplateException e = catchThrowableOfType(TemplateException.class,
                    () -> template.render(messages(c.conv()), generationPrompt, c.tools(), kwargs));
            assertThat(e).as("jinja2 raised " + error).isNotNull();
            assertThat(e.pythonType() + ": " + e.getMessage()).isEqualTo(error);
            return;
        }
        String text = template.render(messages(c.conv()), generationPrompt, c.tools(), kwargs).text();
        assertThat(text).isEqualTo(GoldenCase.resource(base + "txt"));
    }
}
