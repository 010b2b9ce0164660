package dev.quill.server.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import dev.quill.server.testing.ServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** OpenAI's own Java SDK talks to Quill unchanged: it streams, parses, validates and maps errors. */
class OpenAiSdkTest {

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of());
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + quill.port() + "/v1").apiKey("x")
                .maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        quill.close();
    }

    private static ChatCompletionCreateParams.Builder greedy(int tokens) {
        return ChatCompletionCreateParams.builder().model("tiny-qwen2").addUserMessage("Hello")
                .temperature(0.0).maxCompletionTokens(tokens).putAdditionalBodyProperty("ignore_eos", JsonValue.from(true));
    }

    @Test
    void theSdkStreamsAChatCompletion() {
        ChatCompletionCreateParams params = greedy(6)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            chunks = stream.stream().toList();
        }

        chunks.forEach(ChatCompletionChunk::validate); // every required field present and well typed
        ChatCompletionChunk first = chunks.get(0);
        assertThat(first.choices().get(0).delta().role()).hasValue(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
        ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
        assertThat(finish.choices().get(0).finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.LENGTH);
        ChatCompletionChunk usage = chunks.get(chunks.size() - 1);
        assertThat(usage.choices()).isEmpty();
        assertThat(usage.usage()).hasValueSatisfying(u -> {
            assertThat(u.completionTokens()).isEqualTo(6);
            assertThat(u.totalTokens()).isEqualTo(u.promptTokens() + 6);
        });
        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(first.id());

        ChatCompletion whole = client.chat().completions().create(greedy(6).build());
        StringBuilder streamed = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(streamed::append)));
        assertThat(whole.choices().get(0).message().content()).hasValue(streamed.toString());
    }

    @Test
    void theSdkParsesAWholeChatCompletion() {
        ChatCompletion whole = client.chat().completions().create(greedy(5).build()).validate();

        assertThat(whole.id()).startsWith("chatcmpl-");
        assertThat(whole.model()).isEqualTo("tiny-qwen2");
        ChatCompletion.Choice choice = whole.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(choice.message().content()).isPresent();
        assertThat(whole.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(5));
    }

    @Test
    void theSdkParsesAWholeCompletion() {
        Completion c = client.completions().create(CompletionCreateParams.builder().model("tiny-qwen2")
                .prompt("Once upon a time").temperature(0.0).maxTokens(4)
                .putAdditionalBodyProperty("ignore_eos", JsonValue.from(true)).build()).validate();

        assertThat(c.id()).startsWith("cmpl-");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(CompletionChoice.FinishReason.LENGTH);
        assertThat(c.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(4));
    }

    @Test
    void theSdkSurfacesQuillsErrors() {
        assertThatThrownBy(() -> client.chat().completions().create(greedy(2).model("gpt-4o").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.code()).hasValue("model_not_found");
                    assertThat(e.param()).hasValue("model");
                });
        assertThatThrownBy(() -> client.chat().completions().create(greedy(2).topP(1.5).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("top_p"));
    }
}
