package dev.quill.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.template.ChatMessage;
import dev.quill.model.template.ChatTemplate;
import dev.quill.server.toolcall.ToolPrompt;
import dev.quill.server.toolcall.ToolRequests;
import dev.quill.server.toolcall.ToolUse;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * An agent loop's request reaches the chat template as transformers hands it over: {@code tools=}
 * the request's tools, assistant turns with {@code tool_calls} whose arguments are dicts, tool
 * messages with their {@code tool_call_id}. The expected prompt is jinja2's rendering of the same
 * request (toolcall/make_tool_goldens.py) with a Hermes-style template written for this test. A
 * template that ignores tools gets them described in the system prompt instead.
 */
class ToolTemplateTest {

    static String resource(String name) throws IOException {
        try (InputStream in = ToolTemplateTest.class.getResourceAsStream("/toolcall/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static JsonObject request() throws IOException {
        return new JsonObject(resource("request.json"));
    }

    static List<ChatMessage> messages(JsonObject request) {
        return new OpenAiRequests("tiny-qwen2", 64, null).messages(request.getValue("messages"));
    }

    static List<Map<String, Object>> tools(JsonObject request) {
        ToolUse use = ToolRequests.read(request.getValue("tools"), null, null);
        return use.tools();
    }

    @Test
    void aToolRenderingTemplateGetsToolsCallsAndResultsAsTransformersPassesThem() throws IOException {
        String source = resource("hermes.jinja");
        JsonObject request = request();
        ToolPrompt prompt = new ToolPrompt(source);
        assertThat(prompt.templateRendersTools()).isTrue();
        List<ChatMessage> messages = prompt.messages(messages(request), tools(request));
        String rendered = ChatTemplate.of(source, null, null).render(messages, true, prompt.tools(tools(request))).text();
        assertThat(rendered).isEqualTo(resource("hermes.golden.txt"));
    }

    @Test
    void aTemplateThatIgnoresToolsGetsThemInTheSystemPromptAndCallsAsMarkup() throws IOException {
        ChatTemplate chatml = ChatTemplate.fallback(null, null);
        JsonObject request = request();
        ToolPrompt prompt = new ToolPrompt(chatml.source());
        assertThat(prompt.templateRendersTools()).isFalse();
        List<Map<String, Object>> tools = tools(request);
        String rendered = chatml.render(prompt.messages(messages(request), tools), true, prompt.tools(tools)).text();

        String system = rendered.substring(0, rendered.indexOf("<|im_end|>"));
        assertThat(system).startsWith("<|im_start|>system\nYou help with travel.\n\n# Tools\n");
        for (Object tool : request.getJsonArray("tools")) { // one JSON line per tool, in the request's order
            assertThat(system).contains("\n" + ((JsonObject) tool).encode() + "\n");
        }
        assertThat(system).contains("<tool_call>\n{\"name\": <function-name>, \"arguments\": <arguments-json-object>}\n</tool_call>");
        assertThat(rendered).contains("<|im_start|>assistant\n<tool_call>\n{\"name\":\"get_weather\",\"arguments\":"
                + "{\"unit\":\"c\",\"city\":\"Zürich\"}}\n</tool_call>\n<tool_call>\n{\"name\":\"get_time\",\"arguments\":{}}"
                + "\n</tool_call><|im_end|>");
        assertThat(rendered).contains("<|im_start|>assistant\nIt is 18 C and noon.\n<tool_call>\n");
        assertThat(rendered).contains("<|im_start|>tool\n18 C, \"sunny\"<|im_end|>\n<|im_start|>tool\n12:00<|im_end|>");
        assertThat(rendered).endsWith("<|im_start|>user\nThanks!<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void withoutASystemMessageTheDescriptionIsOne() throws IOException {
        ChatTemplate chatml = ChatTemplate.fallback(null, null);
        ToolPrompt prompt = new ToolPrompt(chatml.source());
        List<Map<String, Object>> tools = tools(request());
        String rendered = chatml.render(prompt.messages(List.of(new ChatMessage("user", "hi")), tools), true, null).text();
        assertThat(rendered).startsWith("<|im_start|>system\n# Tools\n").contains("<|im_start|>user\nhi<|im_end|>");
    }
}
