package dev.quill.server.openai;

import static dev.quill.server.openai.OpenAiHttp.chunks;
import static dev.quill.server.openai.OpenAiHttp.exactChat;
import static dev.quill.server.openai.OpenAiHttp.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.store.ConversationStore;
import dev.quill.server.store.MemoryConversationStore;
import dev.quill.server.store.StoreUnavailableException;
import dev.quill.server.store.StoredConversation;
import dev.quill.server.store.StoredMessage;
import dev.quill.server.testing.ServerFixture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The wire format of /v1/chat/completions and /v1/completions, field by field against OpenAI's
 * documented objects and chunks, over real HTTP against a real server and a tiny model.
 */
class OpenAiFramingTest {

    /** A conversation whose answer cannot be stored: the error arrives after the stream opened. */
    static final String FAILING_CONVERSATION = "conv-answer-store-fails";

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static OpenAiHttp http;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of(), c -> new AnswerFailingStore(c.idleExpiry()));
        http = new OpenAiHttp(quill);
    }

    @AfterAll
    static void stop() {
        http.close();
        quill.close();
    }

    @Test
    void streamedChatIsOpenAisChunkSequence() {
        HttpResponse<Buffer> r = http.post("/v1/chat/completions", exactChat("Hello", 6).put("stream", true));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).isEqualTo("text/event-stream");
        assertThat(r.getHeader("Cache-Control")).isEqualTo("no-cache");
        List<JsonObject> chunks = chunks(r.bodyAsString());
        assertThat(chunks.size()).isGreaterThanOrEqualTo(2);
        for (JsonObject c : chunks) {
            assertThat(c.fieldNames()).containsExactlyInAnyOrder("id", "object", "created", "model", "choices");
            assertThat(c.getString("id")).startsWith("chatcmpl-").isEqualTo(chunks.get(0).getString("id"));
            assertThat(c.getString("object")).isEqualTo("chat.completion.chunk");
            assertThat(c.getLong("created")).isPositive().isEqualTo(chunks.get(0).getLong("created"));
            assertThat(c.getString("model")).isEqualTo("tiny-qwen2");
            assertThat(c.getJsonArray("choices")).hasSize(1);
            JsonObject choice = c.getJsonArray("choices").getJsonObject(0);
            assertThat(choice.fieldNames()).containsExactlyInAnyOrder("index", "delta", "logprobs", "finish_reason");
            assertThat(choice.getInteger("index")).isZero();
            assertThat(choice.getValue("logprobs")).isNull();
        }
        JsonObject first = choice(chunks.get(0));
        assertThat(first.getJsonObject("delta").getMap()).isEqualTo(Map.of("role", "assistant", "content", ""));
        assertThat(first.getValue("finish_reason")).isNull();
        for (JsonObject c : chunks.subList(1, chunks.size() - 1)) {
            assertThat(choice(c).getJsonObject("delta").fieldNames()).containsExactly("content");
            assertThat(choice(c).getValue("finish_reason")).isNull();
        }
        JsonObject last = choice(chunks.get(chunks.size() - 1));
        assertThat(last.getJsonObject("delta").isEmpty()).isTrue();
        assertThat(last.getString("finish_reason")).isEqualTo("length");
    }

    @Test
    void includeUsageAddsNullUsageToEveryChunkAndAUsageChunkLast() {
        JsonObject whole = http.post("/v1/chat/completions", exactChat("Hello", 7)).bodyAsJsonObject();
        HttpResponse<Buffer> r = http.post("/v1/chat/completions", exactChat("Hello", 7).put("stream", true)
                .put("stream_options", new JsonObject().put("include_usage", true)));

        List<JsonObject> chunks = chunks(r.bodyAsString());
        JsonObject usageChunk = chunks.get(chunks.size() - 1);
        List<JsonObject> choiceChunks = chunks.subList(0, chunks.size() - 1);
        for (JsonObject c : choiceChunks) {
            assertThat(c.containsKey("usage")).isTrue();
            assertThat(c.getValue("usage")).isNull();
            assertThat(c.getJsonArray("choices")).hasSize(1);
        }
        assertThat(choice(choiceChunks.get(choiceChunks.size() - 1)).getString("finish_reason")).isEqualTo("length");
        assertThat(usageChunk.fieldNames()).containsExactlyInAnyOrder("id", "object", "created", "model", "choices", "usage");
        assertThat(usageChunk.getString("object")).isEqualTo("chat.completion.chunk");
        assertThat(usageChunk.getString("id")).isEqualTo(chunks.get(0).getString("id"));
        assertThat(usageChunk.getJsonArray("choices")).isEmpty();
        JsonObject usage = usageChunk.getJsonObject("usage");
        assertThat(usage.getInteger("completion_tokens")).isEqualTo(7);
        assertThat(usage.getInteger("prompt_tokens")).isEqualTo(whole.getJsonObject("usage").getInteger("prompt_tokens"));
        assertThat(usage.getInteger("total_tokens")).isEqualTo(usage.getInteger("prompt_tokens") + 7);
        assertThat(usage.getJsonObject("prompt_tokens_details").getInteger("cached_tokens")).isNotNegative();
        // greedy: the stream carries the same text as the whole answer
        assertThat(streamedContent(choiceChunks)).isEqualTo(choice(whole).getJsonObject("message").getString("content"));
    }

    @Test
    void wholeChatCompletionIsOpenAisObject() {
        long generatedBefore = quill.engine.metrics().snapshot().generatedTokens();
        HttpResponse<Buffer> r = http.post("/v1/chat/completions", exactChat("Hello there", 9));
        long generated = quill.engine.metrics().snapshot().generatedTokens() - generatedBefore;

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
        JsonObject body = r.bodyAsJsonObject();
        assertThat(body.fieldNames()).containsExactlyInAnyOrder("id", "object", "created", "model", "choices", "usage");
        assertThat(body.getString("id")).startsWith("chatcmpl-");
        assertThat(body.getString("object")).isEqualTo("chat.completion");
        assertThat(body.getLong("created")).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
        assertThat(body.getString("model")).isEqualTo("tiny-qwen2");
        assertThat(body.getJsonArray("choices")).hasSize(1);
        JsonObject choice = choice(body);
        assertThat(choice.fieldNames()).containsExactlyInAnyOrder("index", "message", "logprobs", "finish_reason");
        assertThat(choice.getInteger("index")).isZero();
        assertThat(choice.getValue("logprobs")).isNull();
        assertThat(choice.getString("finish_reason")).isEqualTo("length");
        JsonObject message = choice.getJsonObject("message");
        assertThat(message.getString("role")).isEqualTo("assistant");
        assertThat(message.getValue("content")).isInstanceOf(String.class);
        JsonObject usage = body.getJsonObject("usage");
        assertThat(usage.getInteger("completion_tokens")).isEqualTo(9).isEqualTo((int) generated);
        assertThat(usage.getInteger("prompt_tokens")).isPositive();
        assertThat(usage.getInteger("total_tokens")).isEqualTo(usage.getInteger("prompt_tokens") + 9);
        assertThat(usage.getJsonObject("prompt_tokens_details").getInteger("cached_tokens"))
                .isBetween(0, usage.getInteger("prompt_tokens"));
    }

    @Test
    void aStopStringEndsTheAnswerWithFinishReasonStop() {
        String text = content(http.post("/v1/chat/completions", exactChat("Hi", 12)).bodyAsJsonObject());
        assertThat(text).isNotEmpty();
        String stop = text.substring(text.length() / 2, text.length() / 2 + 1);

        JsonObject stopped = http.post("/v1/chat/completions", exactChat("Hi", 12)
                .put("stop", new JsonArray().add(stop))).bodyAsJsonObject();

        assertThat(choice(stopped).getString("finish_reason")).isEqualTo("stop");
        assertThat(content(stopped)).isEqualTo(text.substring(0, text.indexOf(stop)));
    }

    @Test
    void contentMayBeAnArrayOfTextParts() {
        JsonArray parts = new JsonArray()
                .add(new JsonObject().put("type", "text").put("text", "Hello "))
                .add(new JsonObject().put("type", "text").put("text", "there"));
        JsonObject asParts = exactChat("", 5);
        asParts.getJsonArray("messages").getJsonObject(0).put("content", parts);

        JsonObject fromParts = http.post("/v1/chat/completions", asParts).bodyAsJsonObject();
        JsonObject fromString = http.post("/v1/chat/completions", exactChat("Hello there", 5)).bodyAsJsonObject();

        assertThat(content(fromParts)).isEqualTo(content(fromString));
        assertThat(fromParts.getJsonObject("usage").getInteger("prompt_tokens"))
                .isEqualTo(fromString.getJsonObject("usage").getInteger("prompt_tokens"));
    }

    @Test
    void streamedCompletionIsTextCompletionChunks() {
        JsonObject request = new JsonObject().put("prompt", "Once upon a time").put("temperature", 0)
                .put("ignore_eos", true).put("max_tokens", 5).put("stream", true)
                .put("stream_options", new JsonObject().put("include_usage", true));
        HttpResponse<Buffer> r = http.post("/v1/completions", request);

        assertThat(r.getHeader("Content-Type")).isEqualTo("text/event-stream");
        List<JsonObject> chunks = chunks(r.bodyAsString());
        List<JsonObject> textChunks = chunks.subList(0, chunks.size() - 1);
        for (JsonObject c : textChunks) {
            assertThat(c.getString("id")).startsWith("cmpl-").isEqualTo(chunks.get(0).getString("id"));
            assertThat(c.getString("object")).isEqualTo("text_completion");
            assertThat(c.getString("model")).isEqualTo("tiny-qwen2");
            assertThat(c.getValue("usage")).isNull();
            JsonObject choice = choice(c);
            assertThat(choice.fieldNames()).containsExactlyInAnyOrder("text", "index", "logprobs", "finish_reason");
            assertThat(choice.getValue("text")).isInstanceOf(String.class);
            assertThat(choice.getInteger("index")).isZero();
            assertThat(choice.getValue("logprobs")).isNull();
        }
        for (JsonObject c : textChunks.subList(0, textChunks.size() - 1)) {
            assertThat(choice(c).getValue("finish_reason")).isNull();
        }
        assertThat(choice(textChunks.get(textChunks.size() - 1)).getString("finish_reason")).isEqualTo("length");
        JsonObject usageChunk = chunks.get(chunks.size() - 1);
        assertThat(usageChunk.getString("object")).isEqualTo("text_completion");
        assertThat(usageChunk.getJsonArray("choices")).isEmpty();
        assertThat(usageChunk.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(5);

        JsonObject whole = http.post("/v1/completions", request.copy().put("stream", false)).bodyAsJsonObject();
        String streamed = String.join("", textChunks.stream().map(c -> choice(c).getString("text")).toList());
        assertThat(streamed).isEqualTo(choice(whole).getString("text"));
    }

    @Test
    void wholeCompletionIsATextCompletionObject() {
        JsonObject body = http.post("/v1/completions", new JsonObject().put("model", "tiny-qwen2")
                .put("prompt", new JsonArray().add("Once upon a time")).put("temperature", 0)
                .put("ignore_eos", true).put("max_completion_tokens", 4)).bodyAsJsonObject();

        assertThat(body.fieldNames()).containsExactlyInAnyOrder("id", "object", "created", "model", "choices", "usage");
        assertThat(body.getString("id")).startsWith("cmpl-");
        assertThat(body.getString("object")).isEqualTo("text_completion");
        JsonObject choice = choice(body);
        assertThat(choice.fieldNames()).containsExactlyInAnyOrder("text", "index", "logprobs", "finish_reason");
        assertThat(choice.getValue("text")).isInstanceOf(String.class);
        assertThat(choice.getString("finish_reason")).isEqualTo("length");
        assertThat(body.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(4);
        assertThat(body.getJsonObject("usage").getInteger("total_tokens"))
                .isEqualTo(body.getJsonObject("usage").getInteger("prompt_tokens") + 4);
    }

    @Test
    void conversationIdCarriesTheHistoryIntoTheNextTurn() {
        String conversation = http.post("/v1/conversations", new JsonObject()).bodyAsJsonObject().getString("id");
        JsonObject first = http.post("/v1/chat/completions", exactChat("My name is Ada.", 4)
                .put("conversation_id", conversation)).bodyAsJsonObject();
        JsonObject second = http.post("/v1/chat/completions", exactChat("What is my name?", 4)
                .put("conversation_id", conversation)).bodyAsJsonObject();
        JsonObject stateless = http.post("/v1/chat/completions", exactChat("What is my name?", 4)).bodyAsJsonObject();

        assertThat(first.getString("conversation_id")).isEqualTo(conversation);
        assertThat(second.getString("conversation_id")).isEqualTo(conversation);
        assertThat(stateless.containsKey("conversation_id")).isFalse();
        // the second prompt held the first turn: more tokens than the same message alone
        assertThat(second.getJsonObject("usage").getInteger("prompt_tokens"))
                .isGreaterThan(stateless.getJsonObject("usage").getInteger("prompt_tokens"));
        List<StoredMessage> history = quill.store.history(conversation).toCompletionStage().toCompletableFuture().join();
        assertThat(history).extracting(StoredMessage::role).containsExactly("user", "assistant", "user", "assistant");
        assertThat(history).extracting(StoredMessage::content)
                .containsExactly("My name is Ada.", content(first), "What is my name?", content(second));
        assertThat(history.get(3).finishReason()).isEqualTo("length");
    }

    @Test
    void anErrorAfterTheStreamOpenedIsAnErrorEventThenDone() {
        HttpResponse<Buffer> r = http.post("/v1/chat/completions", exactChat("Hello", 3).put("stream", true)
                .put("conversation_id", FAILING_CONVERSATION));

        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonObject> chunks = chunks(r.bodyAsString());
        assertThat(choice(chunks.get(0)).getJsonObject("delta").getString("role")).isEqualTo("assistant");
        JsonObject error = chunks.get(chunks.size() - 1).getJsonObject("error");
        assertThat(chunks.get(chunks.size() - 1).fieldNames()).containsExactly("error");
        assertThat(error.getString("code")).isEqualTo("store_unavailable");
        assertThat(error.getString("type")).isEqualTo("server_error");
        assertThat(error.getString("message")).isNotBlank();
    }

    private static JsonObject choice(JsonObject o) {
        return o.getJsonArray("choices").getJsonObject(0);
    }

    private static String content(JsonObject whole) {
        return choice(whole).getJsonObject("message").getString("content");
    }

    private static String streamedContent(List<JsonObject> chunks) {
        StringBuilder text = new StringBuilder();
        for (JsonObject c : chunks) {
            text.append(choice(c).getJsonObject("delta").getString("content", ""));
        }
        return text.toString();
    }

    /** The memory store, except that answers in {@link #FAILING_CONVERSATION} cannot be stored. */
    static final class AnswerFailingStore implements ConversationStore {
        private final MemoryConversationStore inner;

        AnswerFailingStore(Duration idleExpiry) {
            inner = new MemoryConversationStore(idleExpiry, Clock.systemUTC());
            inner.create(FAILING_CONVERSATION, ConversationStore.NO_OWNER); // as if issued by POST /v1/conversations
        }

        @Override
        public Future<Optional<StoredConversation>> conversation(String conversationId) {
            return inner.conversation(conversationId);
        }

        @Override
        public Future<List<StoredMessage>> history(String conversationId) {
            return inner.history(conversationId);
        }

        @Override
        public Future<Void> append(String conversationId, String owner, List<StoredMessage> messages, boolean create) {
            if (conversationId.equals(FAILING_CONVERSATION) && messages.stream().anyMatch(m -> m.role().equals("assistant"))) {
                return Future.failedFuture(new StoreUnavailableException("the store went away", null));
            }
            return inner.append(conversationId, owner, messages, create);
        }

        @Override
        public Future<Void> remember(String clientId, String conversationId, String title) {
            return inner.remember(clientId, conversationId, title);
        }

        @Override
        public Future<List<dev.quill.server.store.ConversationSummary>> conversations(String clientId) {
            return inner.conversations(clientId);
        }

        @Override
        public Future<Void> ping() {
            return inner.ping();
        }

        @Override
        public Future<Void> rememberIfAbsent(String clientId, String conversationId, String title) {
            return inner.rememberIfAbsent(clientId, conversationId, title);
        }

        @Override
        public Future<Void> delete(String conversationId, String owner) {
            return inner.delete(conversationId, owner);
        }

        @Override
        public Future<Void> rename(String conversationId, String owner, String title) {
            return inner.rename(conversationId, owner, title);
        }

        @Override
        public Future<Boolean> activate(String conversationId, String owner, String leafId) {
            return inner.activate(conversationId, owner, leafId);
        }

        @Override
        public Future<Void> forget(String clientId, String conversationId) {
            return inner.forget(clientId, conversationId);
        }

        @Override
        public Future<Void> retitle(String clientId, String conversationId, String title) {
            return inner.retitle(clientId, conversationId, title);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
