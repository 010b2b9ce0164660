package dev.quill.server.toolcall;

import dev.quill.model.grammar.Grammar;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The tools a chat request offers and how the model may use them.
 *
 * @param tools OpenAI's {@code tools}, as plain maps and lists: what the chat template sees as {@code tools}
 * @param choice {@code tool_choice}
 * @param function the function a {@link Choice#FUNCTION} choice names; null otherwise
 * @param parallel {@code parallel_tool_calls}: whether a forced call may be several
 * @param callGrammar for {@link Choice#REQUIRED} and {@link Choice#FUNCTION}: the calls' JSON,
 *     which constrained decoding holds the answer to, compiled at its first {@code get} (tens of
 *     milliseconds for a few tools: on a prompt worker, not the event loop); null otherwise
 */
public record ToolUse(List<Map<String, Object>> tools, Choice choice, String function, boolean parallel,
                      Supplier<Grammar> callGrammar) {

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
        return callGrammar != null;
    }

    /**
     * The grammar of the forced calls, compiled now if it was not yet; null when calls are not forced.
     *
     * @throws dev.quill.server.chat.ApiException invalid_request naming the tool whose parameters
     *     use a keyword outside the supported subset
     */
    public Grammar grammar() {
        return callGrammar == null ? null : callGrammar.get();
    }

    /** The parser of this request's answer, or null when nothing in it is read as a call. */
    public ToolCallParser parser(ToolCallFormat modelFormat, ToolCallListener listener) {
        if (choice == Choice.NONE || tools.isEmpty()) {
            return null;
        }
        return (constrained() ? ToolCallFormat.CONSTRAINED : modelFormat).parser(listener, names());
    }
}
