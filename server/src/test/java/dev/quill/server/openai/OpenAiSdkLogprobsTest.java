package dev.quill.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import dev.quill.server.testing.ServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** OpenAI's own Java SDK reads Quill's logprobs and n answers, chat and completions, whole and streamed. */
class OpenAiSdkLogprobsTest {

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

    private static ChatCompletionCreateParams.Builder chat() {
        return ChatCompletionCreateParams.builder().model("tiny-qwen2").addUserMessage("Hello")
                .temperature(1.0).seed(3L).maxCompletionTokens(5).logprobs(true).topLogprobs(3L).n(2L)
                .putAdditionalBodyProperty("ignore_eos", JsonValue.from(true));
    }

    @Test
    void theSdkReadsChatLogprobsOfEveryAnswer() {
        ChatCompletion whole = client.chat().completions().create(chat().build()).validate();
        assertThat(whole.choices()).hasSize(2);
        for (ChatCompletion.Choice choice : whole.choices()) {
            List<ChatCompletionTokenLogprob> content = choice.logprobs().orElseThrow().content().orElseThrow();
            assertThat(content).hasSize(5);
            StringBuilder text = new StringBuilder();
            for (ChatCompletionTokenLogprob t : content) {
                assertThat(t.logprob()).isNegative();
                assertThat(t.topLogprobs()).hasSize(3);
                assertThat(t.topLogprobs().get(0).logprob()).isGreaterThanOrEqualTo(t.logprob());
                text.append(t.token());
            }
            assertThat(choice.message().content()).hasValue(text.toString());
        }

        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat().build())) {
            chunks = stream.stream().toList();
        }
        List<List<ChatCompletionTokenLogprob>> streamed = List.of(new ArrayList<>(), new ArrayList<>());
        for (ChatCompletionChunk c : chunks) {
            c.validate();
            c.choices().forEach(ch -> ch.logprobs().flatMap(ChatCompletionChunk.Choice.Logprobs::content)
                    .ifPresent(streamed.get((int) ch.index())::addAll));
        }
        for (int i = 0; i < 2; i++) {
            List<ChatCompletionTokenLogprob> content = whole.choices().get(i).logprobs().orElseThrow().content().orElseThrow();
            assertThat(streamed.get(i)).extracting(ChatCompletionTokenLogprob::token)
                    .containsExactlyElementsOf(content.stream().map(ChatCompletionTokenLogprob::token).toList());
        }
    }

    @Test
    void theSdkReadsLegacyCompletionLogprobsWithEcho() {
        Completion c = client.completions().create(CompletionCreateParams.builder().model("tiny-qwen2")
                .prompt("Once upon a time").temperature(0.0).maxTokens(4).logprobs(2L).echo(true)
                .putAdditionalBodyProperty("ignore_eos", JsonValue.from(true)).build()).validate();
        CompletionChoice choice = c.choices().get(0);
        assertThat(choice.text()).startsWith("Once upon a time");
        CompletionChoice.Logprobs lp = choice.logprobs().orElseThrow();
        List<String> tokens = lp.tokens().orElseThrow();
        int prompt = (int) c.usage().orElseThrow().promptTokens();
        assertThat(tokens).hasSize(prompt + 4);
        assertThat(lp.tokenLogprobs().orElseThrow()).hasSize(prompt + 4);
        assertThat(lp.textOffset().orElseThrow()).hasSize(prompt + 4).isSorted();
        assertThat(lp.topLogprobs().orElseThrow()).hasSize(prompt + 4);
    }
}
