package dev.quill.server.openai;

import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.sampling.TokenScores;
import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ChatSink;
import dev.quill.server.chat.LiveStreams;
import dev.quill.server.http.HttpErrors;
import dev.quill.server.http.ServerMetrics;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One response for a request that asks for more than the plain path gives: {@code n} answers,
 * token logprobs, or (completions) {@code echo}; streamed or whole. Each answer has its own
 * {@link Choice} sink; streamed, their chunks interleave as the engine makes them, each with its
 * {@code index}; whole, the answers are sent together once all have ended, usage summed (the
 * prompt counted once, as OpenAI does). An error in any answer ends the response and cancels them
 * all, as a client that leaves does.
 *
 * <p>Confined to the request's context, like every {@link ChatSink}.
 */
final class ChoicesSink extends ResponseSink implements LiveStreams.Interruptible {

    private final SseStream sse; // null: one JSON object at the end
    private final OpenAiResponse shapes;
    private final ChunkFormat format;
    private final ChoiceOptions options;
    private final ScoresJson scores;
    private final String echo; // the prompt, in front of each answer; null without echo
    private final boolean includeUsage;
    private final Runnable leaveLive;
    private final Choice[] choices;
    private final List<Runnable> drainWaiters = new ArrayList<>();
    private boolean opened;
    private int running;

    ChoicesSink(SseStream sse, HttpServerResponse response, ServerMetrics metrics, LiveStreams live, OpenAiResponse shapes,
                ChunkFormat format, ChoiceOptions options, TokenTexts texts, String echo, boolean includeUsage) {
        super(response, metrics);
        this.sse = sse;
        this.shapes = shapes;
        this.format = format;
        this.options = options;
        this.scores = new ScoresJson(texts, options.tokenIds());
        this.echo = options.echo() ? echo : null;
        this.includeUsage = includeUsage;
        this.leaveLive = sse == null ? () -> { } : live.add(this);
        this.choices = new Choice[options.n()];
        for (int i = 0; i < choices.length; i++) {
            choices[i] = new Choice(i);
        }
        this.running = choices.length;
    }

    /** The n answers' sinks, by index. */
    List<ChatSink> choices() {
        return List.of(choices);
    }

    // One answer (n = 1) started through ChatService.start: this sink is its choice 0.

    @Override
    public void onStart(String conversationId, int promptTokens, int omittedMessages) {
        choices[0].onStart(conversationId, promptTokens, omittedMessages);
    }

    @Override
    public void onText(String text) {
        choices[0].onText(text);
    }

    @Override
    public void onText(String text, List<TokenScores> s) {
        choices[0].onText(text, s);
    }

    @Override
    public void onPromptScores(int[] promptIds, List<TokenScores> s) {
        choices[0].onPromptScores(promptIds, s);
    }

    @Override
    public void onDone(FinishReason reason, Usage usage) {
        choices[0].onDone(reason, usage);
    }

    @Override
    public void onError(ApiError error) {
        end(error);
    }

    /** Shutdown: an error chunk and [DONE], then cancel every answer. */
    @Override
    public Future<Void> interrupt(ApiError why) {
        Future<Void> ended = end(why);
        cancelGeneration();
        return ended;
    }

    @Override
    public boolean writeQueueFull() {
        return sse != null && sse.writeQueueFull();
    }

    /** Every answer's pump may wait for the same drain: one handler resumes them all. */
    @Override
    public void onDrain(Runnable resume) {
        if (!writeQueueFull()) {
            resume.run();
            return;
        }
        drainWaiters.add(resume);
        if (drainWaiters.size() == 1) {
            sse.onDrain(() -> {
                List<Runnable> waiting = new ArrayList<>(drainWaiters);
                drainWaiters.clear();
                waiting.forEach(Runnable::run);
            });
        }
    }

    private void open(String conversationId, int omittedMessages) {
        if (!opened) {
            opened = true;
            reportOmitted(conversationId, omittedMessages);
            if (sse != null) {
                sse.open();
            }
        }
    }

    private Future<Void> end(ApiError error) {
        if (isFinished()) {
            return Future.succeededFuture();
        }
        Future<Void> ended;
        if (sse != null && sse.isOpen()) {
            HttpErrors.log(response, error);
            sse.send(HttpErrors.body(error));
            ended = sse.done();
        } else {
            HttpErrors.send(response, error);
            ended = Future.succeededFuture();
        }
        over();
        cancelGeneration(); // the other answers: their CANCELLED ends then find the response over
        return ended;
    }

    /** Every answer has ended: the usage (streamed) or the whole response. */
    private void complete() {
        if (isFinished()) {
            return;
        }
        Usage total = total();
        if (sse != null) {
            if (includeUsage) {
                sse.send(shapes.usageChunk(total));
            }
            sse.done();
        } else if (!response.closed() && !response.ended()) {
            JsonArray all = new JsonArray();
            for (Choice c : choices) {
                all.add(c.whole());
            }
            response.putHeader("Content-Type", "application/json").end(shapes.whole(all, total).encode());
        }
        over();
    }

