package dev.quill.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonSchemaLocalValidation;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.StructuredChatCompletion;
import com.openai.models.chat.completions.StructuredChatCompletionCreateParams;
import dev.quill.server.testing.ServerFixture;
import dev.quill.server.toolcall.LongContextModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's own Java SDK on tool calls and structured output, on a random model: streamed
 * {@code delta.tool_calls} accumulate (the SDK's own accumulator) into calls whose arguments the
 * SDK parses into the tool's class, and {@code create} with a response class parses the answer.
 */
class ToolCallsSdkTest {

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        LongContextModel.write(dir);
        quill = ServerFixture.start(dir, Map.of());
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + quill.port() + "/v1").apiKey("x")
                .maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        quill.close();
    }

    public enum Unit { CELSIUS, FAHRENHEIT }

    /** A tool's arguments, as the SDK derives its schema from a class. */
    public static class GetWeather {
        public String city;
        public Unit unit;
        public List<Long> days;
    }

    /** A structured answer. */
    public static class Booking {
        public String guest;
        public long nights;
        public boolean breakfast;
        public List<String> extras;
    }

    @Test
    void streamedToolCallsAccumulateIntoValidCalls() {
        for (long seed = 0; seed < 3; seed++) {
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("tiny-qwen2")
                    .addUserMessage("What's the weather in Paris?").temperature(1.0).seed(seed).maxCompletionTokens(200)
                    .addTool(GetWeather.class, JsonSchemaLocalValidation.YES)
                    .toolChoice(ChatCompletionToolChoiceOption.ofAuto(ChatCompletionToolChoiceOption.Auto.REQUIRED))
                    .build();
            ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
            int toolDeltas = 0;
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
                for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                    accumulator.accumulate(chunk);
                    toolDeltas += chunk.choices().isEmpty() ? 0
                            : chunk.choices().get(0).delta().toolCalls().map(List::size).orElse(0);
                }
            }
            ChatCompletion completion = accumulator.chatCompletion();
            ChatCompletion.Choice choice = completion.choices().get(0);
            assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
            List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
            assertThat(calls).isNotEmpty();
            assertThat(toolDeltas).as("a call streams as its head, then its arguments").isEqualTo(2 * calls.size());
            for (ChatCompletionMessageToolCall call : calls) {
                ChatCompletionMessageFunctionToolCall f = call.asFunction();
                assertThat(f.id()).startsWith("call_");
                assertThat(f.function().name()).isEqualTo(params.tools().orElseThrow().get(0).asFunction().function().name());
                GetWeather args = f.function().arguments(GetWeather.class);
                assertThat(args.city).isNotNull();
                assertThat(args.unit).isNotNull();
                assertThat(args.days).isNotNull();
            }
        }
    }

    @Test
    void createWithAResponseClassParsesTheAnswer() {
        for (long seed = 0; seed < 3; seed++) {
            StructuredChatCompletionCreateParams<Booking> params = ChatCompletionCreateParams.builder()
                    .model("tiny-qwen2").addUserMessage("Book me a room.").temperature(1.0).seed(seed)
                    .maxCompletionTokens(150).responseFormat(Booking.class, JsonSchemaLocalValidation.YES).build();
            StructuredChatCompletion<Booking> completion = client.chat().completions().create(params);
            Booking booking = completion.choices().get(0).message().content().orElseThrow();
            assertThat(booking.guest).isNotNull();
            assertThat(booking.extras).isNotNull();
            assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        }
    }
}
