package dev.quill.server.openai;

import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.sampling.SamplingParams;
import dev.quill.model.sampling.TokenScores;
import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ChatRequest;
import dev.quill.server.chat.ChatService;
import dev.quill.server.chat.ChatService.ActiveChat;
import dev.quill.server.chat.ChatSink;
import dev.quill.server.http.HttpErrors;
import dev.quill.server.http.RequestIds;
import dev.quill.server.http.ServerMetrics;
import dev.quill.server.toolcall.ToolCall;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What both answer styles share: a client that goes away cancels its generation (so its engine
 * slot frees at the next step), whether it leaves before or after the engine took the request,
 * and the server's count of active streams is kept, once in and once out. An exception thrown
 * while answering (a write the transport refuses, say) ends the answer and cancels the
 * generation too, instead of leaving it running with no one to hear it.
 *
 * <p>Confined to the request's context, like every {@link ChatSink}.
 */
abstract class ResponseSink implements ChatSink {

    private static final Logger log = LoggerFactory.getLogger(ResponseSink.class);

    /**
     * On an answer in a stored conversation ({@code conversation_id}): how many of its stored
     * messages were left out of the prompt so that it fits the model's context (0 when none).
     * A header, because OpenAI's response objects have no place for it and SDKs drop unknown
     * fields; a stateless request is never trimmed, so its answers do not carry it.
     */
    static final String OMITTED_MESSAGES = "Quill-Omitted-Messages";

    protected final HttpServerResponse response;
    private final ServerMetrics metrics;
    private final ChatSink guarded = new Guarded(this);
    private ActiveChat active;
    private volatile boolean clientGone; // also read by a prompt worker (clientGone())
    private volatile boolean aborted;
    private boolean finished;

    ResponseSink(HttpServerResponse response, ServerMetrics metrics) {
        this.response = response;
        this.metrics = metrics;
        metrics.streamStarted();
    }

    /**
     * Starts the generation with this sink listening through {@link Guarded}, and attaches it
     * once started; a start that fails is answered with {@code errors}' error.
     */
    final void start(ChatService chat, ChatRequest req, Function<Throwable, ApiError> errors) {
        chat.start(req, guarded)
                .onSuccess(this::attach)
                .onFailure(e -> guarded.onError(errors.apply(e)));
    }

    /**
     * Starts n answers to one prompt ({@link ChatService#startChoices}), each heard through its
     * own sink in {@code choices}, guarded as {@link #start} guards this one.
     */
    final void startChoices(ChatService chat, ChatRequest req, List<ChatSink> choices,
                            BiFunction<Integer, SamplingParams, SamplingParams> choiceParams,
                            Function<Throwable, ApiError> errors) {
        List<ChatSink> each = choices.stream().map(c -> (ChatSink) new Guarded(c)).toList();
        chat.startChoices(req, each, choiceParams)
                .onSuccess(this::attach)
                .onFailure(e -> guarded.onError(errors.apply(e)));
    }

    /**
     * The generation started; cancel it at once if the client left while it was being set up,
     * answering failed meanwhile, or the answer already ended (a shutdown interrupted it while
     * the prompt was being built).
     */
    final void attach(ActiveChat chat) {
        active = chat;
        if (aborted || clientGone || finished) {
            chat.cancel();
        }
    }

    /** Reports trimming ({@link #OMITTED_MESSAGES}); called before the response's head is written. */
    protected final void reportOmitted(String conversationId, int omittedMessages) {
        if (conversationId != null && !response.headWritten()) {
            response.putHeader(OMITTED_MESSAGES, Integer.toString(omittedMessages));
        }
    }

    /** Cancels the generation, if it started (the engine then ends it with onDone(CANCELLED)). */
    protected final void cancelGeneration() {
        if (active != null) {
            active.cancel();
        }
    }

    /**
     * Answering threw: cancel the generation (now, or in {@link #attach} if it is still being
     * set up), end the answer for the metrics, and close the connection, since what was written
     * of the response can no longer be trusted to be whole.
     */
    private void abort(RuntimeException e) {
        if (aborted) {
            return;
        }
        aborted = true;
        log.warn("request " + RequestIds.of(response) + ": answering a generation failed; cancelling it", e);
        if (active != null) {
            active.cancel();
        }
        finished();
        try {
            if (response.headWritten()) {
                response.reset();
            } else {
                HttpErrors.send(response, ApiError.internal("the answer could not be written"));
            }
        } catch (RuntimeException again) {
            response.reset();
        }
    }

    /**
     * The connection closed (or failed) before the answer ended. Hooked through the routing
     * context's end handlers rather than the response's single close handler, which the router
     * already uses to count requests.
     */
    final void clientLeft() {
        if (finished) {
            return;
        }
        clientGone = true;
        if (active != null) {
            active.cancel(); // the engine answers with onDone(CANCELLED), which ends this sink
        }
    }

    @Override
    public final boolean clientGone() {
        return clientGone;
    }

    /** Called once the answer is over, however it ended. */
    protected final void finished() {
        if (!finished) {
            finished = true;
            metrics.streamEnded();
        }
    }

    protected final boolean isFinished() {
        return finished;
    }

    /** A sink as the chat service hears it: every call, and anything it throws, on this side of {@link #abort}. */
    private final class Guarded implements ChatSink {
        private final ChatSink target;

        Guarded(ChatSink target) {
            this.target = target;
        }

        @Override
        public void onStart(String conversationId, int promptTokens, int omittedMessages) {
            run(() -> target.onStart(conversationId, promptTokens, omittedMessages));
        }

        @Override
        public void onText(String text) {
            run(() -> target.onText(text));
        }

        @Override
        public void onText(String text, List<TokenScores> scores) {
            run(() -> target.onText(text, scores));
        }

        @Override
        public void onPromptScores(int[] promptIds, List<TokenScores> scores) {
            run(() -> target.onPromptScores(promptIds, scores));
        }

        @Override
        public void onToolCall(int index, ToolCall call) {
            run(() -> ResponseSink.this.onToolCall(index, call));
        }

        @Override
        public void onDone(FinishReason reason, Usage usage) {
            run(() -> target.onDone(reason, usage));
        }

        @Override
        public void onError(ApiError error) {
            run(() -> target.onError(error));
        }

        @Override
        public boolean writeQueueFull() {
            return !aborted && ResponseSink.this.writeQueueFull();
        }

        @Override
        public void onDrain(Runnable resume) {
            if (aborted) {
                resume.run();
            } else {
                ResponseSink.this.onDrain(resume);
            }
        }

        @Override
        public boolean clientGone() {
            return clientGone || aborted; // read by a prompt worker too: a departed client's build is skipped
        }

        private void run(Runnable call) {
            if (aborted) {
                return; // the connection is reset; only the cancelled generation's end is still to come
            }
            try {
                call.run();
            } catch (RuntimeException e) {
                abort(e);
            }
        }
    }
}