    /** The prompt once (each answer's prompt is the same), the answers' tokens summed. */
    private Usage total() {
        Usage first = choices[0].usage;
        int completion = 0;
        long totalNanos = 0;
        for (Choice c : choices) {
            completion += c.usage.completionTokens();
            totalNanos = Math.max(totalNanos, c.usage.totalNanos());
        }
        return new Usage(first.promptTokens(), completion, first.cachedTokens(), first.timeToFirstTokenNanos(), totalNanos);
    }

    private void over() {
        finished();
        leaveLive.run();
    }

    /** One answer: its chunks, or what its part of the whole response collects. */
    private final class Choice implements ChatSink {
        private final int index;
        private final StringBuilder text = new StringBuilder();       // whole only
        private final List<TokenScores> chatScores = new ArrayList<>(); // whole chat only
        private final ScoresJson.Legacy legacy = scores.new Legacy();
        private JsonObject legacyWhole;                                // whole completions only
        private int[] promptIds;
        private List<TokenScores> promptScores = List.of();
        private boolean echoed;
        private boolean ended;
        private FinishReason reason;
        private Usage usage;

        Choice(int index) {
            this.index = index;
        }

        @Override
        public void onStart(String conversationId, int promptTokens, int omittedMessages) {
            open(conversationId, omittedMessages);
            JsonObject opening = sse == null ? null : format.openingChoice();
            if (opening != null) {
                sse.send(shapes.chunk(opening.put("index", index)));
            }
        }

        @Override
        public void onPromptScores(int[] ids, List<TokenScores> s) {
            promptIds = ids;
            promptScores = s;
        }

        @Override
        public void onText(String piece) {
            onText(piece, List.of());
        }

        @Override
        public void onText(String piece, List<TokenScores> s) {
            if (isFinished()) {
                return;
            }
            echo();
            if (sse != null) {
                JsonObject choice = format.textChoice(piece).put("index", index);
                if (options.logprobs() && !s.isEmpty()) {
                    choice.put("logprobs", format == ChunkFormat.CHAT ? scores.chat(s) : legacy.add(s, null));
                }
                sse.send(shapes.chunk(choice));
            } else {
                text.append(piece);
                if (options.logprobs()) {
                    if (format == ChunkFormat.CHAT) {
                        chatScores.addAll(s);
                    } else {
                        legacyWhole = legacy.add(s, legacyWhole);
                    }
                }
            }
        }

        /** The echoed prompt, once, before the answer's first text (completions with echo). */
        private void echo() {
            if (echoed || echo == null) {
                echoed = true;
                return;
            }
            echoed = true;
            JsonObject lp = null;
            if (options.logprobs() && promptIds != null && promptIds.length > 0) {
                lp = legacy.add(promptScores, legacy.first(promptIds[0], null));
            } else {
                legacy.skip(echo);
            }
            if (sse != null) {
                sse.send(shapes.chunk(format.textChoice(echo).put("index", index).put("logprobs", lp)));
            } else {
                text.append(echo);
                legacyWhole = lp;
            }
        }

        @Override
        public void onDone(FinishReason r, Usage u) {
            if (ended) {
                return;
            }
            ended = true;
            if (r == FinishReason.CANCELLED) { // only this server cancels: the client left, or another answer failed
                if (!isFinished()) {
                    if (sse != null) {
                        sse.end();
                    }
                    over();
                    cancelGeneration();
                }
                return;
            }
            reason = r;
            usage = u;
            if (sse != null && !isFinished()) {
                echo();
                sse.send(shapes.chunk(format.finishChoice(OpenAiResponse.finishReason(r, false)).put("index", index)));
            }
            if (--running == 0) {
                complete();
            }
        }

        @Override
        public void onError(ApiError error) {
            end(error);
        }

        /** This answer in the whole response. */
        JsonObject whole() {
            echo();
            JsonObject choice = format.wholeChoice(text.toString(), OpenAiResponse.finishReason(reason, false)).put("index", index);
            if (options.logprobs()) {
                choice.put("logprobs", format == ChunkFormat.CHAT ? scores.chat(chatScores)
                        : legacyWhole != null ? legacyWhole : legacy.add(List.of(), null));
            }
            return choice;
        }

        @Override
        public boolean writeQueueFull() {
            return ChoicesSink.this.writeQueueFull();
        }

        @Override
        public void onDrain(Runnable resume) {
            ChoicesSink.this.onDrain(resume);
        }

        @Override
        public boolean clientGone() {
            return ChoicesSink.this.clientGone();
        }
    }
}
