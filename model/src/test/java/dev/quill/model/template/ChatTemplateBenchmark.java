package dev.quill.model.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Micro-benchmark: a 20-message conversation with tools through the corpus's Llama 3.1-format
 * template (our own, with JSON tool calls), parsed once and rendered many times. Not in the default run; run it with
 * {@code ./mvnw -pl model package -Dquill.excludedGroups=none -Dtest=ChatTemplateBenchmark}.
 */
@Tag("slow")
class ChatTemplateBenchmark {

    private static final int WARMUP = 3_000;
    private static final int MEASURED = 5_000;

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> tools() {
        Map<String, Object> doc = (Map<String, Object>) GoldenCase.toJava(
                com.google.gson.JsonParser.parseString(GoldenCase.resource("corpus/conversations.json")));
        return (List<Map<String, Object>>) doc.get("tools");
    }

    /** system, user, then rounds of tool call, tool result, answer, next question: 20 messages. */
    static List<ChatMessage> conversation() {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(new ChatMessage("system", "You are a helpful assistant that checks the weather."));
        messages.add(new ChatMessage("user", "What's the weather in Paris?"));
        String[] cities = {"Paris", "Berlin", "Rome", "Madrid", "Oslo", "Vienna"};
        for (int round = 0; messages.size() < 19; round++) {
            String city = cities[round % cities.length];
            messages.add(new ChatMessage("assistant", null, Map.of("tool_calls", List.of(Map.of("id", "call" + round,
                    "type", "function", "function", Map.of("name", "get_weather", "arguments", Map.of("city", city)))))));
            messages.add(new ChatMessage("tool", "{\"temperature\": " + (10 + round) + ", \"sky\": \"clear\"}",
                    Map.of("tool_call_id", "call" + round)));
            messages.add(new ChatMessage("assistant", "It is " + (10 + round) + " degrees and clear in " + city + "."));
            messages.add(new ChatMessage("user", "And in " + cities[(round + 1) % cities.length] + "?"));
        }
        messages.add(new ChatMessage("assistant", "Let me check."));
        return messages.subList(0, 20);
    }

    @Test
    void rendersA20MessageConversationWithToolsWellUnderAMillisecond() {
        String source = GoldenCase.resource("corpus/llama31_json_tools.jinja");
        long parseStart = System.nanoTime();
        ChatTemplate template = ChatTemplate.of(source, "<|begin_of_text|>", "<|eot_id|>");
        long parseMicros = (System.nanoTime() - parseStart) / 1_000;
        List<ChatMessage> messages = conversation();
        List<Map<String, Object>> tools = tools();
        assertThat(messages).hasSize(20);

        int length = 0;
        for (int i = 0; i < WARMUP; i++) {
            length += template.render(messages, true, tools).text().length();
        }
        long start = System.nanoTime();
        for (int i = 0; i < MEASURED; i++) {
            length += template.render(messages, true, tools).text().length();
        }
        double microsPerPrompt = (System.nanoTime() - start) / 1_000.0 / MEASURED;

        System.out.printf("parse %d us; render + content location (two renders) %.1f us per prompt (%d chars)%n",
                parseMicros, microsPerPrompt, length / (WARMUP + MEASURED));
        // A prompt costs two renders (the real one and the marked one that locates contents).
        assertThat(microsPerPrompt / 2).as("microseconds per render").isLessThan(1_000);
    }
}
