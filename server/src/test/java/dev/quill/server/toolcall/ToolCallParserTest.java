package dev.quill.server.toolcall;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Each format's parser on scripted model outputs: prose around and between calls, several calls,
 * bodies that are not calls. The output is fed whole, cut in two at every position, cut in three
 * at every pair of positions (the tag and the JSON split every way), and one character at a time;
 * every feeding gives the same text and calls, and those are the script's.
 */
class ToolCallParserTest {

    static final Set<String> NAMES = Set.of("get_weather", "get_time");
    static final String PARIS = "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"days\": [1, 2]}}";
    static final String TIME = "{\"name\": \"get_time\", \"arguments\": {}}";

    /** A call as the test expects it: name and arguments (compared as JSON, not as text). */
    record Call(String name, JsonObject arguments) {
        static Call of(String name, String arguments) {
            return new Call(name, new JsonObject(arguments));
        }
    }

    /** What a parser reported: all its text, and its calls in order (their indexes checked as they come). */
    record Heard(String text, List<Call> calls) {
    }

    static Stream<Arguments> scripts() {
        Call paris = Call.of("get_weather", "{\"city\": \"Paris\", \"days\": [1, 2]}");
        Call time = Call.of("get_time", "{}");
        return Stream.of(
                Arguments.of("hermes, prose and two calls", ToolCallFormat.HERMES,
                        "Let me check <b>that</b>.\n<tool_call>\n" + PARIS + "\n</tool_call>\n<tool_call>\n" + TIME
                                + "\n</tool_call>",
                        new Heard("Let me check <b>that</b>.\n\n", List.of(paris, time))),
                Arguments.of("hermes, a body that is not JSON stays text", ToolCallFormat.HERMES,
                        "a <tool_call>not { json</tool_call> b < c <tool", new Heard("a <tool_call>not { json</tool_call> b < c <tool", List.of())),
                Arguments.of("hermes, a function not offered stays text", ToolCallFormat.HERMES,
                        "<tool_call>{\"name\": \"rm\", \"arguments\": {}}</tool_call>",
                        new Heard("<tool_call>{\"name\": \"rm\", \"arguments\": {}}</tool_call>", List.of())),
                Arguments.of("hermes, the closing tag never came", ToolCallFormat.HERMES,
                        "ok <tool_call>\n" + TIME, new Heard("ok ", List.of(time))),
                Arguments.of("hermes, arguments as a JSON string", ToolCallFormat.HERMES,
                        "<tool_call>{\"name\": \"get_time\", \"arguments\": \"{\\\"tz\\\": \\\"UTC\\\"}\"}</tool_call>",
                        new Heard("", List.of(Call.of("get_time", "{\"tz\": \"UTC\"}")))),
                Arguments.of("llama 3, after the python tag", ToolCallFormat.LLAMA3_JSON,
                        "<|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\", \"days\": [1, 2]}}",
                        new Heard("", List.of(paris))),
                Arguments.of("llama 3, two calls at the start, ';' between", ToolCallFormat.LLAMA3_JSON,
                        " \n" + PARIS + "; " + TIME, new Heard("", List.of(paris, time))),
                Arguments.of("llama 3, JSON that is not a call stays text", ToolCallFormat.LLAMA3_JSON,
                        "{\"answer\": \"}{\"} and more", new Heard("{\"answer\": \"}{\"} and more", List.of())),
                Arguments.of("llama 3, prose with braces", ToolCallFormat.LLAMA3_JSON,
                        "Sets are written {1, 2}. <|python", new Heard("Sets are written {1, 2}. <|python", List.of())),
                Arguments.of("llama 3, a call cut off by the end stays text", ToolCallFormat.LLAMA3_JSON,
                        "{\"name\": \"get_time\", \"parameters\": {", new Heard("{\"name\": \"get_time\", \"parameters\": {", List.of())),
                Arguments.of("mistral, the marker after prose", ToolCallFormat.MISTRAL,
                        "Sure. [TOOL_CALLS][" + PARIS + ", " + TIME + "]", new Heard("Sure. ", List.of(paris, time))),
                Arguments.of("mistral, the marker at the start", ToolCallFormat.MISTRAL,
                        " [TOOL_CALLS] [" + TIME + "]", new Heard(" ", List.of(time))),
                Arguments.of("mistral, the marker left out by the detokenizer", ToolCallFormat.MISTRAL,
                        "[" + TIME + "]", new Heard("", List.of(time))),
                Arguments.of("mistral, brackets in prose", ToolCallFormat.MISTRAL,
                        "[1] see [TOOL", new Heard("[1] see [TOOL", List.of())),
                Arguments.of("constrained, an array of calls", ToolCallFormat.CONSTRAINED,
                        "[" + TIME + "," + PARIS + "]", new Heard("", List.of(time, paris))),
                Arguments.of("constrained, one call", ToolCallFormat.CONSTRAINED, PARIS, new Heard("", List.of(paris))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void everySplitGivesTheScriptsTextAndCalls(String name, ToolCallFormat format, String output, Heard expected) {
        assertThat(feed(format, List.of(output))).isEqualTo(expected);
        List<String> chars = new ArrayList<>();
        output.chars().forEach(c -> chars.add(String.valueOf((char) c)));
        assertThat(feed(format, chars)).as("one character at a time").isEqualTo(expected);
        for (int i = 0; i <= output.length(); i++) {
            assertThat(feed(format, List.of(output.substring(0, i), output.substring(i))))
                    .as("cut at %d", i).isEqualTo(expected);
            for (int j = i; j <= output.length(); j += 5) {
                assertThat(feed(format, List.of(output.substring(0, i), output.substring(i, j), output.substring(j))))
                        .as("cut at %d and %d", i, j).isEqualTo(expected);
            }
        }
    }

    static Heard feed(ToolCallFormat format, List<String> deltas) {
        StringBuilder text = new StringBuilder();
        List<Call> calls = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        ToolCallParser parser = format.parser(new ToolCallListener() {
            @Override
            public void text(String t) {
                assertThat(t).as("text is never reported empty").isNotEmpty();
                text.append(t);
            }

            @Override
            public void call(int index, ToolCall call) {
                assertThat(index).isEqualTo(calls.size());
                assertThat(call.id()).matches("call_[A-Za-z0-9]{24}").isNotIn(ids);
                ids.add(call.id());
                calls.add(new Call(call.name(), new JsonObject(call.arguments())));
            }
        }, NAMES);
        deltas.forEach(parser::feed);
        parser.finish();
        return new Heard(text.toString(), calls);
    }
}
