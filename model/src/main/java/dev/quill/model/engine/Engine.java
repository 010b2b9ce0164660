package dev.quill.model.engine;

import dev.quill.model.decoder.Decoder;
import dev.quill.model.decoder.SequenceChunk;
import dev.quill.model.tokenizer.TextTokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One worker thread that owns the decoder (its device, native memory and KV cache) and decodes
 * every submitted conversation together: each step schedules, runs one batched forward pass,
 * samples each sequence with its own parameters, streams, and retires finished sequences.
 *
 * <p>{@link #submit} and {@link RequestHandle#cancel} may be called from any thread and never
 * block; everything else happens on the worker.
 */
public final class Engine implements AutoCloseable {

    private static final long ARRAY_COUNT_INTERVAL_NANOS = 1_000_000_000L;

    private final Decoder decoder;
    private final TextTokenizer tokenizer;
    private final Set<Integer> eosIds;
    private final EngineOptions options;
    private final EngineMetrics metrics = new EngineMetrics();
    private final Scheduler scheduler;
    private final ConcurrentLinkedQueue<Sequence> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger(); // submitted, not yet admitted to a slot
    private final AtomicLong ids = new AtomicLong();
    private final Thread worker;
    private volatile boolean stopping;
    private long arraysCountedAt;      // System.nanoTime() of the last count; engine thread only
    private long arraysCountedAtStep;  // steps taken when it was made; engine thread only

    public Engine(Decoder decoder, TextTokenizer tokenizer, Set<Integer> eosIds, EngineOptions options) {
        this.decoder = decoder;
        this.tokenizer = tokenizer;
        this.eosIds = Set.copyOf(eosIds);
        this.options = options;
        this.scheduler = new Scheduler(decoder.cache().slots(), options, metrics);
        this.metrics.kvTokenCapacity.set((long) decoder.cache().slots() * decoder.maxLength());
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
     *     the prompt plus max_tokens cannot fit the context, INVALID_REQUEST for an empty prompt,
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
        long need = (long) prompt.length + request.params().maxTokens(); // long: max_tokens may be near 2^31
        if (need > decoder.maxLength()) {
            throw new EngineError(EngineError.Code.CONTEXT_LENGTH_EXCEEDED, "the prompt (" + prompt.length
                    + " tokens) plus max_tokens (" + request.params().maxTokens() + ") exceeds the context of "
                    + decoder.maxLength() + " tokens");
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
        Sequence s = new Sequence(ids.incrementAndGet(), prompt, request.params(), request.listener(),
                new DetokenizingStream(tokenizer, request.params().stopStrings()), eosIds, decoder.maxLength(),
                this::wake);
        inbox.add(s);
        metrics.queueDepth.set(queued.get());
        wake();
        return s;
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
                org.slf4j.LoggerFactory.getLogger(Engine.class).error("engine step failed", e);
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
        float[][] logits;
        try {
            logits = forward(plan);
        } catch (RuntimeException e) {
            scheduler.failAll(plan, new EngineError(EngineError.Code.INTERNAL, "model step failed: " + e.getMessage(), e));
            return;
        }
        int[] sampled = new int[logits.length];
        for (int i = 0; i < sampled.length; i++) {
            StepPlan.Chunk c = plan.chunks().get(i);
            if (c.samples()) {
                sampled[i] = c.sequence().sampler.sample(logits[i], c.sequence().history);
            }
        }
        scheduler.update(plan, sampled);
        metrics.steps.increment();
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
     * Runs the plan's chunks: all one-token decodes in one batched pass, and each prompt chunk in
     * a pass of its own. One padded pass for both would compute every decode row as wide as the
     * longest prompt chunk (16 decodes beside a 128-token chunk: 2048 rows for 143 tokens).
     */
    private float[][] forward(StepPlan plan) {
        List<StepPlan.Chunk> chunks = plan.chunks();
        float[][] logits = new float[chunks.size()][];
        List<SequenceChunk> decodes = new ArrayList<>();
        List<Integer> decodeRows = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            StepPlan.Chunk c = chunks.get(i);
            SequenceChunk sc = new SequenceChunk(c.sequence().slot, c.start(), c.tokens());
            if (c.tokens().length == 1) {
                decodes.add(sc);
                decodeRows.add(i);
            } else {
                logits[i] = decoder.forward(List.of(sc))[0];
            }
        }
        if (!decodes.isEmpty()) {
            float[][] out = decoder.forward(decodes);
            for (int j = 0; j < out.length; j++) {
                logits[decodeRows.get(j)] = out[j];
            }
        }
        return logits;
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
