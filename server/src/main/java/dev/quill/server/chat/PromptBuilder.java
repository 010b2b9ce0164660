package dev.quill.server.chat;

import dev.quill.model.LanguageModel;
import dev.quill.model.sampling.SamplingParams;
import dev.quill.model.template.ChatMessage;
import dev.quill.model.template.RenderedPrompt;
import dev.quill.server.http.ServerMetrics;
import dev.quill.server.store.StoredMessage;
import dev.quill.server.toolcall.ToolCallFormat;
import dev.quill.server.toolcall.ToolMessages;
import dev.quill.server.toolcall.ToolPrompt;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Turns a request and its stored history into prompt token ids, a stored conversation trimmed
 * to the context and a stateless request refused when it does not fit ({@link PromptFit}), on
 * an executor of its own: templating and tokenizing are CPU work that
 * must hold neither an event loop nor Vert.x's shared worker pool, which /metrics and the rest of
 * the server use. The executor has {@code workers} threads and room for {@code queue} more builds;
 * beyond that a request is refused at once with {@code overloaded} (429), never queued without
 * bound. A build whose client has gone stops before its next render and never reaches the engine.
 *
 * <p>{@link #build} is called on a Vert.x context and completes on it; the work runs on the prompt
 * workers, which only read the request, the history and the thread-safe tokenizer and template.
 */
public final class PromptBuilder {

    /**
     * The prompt for the engine, and the sampling with max_tokens settled.
     *
     * @param omittedMessages stored messages left out so the prompt fits the context (still in the store)
     * @param text the rendered chat prompt of a stored conversation, which {@link TurnTokens} keeps; else null
     */
    public record Prompt(int[] ids, SamplingParams params, int omittedMessages, String text) {

        public Prompt(int[] ids, SamplingParams params, int omittedMessages) {
            this(ids, params, omittedMessages, null);
        }
    }

    /**
     * Settings (config/quill.yaml, {@code server.*}).
     *
     * @param maxMessages messages one request may carry, and messages one prompt may hold
     * @param workers threads that build prompts
     * @param queue builds that may wait for a worker
     */
    public record Limits(int maxMessages, int workers, int queue) {
    }

    private final LanguageModel model;
    private final int maxLength;
    private final int defaultMaxTokens;
    private final Limits limits;
    private final ServerMetrics metrics;
    private final WorkerExecutor executor;
    private final PromptFit fit;
    private final ToolPrompt toolPrompt;
    private final ToolCallFormat toolFormat;
    private final TurnTokens turns;
    private final AtomicInteger pending = new AtomicInteger(); // queued or running builds

    public PromptBuilder(Vertx vertx, LanguageModel model, int maxLength, int defaultMaxTokens, Limits limits,
                         ServerMetrics metrics) {
        this.model = model;
        this.maxLength = maxLength;
        this.defaultMaxTokens = defaultMaxTokens;
        this.limits = limits;
        this.metrics = metrics;
        this.executor = vertx.createSharedWorkerExecutor("quill-prompt", limits.workers());
        this.fit = new PromptFit(messages -> encodeChat(messages, null), model.tokenBound(), maxLength,
                limits.maxMessages());
        String template = model.chatTemplate().source();
        this.toolPrompt = new ToolPrompt(template);
        this.toolFormat = toolPrompt.templateRendersTools() ? ToolCallFormat.of(template) : ToolCallFormat.HERMES;
        this.turns = new TurnTokens(model.tokenizer(), TURNS_KEPT);
    }

    /** Conversations whose last turn's exact tokens are kept: a few MB at most (ids up to the context each). */
    private static final int TURNS_KEPT = 4096;

    /** The exact tokens of stored conversations' last turns, which their next prompts begin with. */
    public TurnTokens turnTokens() {
        return turns;
    }

    /** The tool-call markup this model's answers are parsed for (see {@link ToolCallFormat}). */
    public ToolCallFormat toolFormat() {
        return toolFormat;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Builds the prompt on a prompt worker.
     *
     * @param gone true once the client has left; read from the worker, so it must be thread-safe
     * @return fails with {@code overloaded} when the queue is full, {@code context_length_exceeded}
     *     when nothing fits, or {@link #cancelled()} when the client left first
     */
    public Future<Prompt> build(ChatRequest req, List<StoredMessage> history, BooleanSupplier gone) {
        if (pending.incrementAndGet() > limits.workers() + limits.queue()) {
            pending.decrementAndGet();
            metrics.promptOverloaded();
            return Future.failedFuture(new ApiException(ApiError.overloaded(
                    "too many prompts are being prepared; retry shortly")));
        }
        metrics.promptAccepted();
        return executor.executeBlocking(() -> {
            try {
                return buildNow(req, history, gone);
            } finally {
                pending.decrementAndGet(); // the worker is free: its queue place goes at once
            }
        }, false).transform(ar -> {
            // Back on the caller's context, in the same turn as the caller's submit: a client that
            // has gone by now is counted as cancelled here and never reaches the engine.
            boolean cancelled = gone.getAsBoolean() || ar.cause() instanceof CancellationException;
            metrics.promptEnded(cancelled);
            if (cancelled) {
                return Future.failedFuture(cancelled());
            }
            return ar.succeeded() ? Future.succeededFuture(ar.result()) : Future.failedFuture(ar.cause());
        });
    }

    /**
     * Other template and tokenizer work (POST /tokenize) on the same bounded workers, refused with
     * {@code overloaded} past the same queue, so it cannot crowd out prompts without bound.
     */
    public <T> Future<T> run(java.util.concurrent.Callable<T> work) {
        if (pending.incrementAndGet() > limits.workers() + limits.queue()) {
            pending.decrementAndGet();
            metrics.promptOverloaded();
            return Future.failedFuture(new ApiException(ApiError.overloaded(
                    "too many prompts are being prepared; retry shortly")));
        }
        return executor.executeBlocking(() -> {
            try {
                return work.call();
            } finally {
                pending.decrementAndGet();
            }
        }, false);
    }

    /** The failure of a build whose client left; no one is there to read it. */
    public static ApiException cancelled() {
        return new ApiException(new ApiError(499, "invalid_request_error", "cancelled",
                "the client left before its prompt was built", null));
    }

    private Prompt buildNow(ChatRequest req, List<StoredMessage> history, BooleanSupplier gone) {
        if (gone.getAsBoolean()) {
            throw new CancellationException("the client left while the build waited"); // queued, then abandoned
        }
        req.answerGrammar(); // a forced tool call's grammar compiles here, off the event loop (400 if refused)
        SamplingParams p = req.params();
        long reserve = req.maxTokensGiven() ? p.maxTokens() : 1;
        if (reserve >= maxLength) {
            throw new ApiException(ApiError.contextLength("max_tokens (" + p.maxTokens()
                    + ") leaves no room for a prompt in the model's context of " + maxLength + " tokens"));
        }
        boolean stored = req.conversationId() != null; // only a stored conversation is trimmed
        List<Map<String, Object>> tools = req.tools() == null ? null : req.tools().tools(); // rendered into every try
        Map<int[], RenderedText> rendered = new IdentityHashMap<>(); // what each candidate's ids were made from
        PromptFit.Fit f = req.rawPrompt() != null ? raw(req.rawPrompt(), reserve)
                : !stored ? (tools == null ? fit : new PromptFit(messages -> encodeChat(messages, tools),
                        model.tokenBound(), maxLength, limits.maxMessages())).fit(messages(req, history), reserve, gone, stored)
                : new PromptFit(m -> encodeStored(m, tools, turns.last(req.conversationId()), rendered), model.tokenBound(),
                        maxLength, limits.maxMessages()).fit(messages(req, history), reserve, gone, stored);
        if (f.ids() == null) {
            throw new ApiException(ApiError.contextLength("the prompt (" + (f.exact() ? "" : "at least ")
                    + f.promptTokens() + " tokens)"
                    + (req.maxTokensGiven() ? " plus max_tokens (" + p.maxTokens() + ")" : "")
                    + " exceeds the model's context of " + maxLength + " tokens"
                    + (stored || req.rawPrompt() != null ? "" : "; a request without conversation_id is never "
                            + "trimmed: send fewer or shorter messages, or keep the conversation on the server "
                            + "with conversation_id, whose oldest messages are then left out")));
        }
        int maxTokens = req.maxTokensGiven() ? p.maxTokens() : Math.min(defaultMaxTokens, maxLength - f.ids().length);
        RenderedText made = rendered.get(f.ids());
        if (made != null && made.reused() > 0) {
            turns.counted(made.reused());
        }
        return new Prompt(f.ids(), p.toBuilder().maxTokens(maxTokens).build(), f.omitted(),
                made == null ? null : made.text());
    }

    /** A candidate prompt's text, and how many of its first ids are the last turn's exact ones. */
    private record RenderedText(String text, int reused) {
    }

    /** A stored conversation's candidate: the last turn's exact ids where it continues that turn. */
    private int[] encodeStored(List<ChatMessage> messages, List<Map<String, Object>> tools, TurnTokens.Turn last,
                               Map<int[], RenderedText> rendered) {
        metrics.promptRendered();
        RenderedPrompt prompt = model.renderChat(toolPrompt.messages(messages, tools), true, toolPrompt.tools(tools));
        int[] ids = last == null ? null : turns.encode(last, prompt);
        int reused = ids == null ? 0 : last.promptIds().length + last.answerIds().length;
        if (ids == null) {
            ids = model.tokenizer().encodeRendered(prompt);
        }
        rendered.put(ids, new RenderedText(prompt.text(), reused));
        return ids;
    }

    /** A raw completion prompt: refused by its character count before it is tokenized, when it can be. */
    private PromptFit.Fit raw(String prompt, long reserve) {
        long atLeast = model.tokenBound().minTokens(model.tokenBound().countedChars(prompt));
        if (atLeast + reserve > maxLength) {
            return new PromptFit.Fit(null, atLeast, false, 0);
        }
        metrics.promptRendered();
        int[] ids = model.encodePrompt(prompt);
        return new PromptFit.Fit(ids.length + reserve <= maxLength ? ids : null, ids.length, true, 1);
    }

    /** Stored history, then the request's messages; roles checked again, as history may predate the check. */
    private List<ChatMessage> messages(ChatRequest req, List<StoredMessage> history) {
        if (req.messages().size() > limits.maxMessages()) {
            throw new ApiException(ApiError.invalid("at most " + limits.maxMessages()
                    + " messages are accepted in one request, got " + req.messages().size(), "messages"));
        }
        List<ChatMessage> messages = new ArrayList<>(history.size() + req.messages().size());
        for (StoredMessage m : history) {
            if (!Roles.allowed(m.role())) {
                throw new ApiException(ApiError.invalid("the conversation holds a message (" + m.id()
                        + ") with the role '" + m.role() + "', which is not one of " + Roles.NAMES, null));
            }
            messages.add(ToolMessages.message(m.role(), m.content(), m.toolCalls(), m.toolCallId()));
        }
        messages.addAll(req.messages());
        return messages;
    }

    private int[] encodeChat(List<ChatMessage> messages, List<Map<String, Object>> tools) {
        metrics.promptRendered();
        return model.encodeChat(toolPrompt.messages(messages, tools), toolPrompt.tools(tools));
    }
}
