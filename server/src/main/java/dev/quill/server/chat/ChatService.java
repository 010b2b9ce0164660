package dev.quill.server.chat;

import dev.quill.model.engine.Engine;
import dev.quill.model.engine.GenerationRequest;
import dev.quill.model.engine.RequestHandle;
import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.sampling.SamplingParams;
import dev.quill.model.template.ChatMessage;
import dev.quill.server.store.ConversationStore;
import dev.quill.server.store.StoredMessage;
import dev.quill.server.toolcall.ToolMessages;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Joins a protocol handler to the engine: the conversation from the store (the caller's own,
 * see {@link TurnPlan}), the prompt built (trimmed oldest-first to fit the context, never deleted
 * from the store), the request submitted, the client's messages stored once the engine has
 * admitted the turn, tokens carried back to the caller's context, and the answer stored when it
 * ends, whatever its finish reason. A refused turn (overloaded, context_length_exceeded, any
 * error before the engine took it) stores nothing.
 *
 * <p>A retried turn (the same turn id, see {@link ChatRequest.Turn}) is applied at most once:
 * answered, its stored answer is replayed; stored but unanswered, it is answered without
 * storing its messages again. While a named turn runs, a retry of it is refused
 * ({@code turn_in_progress}) by this instance.
 *
 * <p>Call {@link #start} on a Vert.x context; the sink hears everything on that same context.
 */
public final class ChatService {

    private final Vertx vertx;
    private final Engine engine;
    private final PromptBuilder prompts;
    private final ConversationStore store;
    /** Named turns being answered here, as conversation id / turn id. Any thread. */
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    public ChatService(Vertx vertx, Engine engine, PromptBuilder prompts, ConversationStore store) {
        this.vertx = vertx;
        this.engine = engine;
        this.prompts = prompts;
        this.store = store;
    }

    /** A running generation. */
    public interface ActiveChat {
        String conversationId();

        void cancel();
    }

    /**
     * Starts a generation, or replays a retried turn's stored answer; fails (on the caller's
     * context) with an {@link ApiException}-mappable error, having stored nothing of this turn.
     */
    public Future<ActiveChat> start(ChatRequest req, ChatSink client) {
        String conversation = req.conversationId();
        if (conversation == null || req.rawPrompt() != null) {
            return generate(req, client, TurnPlan.fresh(), () -> { });
        }
        String key = conversation + "/" + req.turn().id();
        if (req.turn().named() && !running.add(key)) {
            return Future.failedFuture(new ApiException(ApiError.turnInProgress(req.turn().id())));
        }
        Runnable ended = () -> running.remove(key);
        Future<TurnPlan> plan = req.turn().newConversation()
                ? Future.succeededFuture(TurnPlan.fresh())
                : store.conversation(conversation).map(stored -> TurnPlan.of(req, stored));
        return plan
                .compose(p -> p.answer() != null ? replay(conversation, p.answer(), client) : generate(req, client, p, ended))
                .onComplete(ar -> {
                    if (ar.failed() || ar.result() instanceof Replay) {
                        ended.run();
                    }
                });
    }

    /**
     * n answers to one stateless request, from one prompt, each with its own sampling and its own
     * sink ({@link Choices}); fails as {@link #start} does, and with invalid_request for a conversation.
     */
    public Future<ActiveChat> startChoices(ChatRequest req, List<ChatSink> sinks,
                                           BiFunction<Integer, SamplingParams, SamplingParams> choiceParams) {
        return Choices.start(vertx, engine, prompts, req, sinks, choiceParams);
    }

    /** A new conversation id for a client that did not name one. */
    public static String newConversationId() {
        return ConversationStore.newConversationId();
    }

    private Future<ActiveChat> generate(ChatRequest req, ChatSink client, TurnPlan plan, Runnable ended) {
        RecordingSink sink = new RecordingSink(client, ended); // keeps the answer's text for the store
        Context ctx = vertx.getOrCreateContext();
        String conversation = req.conversationId();
        return prompts.build(req, plan.history(), client::clientGone)
                .compose(prompt -> {
                    if (client.clientGone()) {
                        throw PromptBuilder.cancelled(); // nothing reaches the engine for a client that has gone
                    }
                    ChatSink parsed = ToolCallSink.wrap(sink, req.tools() == null ? null
                            : listener -> req.tools().parser(prompts.toolFormat(), listener));
                    TurnTokens.Recorder[] answer = new TurnTokens.Recorder[1]; // the ids it generates, for the next turn
                    StreamPump pump = new StreamPump(ctx, parsed, (reason, usage) -> {
                        ToolCallSink.flush(parsed); // held-back text and calls belong to the answer
                        remember(req, prompt, answer[0], sink);
                        finished(req, plan, sink, reason, usage);
                    });
                    answer[0] = new TurnTokens.Recorder(pump);
                    RequestHandle handle = engine.submit(new GenerationRequest(prompt.ids(), prompt.params(), answer[0],
                            req.answerGrammar())); // compiled by the prompt worker
                    ActiveChat active = new Running(conversation, handle);
                    return storeUserMessages(req, plan)
                            .onSuccess(v -> sink.open(conversation, prompt.ids().length, prompt.omittedMessages()))
                            .recover(e -> {
                                sink.drop(); // the client hears this failure, not an answer to a turn not stored
                                handle.cancel();
                                return Future.failedFuture(e);
                            })
                            .map(active);
                });
    }

    /** The engine took the turn: now its messages are stored, all or none, before the client sees a token. */
    private Future<Void> storeUserMessages(ChatRequest req, TurnPlan plan) {
        if (req.conversationId() == null || req.messages() == null || !plan.storeMessages()) {
            return Future.succeededFuture();
        }
        long now = System.currentTimeMillis();
        List<StoredMessage> stored = new ArrayList<>(req.messages().size());
        String parent = plan.parent();
        for (int i = 0; i < req.messages().size(); i++) {
            ChatMessage m = req.messages().get(i);
            stored.add(new StoredMessage(req.turn().messageId(i), m.role(), m.content(), null, now, parent, null,
                    null, ToolMessages.callIdOf(m)));
            parent = req.turn().messageId(i);
        }
        return store.append(req.conversationId(), req.turn().owner(), stored, req.turn().newConversation());
    }

    /**
     * The answer is stored whatever ended it, so a cancelled turn is not silently lost. If that
     * fails the client is told store_unavailable after the text it has read: the answer may or may
     * not be stored (Redis may have run the write and lost the reply), which a retry of the turn
     * sorts out, replaying it or storing it once.
     */
    private void finished(ChatRequest req, TurnPlan plan, RecordingSink sink, FinishReason reason, Usage usage) {
        if (sink.dropped()) {
            return; // cancelled because the turn could not be stored; the client has heard why
        }
        if (req.conversationId() == null) {
            sink.onDone(reason, usage);
            return;
        }
        int sent = req.messages() == null ? 0 : req.messages().size();
        String parent = plan.answerAfter() != null ? plan.answerAfter()
                : sent == 0 ? plan.parent() : req.turn().messageId(sent - 1); // a regeneration answers the message it follows
        StoredMessage answer = new StoredMessage(req.turn().answerId(plan.attempt()), "assistant", sink.text(),
                reason.wireName(), System.currentTimeMillis(), parent, timings(usage), sink.calls(), null);
        store.append(req.conversationId(), req.turn().owner(), List.of(answer), false)
                .onSuccess(v -> sink.onDone(reason, usage))
                .onFailure(e -> sink.onError(ChatErrors.of(e)));
    }

    /** What the page shows under an answer, kept so that it still shows after a reload (a stopped answer too). */
    private static StoredMessage.Timings timings(Usage usage) {
        double decodeSeconds = (usage.totalNanos() - usage.timeToFirstTokenNanos()) / 1e9;
        return new StoredMessage.Timings(usage.promptTokens(), usage.completionTokens(), usage.timeToFirstTokenNanos() / 1e6,
                usage.completionTokens() > 1 && decodeSeconds > 0 ? (usage.completionTokens() - 1) / decodeSeconds : 0.0);
    }

    /** Keeps a stored conversation's turn in exact tokens, for its next prompt ({@link TurnTokens}). */
    private void remember(ChatRequest req, PromptBuilder.Prompt prompt, TurnTokens.Recorder answer, RecordingSink sink) {
        if (req.conversationId() != null && prompt.text() != null && !sink.dropped()) {
            prompts.turnTokens().remember(req.conversationId(),
                    new TurnTokens.Turn(prompt.text(), prompt.ids(), answer.ids(), sink.text()));
        }
    }

    /** A retried turn that was answered: the stored answer again, and no generation. */
    private Future<ActiveChat> replay(String conversation, StoredMessage answer, ChatSink client) {
        FinishReason reason = FinishReason.valueOf(answer.finishReason().toUpperCase(Locale.ROOT));
        vertx.getOrCreateContext().runOnContext(v -> { // after the caller has the ActiveChat, as for a generation
            client.onStart(conversation, 0, 0);
            if (!answer.content().isEmpty()) {
                client.onText(answer.content());
            }
            if (answer.toolCalls() != null) {
                for (int i = 0; i < answer.toolCalls().size(); i++) {
                    client.onToolCall(i, answer.toolCalls().get(i));
                }
            }
            client.onDone(reason, new Usage(0, 0, 0, 0, 0));
        });
        return Future.succeededFuture(new Replay(conversation));
    }

    private record Running(String conversationId, RequestHandle handle) implements ActiveChat {
        @Override
        public void cancel() {
            handle.cancel();
        }
    }

    /** A replay is over as soon as it is sent: nothing to cancel. */
    private record Replay(String conversationId) implements ActiveChat {
        @Override
        public void cancel() {
        }
    }
}
