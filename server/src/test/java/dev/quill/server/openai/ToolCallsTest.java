package dev.quill.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.grammar.SchemaCheck;
import dev.quill.server.store.StoredMessage;
import dev.quill.server.testing.ServerFixture;
import dev.quill.server.toolcall.LongContextModel;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tool calling over real HTTP on a random model at temperature 1: a forced call
 * ({@code tool_choice} required or named) is always a call to an offered function whose arguments
 * validate against its parameters (an independent validator judges), streamed as
 * {@code delta.tool_calls} or whole as {@code message.tool_calls}; an agent loop's messages are
 * accepted and, in a stored conversation, kept; malformed tools are 400s naming the field.
 */
class ToolCallsTest {
    static final String CHAT = "/v1/chat/completions";

    static final String WEATHER = """
            {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]},
             "days": {"type": "array", "items": {"type": "integer"}, "maxItems": 3}},
             "required": ["city", "unit"], "additionalProperties": false}""";
    static final String FLIGHT = """
            {"type": "object", "properties": {"from": {"$ref": "#/$defs/airport"}, "to": {"$ref": "#/$defs/airport"},
             "direct": {"type": ["boolean", "null"]}}, "required": ["from", "to", "direct"],
             "additionalProperties": false,
             "$defs": {"airport": {"type": "object", "properties": {"code": {"enum": ["CDG", "JFK", "NRT"]}},
              "required": ["code"], "additionalProperties": false}}}""";
    static final Map<String, String> SCHEMAS = Map.of("get_weather", WEATHER, "book_flight", FLIGHT,
            "get_time", "{\"type\": \"object\", \"properties\": {}, \"additionalProperties\": false}");

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static OpenAiHttp http;

    @BeforeAll
    static void start() throws Exception {
        LongContextModel.write(dir);
        quill = ServerFixture.start(dir, Map.of());
        http = new OpenAiHttp(quill);
    }

    @AfterAll
    static void stop() {
        http.close();
        quill.close();
    }

    static JsonObject tool(String name) {
        JsonObject f = new JsonObject().put("name", name).put("description", "the " + name.replace('_', ' '));
        if (!name.equals("get_time")) { // a function without parameters takes none
            f.put("parameters", new JsonObject(SCHEMAS.get(name)));
        }
        return new JsonObject().put("type", "function").put("function", f);
    }

    static JsonArray tools() {
        return new JsonArray().add(tool("get_weather")).add(tool("book_flight")).add(tool("get_time"));
    }

    static JsonObject request(Object toolChoice, long seed, boolean stream) {
        return new JsonObject().put("model", "tiny-qwen2")
                .put("messages", new JsonArray().add(OpenAiHttp.user("What's the weather in Paris?")))
                .put("temperature", 1).put("seed", seed).put("max_tokens", 200).put("stream", stream)
                .put("tools", tools()).put("tool_choice", toolChoice);
    }

    /** A call as the client assembles it. */
    record Call(String id, String name, String arguments) {
    }

