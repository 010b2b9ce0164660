package dev.quill.server.toolcall;

import dev.quill.model.template.ChatMessage;
import io.vertx.core.json.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What reaches the chat template when a request offers tools. A template that renders tools
 * (its source uses {@code tools}) gets them as {@code tools=} and the messages as they are. One
 * that does not would drop them silently, so the tools are described in the system prompt
 * instead ({@link #instructions}: Hermes markup, which the answer is then parsed as), and past
 * calls are written into their assistant turns in that same markup.
 */
public final class ToolPrompt {

    /** The system prompt's addition for a template that ignores tools; {@code %s}: the tools, one JSON per line. */
    static final String INSTRUCTIONS = """
            # Tools

            You may call one or more functions to help with the user's request. The functions, as JSON \
            signatures, are within <tools></tools>:
            <tools>
            %s
            </tools>

            To call a function, write a JSON object with its name and arguments within <tool_call></tool_call> \
            tags, one call per pair of tags:
            <tool_call>
            {"name": <function-name>, "arguments": <arguments-json-object>}
            </tool_call>""";

    private final boolean templateRendersTools;

    /** @param templateSource the model's chat template, read once to see whether it renders tools */
    public ToolPrompt(String templateSource) {
        this.templateRendersTools = templateSource.contains("tools");
    }

    /** Whether the template renders tools itself; if not, answers are Hermes markup. */
    public boolean templateRendersTools() {
        return templateRendersTools;
    }

    /** The messages the template renders. */
    public List<ChatMessage> messages(List<ChatMessage> messages, List<Map<String, Object>> tools) {
        if (templateRendersTools) {
            return messages;
        }
        List<ChatMessage> out = new ArrayList<>(messages.size() + 1);
        boolean described = tools == null || tools.isEmpty();
        for (ChatMessage m : messages) {
            if (!described && (m.role().equals("system") || m.role().equals("developer"))) {
                out.add(new ChatMessage(m.role(), (m.content() == null ? "" : m.content()) + "\n\n" + instructions(tools),
                        m.fields()));
                described = true;
            } else {
                out.add(withCallsAsText(m));
            }
        }
        if (!described) {
            out.add(0, new ChatMessage("system", instructions(tools)));
        }
        return out;
    }

    /** The tools the template is given: null for one that does not render them (they are in the system prompt). */
    public List<Map<String, Object>> tools(List<Map<String, Object>> tools) {
        return templateRendersTools ? tools : null;
    }

    static String instructions(List<Map<String, Object>> tools) {
        StringBuilder lines = new StringBuilder();
        for (Map<String, Object> tool : tools) {
            lines.append(lines.isEmpty() ? "" : "\n").append(Json.encode(tool));
        }
        return INSTRUCTIONS.formatted(lines);
    }

    /** An assistant turn's calls, written after its text in the markup the model is told to use. */
    private static ChatMessage withCallsAsText(ChatMessage m) {
        if (!(m.fields().get("tool_calls") instanceof List<?> calls)) {
            return m;
        }
        StringBuilder text = new StringBuilder(m.content() == null ? "" : m.content());
        for (Object call : calls) {
            Map<?, ?> function = (Map<?, ?>) ((Map<?, ?>) call).get("function");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", function.get("name"));
            body.put("arguments", function.get("arguments"));
            text.append(text.isEmpty() ? "" : "\n").append(HermesParser.OPEN).append('\n')
                    .append(Json.encode(body)).append('\n').append(HermesParser.CLOSE);
        }
        Map<String, Object> fields = new LinkedHashMap<>(m.fields());
        fields.remove("tool_calls");
        return new ChatMessage(m.role(), text.toString(), fields);
    }
}
