package dev.quill.server.toolcall;

import dev.quill.model.grammar.Grammar;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tools a chat request offers and how the model may use them.
 *
 * @param tools OpenAI's {@code tools}, as plain maps and lists: what the chat template sees as {@code tools}
 * @param choice {@code tool_choice}
 * @param function the function a {@link Choice#FUNCTION} choice names; null otherwise
 * @param parallel {@code parallel_tool_calls}: whether a forced call may be several
 * @param grammar for {@link Choice#REQUIRED} and {@link Choice#FUNCTION}: the calls' JSON, which
 *     constrained decoding holds the answer to; null otherwise
 */
public record ToolUse(List<Map<String, Object>> tools, Choice choice, String function, boolean parallel,
                      Grammar grammar) {

    /** {@code tool_choice}. */
    public enum Choice {
        /** The model answers in text; tools still reach the template, and nothing is parsed as a call. */
        NONE,
        /** The model's own markup is recognized as calls ({@link ToolCallFormat}). */
        AUTO,
        /** The answer is a call (or, with parallel_tool_calls, calls) to the offered functions. */
        REQUIRED,
        /** The answer is a call to the named function. */
        FUNCTION
    }

    public ToolUse {
        tools = List.copyOf(tools);
    }

    /** The offered functions' names. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (Map<String, Object> tool : tools) {
            if (tool.get("function") instanceof Map<?, ?> f && f.get("name") instanceof String name) {
                names.add(name);
            }
        }
        return names;
    }

    /** Whether the answer is forced to be calls by constrained decoding. */
    public boolean constrained() {
        return grammar != null;
    }

    /** The parser of this request's answer, or null when nothing in it is read as a call. */
    public ToolCallParser parser(ToolCallFormat modelFormat, ToolCallListener listener) {
        if (choice == Choice.NONE || tools.isEmpty()) {
            return null;
        }
        return (constrained() ? ToolCallFormat.CONSTRAINED : modelFormat).parser(listener, names());
    }
}
