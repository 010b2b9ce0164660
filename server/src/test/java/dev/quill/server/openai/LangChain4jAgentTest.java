package dev.quill.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.quill.server.testing.ServerFixture;
import dev.quill.server.toolcall.LongContextModel;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A whole agent loop through LangChain4j's {@code AiServices} against a running Quill, unchanged
 * client code: the model calls the {@code @Tool} method, LangChain4j runs it and sends the result
 * back (an assistant turn with tool_calls and no content, then a tool message), and the model
 * answers. The model is random, so the test's model configuration decides what a real model
 * would: the first turn is forced to call a tool ({@code tool_choice: required}); a turn after a
 * tool result lets the model answer ({@code auto}), and a random model answers in text.
 */
class LangChain4jAgentTest {

    @TempDir
    static Path dir;
    static ServerFixture quill;

    @BeforeAll
    static void start() throws Exception {
        LongContextModel.write(dir);
        quill = ServerFixture.start(dir, Map.of());
    }

    @AfterAll
    static void stop() {
        quill.close();
    }

    enum Unit { CELSIUS, FAHRENHEIT }

    record Invocation(String city, Unit unit) {
    }

    static final class Weather {
        final List<Invocation> invocations = new CopyOnWriteArrayList<>();

        @Tool("The current weather in a city")
        String currentWeather(@P(name = "city", value = "the city's name") String city,
                              @P(name = "unit", value = "the unit of the temperature") Unit unit) {
            invocations.add(new Invocation(city, unit));
            return "18 degrees";
        }
    }

    interface Assistant {
        Result<String> chat(String message);
    }

    /** The test's model: forces a call on the first turn, lets the model answer after a tool's result. */
    static final class FirstTurnCalls implements ChatModel {
        private final ChatModel quillModel;
        final List<ToolChoice> choices = new CopyOnWriteArrayList<>();

        FirstTurnCalls(ChatModel quillModel) {
            this.quillModel = quillModel;
        }

        @Override
        public ChatResponse doChat(ChatRequest request) {
            boolean afterTool = request.messages().get(request.messages().size() - 1) instanceof ToolExecutionResultMessage;
            ToolChoice choice = afterTool ? ToolChoice.AUTO : ToolChoice.REQUIRED;
            choices.add(choice);
            OpenAiChatRequestParameters.Builder p = OpenAiChatRequestParameters.builder().overrideWith(request.parameters())
                    .toolChoice(choice).parallelToolCalls(false).seed(7);
            if (afterTool) { // a few tokens of text, however soon a random model would end
                p.maxCompletionTokens(6).customParameters(Map.of("ignore_eos", true));
            } else {
                p.maxCompletionTokens(200);
            }
            return quillModel.chat(request.toBuilder().parameters(p.build()).build());
        }
    }

    @Test
    void anAiServiceCallsItsToolAndAnswers() {
        ChatModel quillModel = OpenAiChatModel.builder().baseUrl("http://127.0.0.1:" + quill.port() + "/v1")
                .apiKey("x").modelName("tiny-qwen2").timeout(Duration.ofMinutes(2)).maxRetries(0).build();
        FirstTurnCalls model = new FirstTurnCalls(quillModel);
        Weather weather = new Weather();
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(model).tools(weather).build();

        Result<String> result = assistant.chat("What's the weather in Paris?");

        assertThat(model.choices).containsExactly(ToolChoice.REQUIRED, ToolChoice.AUTO);
        assertThat(weather.invocations).hasSize(1);
        Invocation call = weather.invocations.get(0);
        assertThat(call.city()).isNotNull();
        assertThat(call.unit()).isNotNull();
        assertThat(result.toolExecutions()).hasSize(1);
        JsonObject arguments = new JsonObject(result.toolExecutions().get(0).request().arguments());
        assertThat(arguments.fieldNames()).containsExactlyInAnyOrder("city", "unit");
        assertThat(arguments.getString("city")).isEqualTo(call.city());
        assertThat(arguments.getString("unit")).isEqualTo(call.unit().name());
        assertThat(result.toolExecutions().get(0).result()).isEqualTo("18 degrees");
        assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(result.content()).isNotEmpty();
        assertThat(result.finalResponse().aiMessage().hasToolExecutionRequests()).isFalse();
    }
}
