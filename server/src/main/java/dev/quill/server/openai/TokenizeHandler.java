package dev.quill.server.openai;

import dev.quill.model.LanguageModel;
import dev.quill.model.template.ChatMessage;
import dev.quill.model.template.RenderedPrompt;
import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ApiException;
import dev.quill.server.chat.ChatErrors;
import dev.quill.server.chat.JsonFields;
import dev.quill.server.chat.PromptBuilder;
import dev.quill.server.chat.SamplingFields;
import dev.quill.server.http.HttpErrors;
import dev.quill.server.toolcall.ToolPrompt;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tokenize} and {@code POST /detokenize} in vLLM's shapes: what the chat template
 * makes of a conversation (its text and its tokens), for users debugging prompts. The template
 * and the tokenizer run on the prompt builders' bounded workers, never on the event loop.
 */
public final class TokenizeHandler {

    /** Ids one detokenize request may carry: a whole context of the largest models, and then some. */
    static final int MAX_DETOKENIZE_IDS = 1 << 20;

    private final LanguageModel model;
    private final PromptBuilder workers;
    private final OpenAiRequests requests;
    private final int maxModelLen;

    public TokenizeHandler(LanguageModel model, PromptBuilder workers, String modelName, int maxMessages,
                           SamplingFields sampling, int maxModelLen) {
        this.model = model;
        this.workers = workers;
        this.requests = new OpenAiRequests(modelName, maxMessages, sampling);
        this.maxModelLen = maxModelLen;
    }

    /** {messages, add_generation_prompt?, tools?} or {prompt} → {tokens, count, max_model_len, prompt}. */
    public void tokenize(RoutingContext ctx) {
        JsonFields f;
        List<ChatMessage> messages;
        List<Map<String, Object>> tools;
        boolean addGenerationPrompt;
        String prompt;
        try {
            f = new JsonFields(OpenAiRequests.body(ctx.body().buffer()));
            prompt = f.string("prompt");
            if ((prompt == null) == (f.value("messages") == null)) {
                throw new ApiException(ApiError.invalid("send either 'messages' or 'prompt'", "messages"));
            }
            messages = prompt == null ? requests.messages(f.value("messages")) : null;
            Boolean add = f.bool("add_generation_prompt");
            addGenerationPrompt = add == null || add;
            tools = tools(f.value("tools"));
        } catch (ApiException e) {
            HttpErrors.send(ctx.response(), e.error());
            return;
        }
        workers.run(() -> {
            if (messages == null) {
                return answer(model.encodePrompt(prompt), prompt);
            }
            // the prompt a chat with these tools gets, fallback system prompt included
            ToolPrompt toolPrompt = new ToolPrompt(model.chatTemplate().source());
            RenderedPrompt rendered = model.renderChat(toolPrompt.messages(messages, tools), addGenerationPrompt,
                    toolPrompt.tools(tools));
            return answer(model.tokenizer().encodeRendered(rendered), rendered.text());
        }).onSuccess(body -> json(ctx, body)).onFailure(e -> HttpErrors.send(ctx.response(), ChatErrors.of(e)));
    }

    /** {tokens} → {prompt}: the text of the ids, special tokens skipped as in streamed answers. */
    public void detokenize(RoutingContext ctx) {
        int[] ids;
        try {
            JsonFields f = new JsonFields(OpenAiRequests.body(ctx.body().buffer()));
            ids = ids(f.value("tokens"));
        } catch (ApiException e) {
            HttpErrors.send(ctx.response(), e.error());
            return;
        }
        workers.run(() -> new JsonObject().put("prompt", model.tokenizer().decode(ids)))
                .onSuccess(body -> json(ctx, body)).onFailure(e -> HttpErrors.send(ctx.response(), ChatErrors.of(e)));
    }

    private JsonObject answer(int[] ids, String text) {
        JsonArray tokens = new JsonArray();
        for (int id : ids) {
            tokens.add(id);
        }
        return new JsonObject().put("count", ids.length).put("max_model_len", maxModelLen).put("tokens", tokens)
                .put("prompt", text);
    }

    private int[] ids(Object v) {
        if (!(v instanceof JsonArray a)) {
            throw v == null ? new ApiException(ApiError.invalid("'tokens' is required", "tokens"))
                    : JsonFields.wrongType("tokens", "an array of token ids", v);
        }
        if (a.size() > MAX_DETOKENIZE_IDS) {
            throw new ApiException(ApiError.invalid("'tokens' holds " + a.size() + " ids; at most "
                    + MAX_DETOKENIZE_IDS + " are accepted", "tokens"));
        }
        int vocab = model.decoder().config().vocabSize();
        int[] ids = new int[a.size()];
        for (int i = 0; i < ids.length; i++) {
            Object id = a.getValue(i);
            if (!(id instanceof Integer || id instanceof Long) || ((Number) id).longValue() < 0
                    || ((Number) id).longValue() >= vocab) {
                throw new ApiException(ApiError.invalid("'tokens[" + i + "]' must be a token id in [0, " + vocab
                        + "), got " + id, "tokens"));
            }
            ids[i] = ((Number) id).intValue();
        }
        return ids;
    }

    /** The tools as plain maps and lists, the values a template sees (as transformers passes them). */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> tools(Object v) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof JsonArray a)) {
            throw JsonFields.wrongType("tools", "an array", v);
        }
        List<Map<String, Object>> tools = new ArrayList<>(a.size());
        for (Object tool : a) {
            if (!(tool instanceof JsonObject o)) {
                throw JsonFields.wrongType("tools[]", "an object", tool);
            }
            tools.add((Map<String, Object>) plain(o));
        }
        return tools;
    }

    private static Object plain(Object v) {
        if (v instanceof JsonObject o) {
            Map<String, Object> m = new LinkedHashMap<>();
            o.forEach(e -> m.put(e.getKey(), plain(e.getValue())));
            return m;
        }
        if (v instanceof JsonArray a) {
            List<Object> l = new ArrayList<>(a.size());
            a.forEach(x -> l.add(plain(x)));
            return l;
        }
        return v;
    }

    private static void json(RoutingContext ctx, JsonObject body) {
        ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
    }
}
