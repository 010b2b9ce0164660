package dev.quill.server.chat;

import dev.quill.model.engine.Engine;
import dev.quill.model.engine.EngineError;
import dev.quill.model.engine.GenerationRequest;
import dev.quill.model.engine.RequestHandle;
import dev.quill.model.sampling.SamplingParams;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * n answers to one stateless request (OpenAI's {@code n}): the prompt is built once, and the n
 * generations are submitted to the engine back to back, so they enter the same steps; each has its
 * own sampling (its own seed) and its own sink. If the engine refuses one (overloaded), those
 * already submitted are cancelled and the request fails as a whole. Cancelling cancels all n.
 *
 * <p>Prefix sharing: with the slot cache of today, a prompt's keys and values are shared only
 * from a slot a finished sequence left, so the n answers prefill the prompt n times unless an
 * earlier request left it cached (then each of the n reuses its own copy, as many as slots hold
 * it); a block cache that shares prefixes between running sequences would prefill it once.
 *
 * <p>Called on a Vert.x context; the sinks hear everything on it.
 */
final class Choices {
    private Choices() {
    }

    static Future<ChatService.ActiveChat> start(Vertx vertx, Engine engine, PromptBuilder prompts, ChatRequest req,
                                                List<ChatSink> sinks,
                                                BiFunction<Integer, SamplingParams, SamplingParams> choiceParams) {
        if (req.conversationId() != null) {
            return Future.failedFuture(new ApiException(ApiError.invalid(
                    "n > 1 is not supported with conversation_id: a conversation stores one answer per turn", "n")));
        }
        Context ctx = vertx.getOrCreateContext();
        return prompts.build(req, List.of(), () -> sinks.get(0).clientGone()).map(prompt -> {
            if (sinks.get(0).clientGone()) {
                throw PromptBuilder.cancelled();
            }
            List<RequestHandle> handles = new ArrayList<>(sinks.size());
            try {
                for (int i = 0; i < sinks.size(); i++) {
                    ChatSink sink = sinks.get(i);
                    StreamPump pump = new StreamPump(ctx, sink, prompt.ids(), sink::onDone);
                    handles.add(engine.submit(new GenerationRequest(prompt.ids(), choiceParams.apply(i, prompt.params()),
                            pump, req.grammar())));
                }
            } catch (EngineError | IllegalArgumentException e) {
                handles.forEach(RequestHandle::cancel); // their CANCELLED ends reach sinks that have already failed
                throw e;
            }
            for (ChatSink sink : sinks) { // on this context, before any pump's drain can run
                sink.onStart(null, prompt.ids().length, 0);
            }
            return new Running(handles);
        });
    }

    private record Running(List<RequestHandle> handles) implements ChatService.ActiveChat {
        @Override
        public String conversationId() {
            return null;
        }

        @Override
        public void cancel() {
            handles.forEach(RequestHandle::cancel);
        }
    }
}
