package dev.quill.server.chat;

import dev.quill.model.engine.Engine;
import dev.quill.model.engine.GenerationRequest;
import dev.quill.model.engine.RequestHandle;
import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.template.ChatMessage;
import dev.quill.server.store.ConversationStore;
import dev.quill.server.store.StoredMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.UUID;

/**
 * Joins a protocol handler to the engine: history from the store, the user's message stored
 * before generation, the prompt built (trimmed oldest-first to fit the context, never deleted
 * from the store), the request submitted, tokens carried back to the caller's context, and the
 * answer stored when it ends, whatever its finish reason.
 *
 * <p>Call {@link #start} on a Vert.x context; the sink hears everything on that same context.
 */
public final class ChatService {

    private final Vertx vertx;
    private final Engine engine;
    private final PromptBuilder prompts;
    private final ConversationStore store;

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

    /** Starts a generation; fails (on the caller's context) with an {@link ApiException}-mappable error. */
    public Future<ActiveChat> start(ChatRequest req, ChatSink client) {
        RecordingSink sink = new RecordingSink(client); // keeps the answer's text for the store
        Context ctx = vertx.getOrCreateContext();
        String conversation = req.conversationId();
        Future<List<StoredMessage>> history = conversation == null || req.rawPrompt() != null
                ? Future.succeededFuture(List.of())
                : store.history(conversation);
        return history
                .compose(h -> storeUserMessages(req).map(v -> h))
                .compose(h -> prompts.build(req, h, client::clientGone))
                .map(prompt -> {
                    if (client.clientGone()) {
                        throw PromptBuilder.cancelled(); // nothing reaches the engine for a client that has gone
                    }
                    StreamPump pump = new StreamPump(ctx, sink, (reason, usage) -> finished(req, sink, reason, usage));
                    RequestHandle handle = engine.submit(new GenerationRequest(prompt.ids(), prompt.params(), pump));
                    sink.onStart(conversation, prompt.ids().length);
                    return (ActiveChat) new ActiveChat() {
                        @Override
                        public String conversationId() {
                            return conversation;
                        }

                        @Override
                        public void cancel() {
                            handle.cancel();
                        }
                    };
                });
    }

    /** A new conversation id for a client that did not name one. */
    public static String newConversationId() {
        return "conv-" + UUID.randomUUID();
    }

    private Future<Void> storeUserMessages(ChatRequest req) {
        if (req.conversationId() == null || req.messages() == null) {
            return Future.succeededFuture();
        }
        Future<Void> chain = Future.succeededFuture();
        long now = System.currentTimeMillis();
        for (int i = 0; i < req.messages().size(); i++) {
            ChatMessage m = req.messages().get(i);
            StoredMessage stored = new StoredMessage(req.id() + ":m" + i, m.role(), m.content(), null, now);
            chain = chain.compose(v -> store.append(req.conversationId(), stored));
        }
        return chain;
    }

    private void finished(ChatRequest req, RecordingSink sink, FinishReason reason, Usage usage) {
        if (req.conversationId() == null) {
            sink.onDone(reason, usage);
            return;
        }
        // the answer is stored whatever ended it, so a cancelled turn is not silently lost
        StoredMessage answer = new StoredMessage(req.id() + ":a", "assistant", sink.text(), reason.wireName(),
                System.currentTimeMillis());
        store.append(req.conversationId(), answer)
                .onSuccess(v -> sink.onDone(reason, usage))
                .onFailure(e -> sink.onError(ChatErrors.of(e)));
    }
}