    /** The calls and finish reason of a whole response or an SSE stream (deltas accumulated by index). */
    static List<Call> calls(HttpResponse<Buffer> r, boolean stream, String[] finish) {
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        List<Call> calls = new ArrayList<>();
        if (!stream) {
            JsonObject choice = r.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0);
            finish[0] = choice.getString("finish_reason");
            JsonObject message = choice.getJsonObject("message");
            assertThat(message.containsKey("content") && message.getValue("content") == null)
                    .as("content null when the answer is only calls: %s", message).isTrue();
            for (Object o : message.getJsonArray("tool_calls", new JsonArray())) {
                JsonObject c = (JsonObject) o;
                assertThat(c.getString("type")).isEqualTo("function");
                calls.add(new Call(c.getString("id"), c.getJsonObject("function").getString("name"),
                        c.getJsonObject("function").getString("arguments")));
            }
            return calls;
        }
        TreeMap<Integer, String[]> byIndex = new TreeMap<>();
        for (JsonObject chunk : OpenAiHttp.chunks(r.bodyAsString())) {
            JsonObject c = chunk.getJsonArray("choices").getJsonObject(0);
            finish[0] = c.getString("finish_reason") != null ? c.getString("finish_reason") : finish[0];
            String content = c.getJsonObject("delta").getString("content");
            assertThat(content == null || content.isBlank()).as("no text beside forced calls: %s", content).isTrue();
            for (Object o : c.getJsonObject("delta").getJsonArray("tool_calls", new JsonArray())) {
                JsonObject d = (JsonObject) o;
                String[] call = byIndex.computeIfAbsent(d.getInteger("index"), i -> new String[] {null, null, ""});
                if (d.containsKey("id")) {
                    assertThat(call[0]).as("id and name come once, first").isNull();
                    call[0] = d.getString("id");
                    call[1] = d.getJsonObject("function").getString("name");
                }
                call[2] += d.getJsonObject("function").getString("arguments", "");
            }
        }
        assertThat(byIndex.keySet()).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, byIndex.size()).boxed().toList());
        byIndex.values().forEach(c -> calls.add(new Call(c[0], c[1], c[2])));
        return calls;
    }

    static void assertValid(List<Call> calls, List<String> allowed) {
        assertThat(calls).isNotEmpty();
        for (Call c : calls) {
            assertThat(c.id()).matches("call_[A-Za-z0-9]{24}");
            assertThat(c.name()).isIn(allowed);
            assertThat(new SchemaCheck(SCHEMAS.get(c.name())).problems(c.arguments())).as(c.arguments()).isEmpty();
        }
    }

    @Test
    void requiredGivesValidCallsStreamedAndNot() {
        for (int seed = 0; seed < 8; seed++) {
            boolean stream = seed % 2 == 1;
            String[] finish = new String[1];
            List<Call> calls = calls(http.post(CHAT, request("required", seed, stream)), stream, finish);
            assertValid(calls, List.copyOf(SCHEMAS.keySet()));
            assertThat(calls).hasSizeLessThanOrEqualTo(8);
            assertThat(finish[0]).isEqualTo("tool_calls");
        }
    }

    @Test
    void aNamedFunctionOrNoParallelCallsGiveExactlyOneCall() {
        JsonObject named = new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "book_flight"));
        for (int seed = 0; seed < 4; seed++) {
            boolean stream = seed % 2 == 0;
            String[] finish = new String[1];
            List<Call> calls = calls(http.post(CHAT, request(named, seed, stream)), stream, finish);
            assertValid(calls, List.of("book_flight"));
            assertThat(calls).hasSize(1);
            List<Call> one = calls(http.post(CHAT, request("required", seed, stream).put("parallel_tool_calls", false)),
                    stream, finish);
            assertValid(one, List.copyOf(SCHEMAS.keySet()));
            assertThat(one).hasSize(1);
            assertThat(finish[0]).isEqualTo("tool_calls");
        }
    }

    @Test
    void noneAndAutoAnswerWithTextOnARandomModel() {
        for (String choice : List.of("none", "auto")) {
            HttpResponse<Buffer> r = http.post(CHAT, request(choice, 3, false).put("max_tokens", 8));
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
            JsonObject choice0 = r.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0);
            assertThat(choice0.getString("finish_reason")).isIn("stop", "length");
        }
    }

    /** The messages an agent loop sends back: the call (content null or absent), then the tool's result. */
    static JsonArray loop(String callId) {
        JsonObject call = new JsonObject().put("id", callId).put("type", "function").put("function",
                new JsonObject().put("name", "get_weather").put("arguments", "{\"city\": \"Paris\", \"unit\": \"c\"}"));
        return new JsonArray().add(OpenAiHttp.user("Weather in Paris?"))
                .add(new JsonObject().put("role", "assistant").put("content", null).put("tool_calls", new JsonArray().add(call)))
                .add(new JsonObject().put("role", "tool").put("tool_call_id", callId)
                        .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", "18 C"))));
    }

    @Test
    void anAgentLoopsMessagesAreAccepted() {
        JsonObject body = new JsonObject().put("model", "tiny-qwen2").put("messages", loop("call_1"))
                .put("tools", tools()).put("max_tokens", 4);
        HttpResponse<Buffer> r = http.post(CHAT, body);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        JsonObject absent = body.copy();
        absent.getJsonArray("messages").getJsonObject(1).remove("content");
        assertThat(http.post(CHAT, absent).statusCode()).isEqualTo(200);
    }

    @Test
    void aStoredConversationKeepsCallsAndResults() throws Exception {
        String conversation = http.post("/v1/conversations", new JsonObject()).bodyAsJsonObject().getString("id");
        JsonObject first = request("required", 11, false).put("conversation_id", conversation);
        List<Call> calls = calls(http.post(CHAT, first), false, new String[1]);
        JsonObject result = new JsonObject().put("role", "tool").put("tool_call_id", calls.get(0).id()).put("content", "done");
        JsonObject second = new JsonObject().put("model", "tiny-qwen2").put("conversation_id", conversation)
                .put("messages", new JsonArray().add(result)).put("tools", tools()).put("tool_choice", "none")
                .put("max_tokens", 4);
        HttpResponse<Buffer> r = http.post(CHAT, second);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        List<StoredMessage> stored = quill.store.history(conversation).toCompletionStage().toCompletableFuture().get();
        assertThat(stored).extracting(StoredMessage::role).containsExactly("user", "assistant", "tool", "assistant");
        assertThat(stored.get(1).toolCalls()).extracting(c -> c.id() + " " + c.name() + " " + c.arguments())
                .containsExactlyElementsOf(calls.stream().map(c -> c.id() + " " + c.name() + " " + c.arguments()).toList());
        assertThat(stored.get(2).toolCallId()).isEqualTo(calls.get(0).id());
        assertThat(stored.get(2).content()).isEqualTo("done");
        assertThat(stored.get(3).toolCalls()).isNull();
    }

    @Test
    void malformedToolsAre400sNamingTheField() {
        assertError(request("auto", 1, false).put("tools", new JsonArray().add(tool("get_time")).add(tool("get_time"))),
                "tools[1].function.name", "twice");
        JsonObject badName = tool("get_time");
        badName.getJsonObject("function").put("name", "get time");
        assertError(request("auto", 1, false).put("tools", new JsonArray().add(badName)), "tools[0].function.name", "letters");
        JsonArray many = new JsonArray();
        for (int i = 0; i < 129; i++) {
            many.add(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "f" + i)));
        }
        assertError(request("auto", 1, false).put("tools", many), "tools", "at most 128");
        assertError(request("auto", 1, false).put("tools", new JsonArray().add(new JsonObject().put("type", "code"))),
                "tools[0].type", "function");
        assertError(request(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "nope")),
                1, false), "tool_choice.function.name", "'nope'");
        assertError(request("required", 1, false).remove("tools") == null ? null : request("required", 1, false)
                .put("tools", new JsonArray()), "tool_choice", "offers none");
        assertError(request("sometimes", 1, false), "tool_choice", "\"required\"");
        assertError(request("auto", 1, false).put("parallel_tool_calls", "yes"), "parallel_tool_calls", "boolean");
        JsonObject pattern = tool("get_time");
        pattern.getJsonObject("function").put("parameters", new JsonObject("{\"type\": \"object\", \"properties\": "
                + "{\"q\": {\"type\": \"string\", \"pattern\": \"a+\"}}}"));
        assertError(request("required", 1, false).put("tools", new JsonArray().add(tool("get_weather")).add(pattern)),
                "tools[1].function.parameters", "'pattern'");
        JsonArray badArgs = loop("call_1");
        badArgs.getJsonObject(1).getJsonArray("tool_calls").getJsonObject(0).getJsonObject("function")
                .put("arguments", "{not json");
        assertError(request("auto", 1, false).put("messages", badArgs), "messages[1].tool_calls[0].function.arguments",
                "JSON object");
        JsonArray noId = loop("call_1");
        noId.getJsonObject(2).remove("tool_call_id");
        assertError(request("auto", 1, false).put("messages", noId), "messages[2].tool_call_id", "required");
        assertError(request("required", 1, false).put("response_format", new JsonObject().put("type", "json_object")),
                "tool_choice", "response_format");
    }

    private static void assertError(JsonObject body, String param, String inMessage) {
        HttpResponse<Buffer> r = http.post(CHAT, body);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
        JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
        assertThat(error.getString("param")).as(error.encode()).isEqualTo(param);
        assertThat(error.getString("message")).contains(inMessage);
    }
}
