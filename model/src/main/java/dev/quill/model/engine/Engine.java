package dev.quill.model.engine;

import dev.quill.model.decoder.Decoder;
import dev.quill.model.decoder.KvCache;
import dev.quill.model.grammar.GrammarMatcher;
import dev.quill.model.grammar.TokenTrieSource;
import dev.quill.model.sampling.SamplingParams;
import dev.quill.model.tokenizer.TextTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One worker thread that owns the decoder (its device, native memory and KV cache) and decodes
 * every submitted conversation together: each step schedules, runs one packed forward pass over
 * every scheduled token (decodes and prompt chunks alike), samples each sequence with its own
 * parameters, streams, and retires finished sequences.
 *
 * <p>Isolation: whatever one sequence brings (its parameters, its logits, its listener, its text
 * stream) can end that sequence alone. A pass that fails is rerun without the chunk that makes it
 * fail ({@link ModelRunner}); a sampler or listener that throws fails its own sequence, which gets
 * {@link TokenListener#onError} (INTERNAL) and frees its slot in the same step.
 *
 * <p>{@link #submit} and {@link RequestHandle#cancel} may be called from any thread and never
 * block; everything else happens on the worker.
 */
public final class Engine implements AutoCloseable {

    private static final long ARRAY_COUNT_INTERVAL_NANOS = 1_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final Decoder decoder;
    private final TextTokenizer tokenizer;
    private final Set<Integer> eosIds;
    private final EngineOptions options;
    private final EngineMetrics metrics = new EngineMetrics();
    private final Scheduler scheduler;
    private final ModelRunner runner;
    private final ConcurrentLinkedQueue<Sequence> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger(); // submitted, not yet admitted to a slot
    private final AtomicLong ids = new AtomicLong();
    private final TokenTrieSource tokenTrie; // for constrained requests; built on the first one
    private final Thread worker;
    private volatile boolean stopping;
    private long arraysCountedAt;      // System.nanoTime() of the last count; engine thread only
    private long arraysCountedAtStep;  // steps taken when it was made; engine thread only

    public Engine(Decoder decoder, TextTokenizer tokenizer, Set<Integer> eosIds, EngineOptions options) {
        this(decoder, decoder::forward, tokenizer, eosIds, options);
    }

    /** With the decoder's passes run through {@code pass}: a seam for tests that poison one sequence. */
    Engine(Decoder decoder, ForwardPass pass, TextTokenizer tokenizer, Set<Integer> eosIds, EngineOptions options) {
        this(decoder, pass, tokenizer, eosIds, options, ModelRunner.Passes.ONE_PER_STEP);
    }

    /** With a step's chunks grouped into passes as {@code passes} says: for EngineBenchmark's comparison. */
    Engine(Decoder decoder, ForwardPass pass, TextTokenizer tokenizer, Set<Integer> eosIds, EngineOptions options,
            ModelRunner.Passes passes) {
        this.decoder = decoder;
        this.runner = new ModelRunner(pass, passes, decoder::forwardScored);
        this.tokenizer = tokenizer;
        this.eosIds = Set.copyOf(eosIds);
        this.options = options;
        this.scheduler = new Scheduler(decoder.cache().slots(), new BlockPool(decoder.cache().blocks()), options, metrics);
        this.tokenTrie = new TokenTrieSource(tokenizer.file());
        this.metrics.kvTokenCapacity.set((long) decoder.cache().blocks() * KvCache.BLOCK_SIZE);
        this.metrics.kvBlocks.set(decoder.cache().blocks());
        this.metrics.kvBytesPerBlock.set(decoder.cache().bytesPerToken() * KvCache.BLOCK_SIZE);
        countLiveArrays(); // before the worker starts, so the gauge is never a meaningless 0
        this.worker = new Thread(this::loop, "quill-engine");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    public EngineMetrics metrics() {
        return metrics;
    }

    /** The context a request must fit: prompt plus max_tokens. */
    public int maxLength() {
        return decoder.maxLength();
    }

    /**
     * Queues a request. Never blocks.
     *
     * @throws EngineError OVERLOADED when the waiting queue is full, CONTEXT_LENGTH_EXCEEDED when
     *     the prompt plus max_tokens cannot fit the context, KV_CACHE_FULL when they could never fit
     *     the whole KV pool, INVALID_REQUEST for an empty prompt,
     *     SHUTTING_DOWN once {@link #close} has begun
     */
    public RequestHandle submit(GenerationRequest request) {
        int[] prompt = request.promptIds();
        if (stopping) {
            throw new EngineError(EngineError.Code.SHUTTING_DOWN, "the engine is shutting down");
        }
        if (prompt.length == 0) {
            throw new EngineError(EngineError.Code.INVALID_REQUEST, "the prompt is empty");
        }
        long need = (long) prompt.length + request.params().maxTokens(); // max_tokens may be Integer.MAX_VALUE
        if (need > decoder.maxLength()) {
            throw new EngineError(EngineError.Code.CONTEXT_LENGTH_EXCEEDED, "the prompt (" + prompt.length
                    + " tokens) plus max_tokens (" + request.params().maxTokens() + ") exceeds the context of "
                    + decoder.maxLength() + " tokens");
        }
        int blocks = KvCache.blocksFor((int) Math.min(need, decoder.maxLength()));
        if (blocks > decoder.cache().blocks()) {
            throw new EngineError(EngineError.Code.KV_CACHE_FULL, "the prompt (" + prompt.length + " tokens) plus max_tokens ("
                    + request.params().maxTokens() + ") needs " + blocks + " KV cache blocks of " + KvCache.BLOCK_SIZE
                    + " tokens, more than the whole cache holds (" + decoder.cache().blocks() + "): lower max_tokens");
        }
        for (int id : prompt) {
            if (id < 0 || id >= decoder.config().vocabSize()) {
                throw new EngineError(EngineError.Code.INVALID_REQUEST, "token id " + id + " is outside the vocabulary");
            }
        }
        if (queued.incrementAndGet() > options.maxWaiting() + freeSlotsHint()) {
            queued.decrementAndGet();
            throw new EngineError(EngineError.Code.OVERLOADED, "the server is busy: " + options.maxWaiting()
                    + " requests are already waiting");
        }
        Sequence s = new Sequence(ids.incrementAndGet(), prompt, request.params(), grammarMatcher(request),
                request.listener(), new DetokenizingStream(tokenizer, request.params().stopStrings()), eosIds,
                decoder.maxLength(), this::wake);
        metrics.requestsSubmitted.increment();
        inbox.add(s);
        metrics.queueDepth.set(queued.get());
        wake();
        return s;
    }

    /**
     * The request's grammar as a matcher, or null. Its masks need the token trie, which a
     * background thread starts building now; the engine thread waits for it at the first mask.
     */
    private GrammarMatcher grammarMatcher(GenerationRequest request) {
        if (request.grammar() == null) {
            return null;
        }
        tokenTrie.start();
        SamplingParams p = request.params();
        java.util.Set<Integer> ends = new java.util.HashSet<>(p.stopTokenIds());
        if (!p.ignoreEos()) {
            ends.addAll(eosIds);
        }
        int budget = Math.min(p.maxTokens(), decoder.maxLength() - request.promptIds().length);
        return new GrammarMatcher(request.grammar(), tokenTrie, ends, budget);
    }

    /** Slots not owned by a running sequence; requests that will be admitted at once do not wait. */
    private int freeSlotsHint() {
        return (int) Math.max(0, decoder.cache().slots() - metrics.running.get());
    }

    private void wake() {
        LockSupport.unpark(worker);
    }

    private void loop() {
        while (!stopping) {
            try {
                step();
            } catch (RuntimeException | Error e) {
                // step() handles model failures itself; this guards the loop against bugs
                LOG.error("engine step failed", e);
            }
        }
        scheduler.failEverything(new EngineError(EngineError.Code.SHUTTING_DOWN, "the engine shut down"));
        for (Sequence s; (s = inbox.poll()) != null; ) {
            s.fail(new EngineError(EngineError.Code.SHUTTING_DOWN, "the engine shut down"));
        }
    }

    /** One step = one forward pass over every scheduled sequence. Runs only on the worker thread. */
    private void step() {
        for (Sequence s; (s = inbox.poll()) != null; ) {
            scheduler.enqueue(s);
        }
        int waitingBefore = scheduler.waitingCount();
        StepPlan plan = scheduler.schedule();
        queued.addAndGet(scheduler.waitingCount() - waitingBefore); // admitted or cancelled while waiting
        publishGauges();
        if (plan.isEmpty()) {
            if (inbox.isEmpty()) {
                if (arraysCountedAtStep != metrics.steps.sum()) {
                    countLiveArrays(); // going idle: the gauge holds what is left after the last request
                }
                LockSupport.park(this); // submit() and cancel() unpark
            }
            return;
        }
        ModelRunner.Output out = runner.execute(plan);
        metrics.steps.increment(); // before update() delivers its tokens: a client that saw them sees the step counted
        update(plan, out);
        publishGauges();
        if (System.nanoTime() - arraysCountedAt >= ARRAY_COUNT_INTERVAL_NANOS) {
            countLiveArrays(); // while busy, at most once a second: a count walks every array
        }
    }

    /**
     * Sets the live-arrays gauge. Called only between steps, when no pass's temporaries exist,
     * so the count stays flat for the life of the process unless an array leaks.
     */
    private void countLiveArrays() {
        metrics.nativeArraysLive.set(decoder.liveArrays());
        arraysCountedAt = System.nanoTime();
        arraysCountedAtStep = metrics.steps.sum();
    }

    /**
     * Samples and records each chunk on its own, so that whatever fails (its pass, its logits,
     * its sampled id, its text stream, its listener) ends only its sequence.
     */
    private void update(StepPlan plan, ModelRunner.Output out) {
        List<StepPlan.Chunk> chunks = plan.chunks();
        for (int i = 0; i < chunks.size(); i++) {
            StepPlan.Chunk c = chunks.get(i);
            if (out.failures()[i] != null) {
                fail(c.sequence(), "the model step failed for this request", out.failures()[i]);
                continue;
            }
            int token;
            try {
                if (out.scores()[i] != null) {
                    PromptScores.deliver(c, out.scores()[i]); // before its first token, if this chunk samples
                }
                token = sample(c, out.logits()[i]);
            } catch (RuntimeException | Error e) {
                fail(c.sequence(), "could not sample this request's next token", e);
                continue;
            }
            scheduler.advance(c, token);
        }
    }

    /**
     * The token chunk {@code c} samples, or -1 where it samples none (a prompt chunk short of the
     * end, or a sequence cancelled meanwhile).
     *
     * @throws IllegalArgumentException from the sampler: NaN logits, or none above -inf
     * @throws IllegalStateException for a token outside the vocabulary, which must never reach a
     *     forward pass (it would fail the whole batch there)
     */
    private static int sample(StepPlan.Chunk c, float[] logits) {
        Sequence s = c.sequence();
        if (!c.samples() || s.cancelled()) {
            return -1;
        }
        int token = s.sampler.sample(logits, s.history);
        if (token < 0 || token >= logits.length) {
            throw new IllegalStateException("the sampler chose token id " + token + ", outside the vocabulary of "
                    + logits.length);
        }
        return token;
    }

    /** Ends one sequence with INTERNAL; the others in the step go on. */
    private void fail(Sequence s, String what, Throwable cause) {
        LOG.warn("request {}: {}", s.id(), what, cause);
        scheduler.fail(s, EngineError.internal(what, cause));
    }

    private void publishGauges() {
        metrics.queueDepth.set(queued.get());
        metrics.running.set(scheduler.runningCount());
        metrics.kvTokensInUse.set(scheduler.kvTokensInUse());
    }

    /** Stops the worker; waiting and running requests get SHUTTING_DOWN. The decoder stays the caller's. */
    @Override
    public void close() {
        stopping = true;
        wake();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
