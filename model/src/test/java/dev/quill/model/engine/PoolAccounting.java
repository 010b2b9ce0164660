package dev.quill.model.engine;

import dev.quill.model.decoder.KvCache;
import dev.quill.model.sampling.SamplingParams;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;

/**
 * The KV pool's accounting under many chat sessions, with the real scheduler and block pool and no
 * model (bookkeeping only): {@code sessions} conversations of {@code turns} turns each, shaped like
 * the load tester's chat (a 16-48-word message, about 1.3 tokens a word plus 8 of template; a
 * 32-96-token answer), every session's next turn queued as soon as its last one ends, so the
 * sessions come round in turn as on a busy server. Prints the blocks held and cached at the peak,
 * their bytes at GPT-2 small's 72 KiB a token, and the prompt tokens taken from the cache.
 *
 * <pre>
 * ./mvnw -q -B -pl model test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.quill.model.engine.PoolAccounting -Dexec.args="256 4 64 65536"
 * </pre>
 * Arguments: sessions, turns, slots, pool tokens.
 */
public final class PoolAccounting {

    private static final long GPT2_BYTES_PER_TOKEN = 2L * 12 * 12 * 64 * 4;

    /** Text that is just the token id. */
    private static final class IdText implements TextStream {
        @Override
        public String push(int tokenId) {
            return "";
        }

        @Override
        public boolean stopped() {
            return false;
        }

        @Override
        public String flush() {
            return "";
        }
    }

    public static void main(String[] args) {
        int sessions = Integer.parseInt(args[0]);
        int turns = Integer.parseInt(args[1]);
        int slots = Integer.parseInt(args[2]);
        long poolTokens = Long.parseLong(args[3]);
        EngineMetrics metrics = new EngineMetrics();
        Scheduler scheduler = new Scheduler(slots, new BlockPool((int) (poolTokens / KvCache.BLOCK_SIZE)),
                new EngineOptions(sessions, 512, true), metrics);
        Random rnd = new Random(1);
        int[][] history = new int[sessions][0];
        int[] turnOf = new int[sessions];
        Sequence[] current = new Sequence[sessions];
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        for (int s = 0; s < sessions; s++) {
            ready.add(s);
        }
        long peakHeld = 0;
        long peakUsed = 0;
        long previousTurnTokens = 0;   // prompt + answer of the turns that had a next turn
        long reusedOfPrevious = 0;
        int nextToken = 1000;
        while (true) {
            while (!ready.isEmpty()) {
                int s = ready.poll();
                int words = 16 + rnd.nextInt(33);
                int[] message = new int[8 + words * 13 / 10];
                for (int i = 0; i < message.length; i++) {
                    message[i] = nextToken++;   // new text never seen before
                }
                int[] prompt = concat(history[s], message);
                SamplingParams p = SamplingParams.builder().temperature(0).maxTokens(32 + rnd.nextInt(65))
                        .ignoreEos(true).build();
                current[s] = new Sequence(s, prompt, p, null, new IdText(), Set.of(), 1024, () -> { });
                scheduler.enqueue(current[s]);
            }
            StepPlan plan = scheduler.schedule();
            if (plan.isEmpty()) {
                break;
            }
            for (StepPlan.Chunk c : plan.chunks()) {
                scheduler.advance(c, c.samples() ? nextToken++ : -1);
            }
            BlockPool pool = scheduler.pool();
            peakHeld = Math.max(peakHeld, pool.heldBlocks());
            peakUsed = Math.max(peakUsed, pool.heldBlocks() + pool.cachedBlocks());
            for (int s = 0; s < sessions; s++) {
                Sequence q = current[s];
                if (q != null && q.finish != null) {
                    if (turnOf[s] > 0) {
                        previousTurnTokens += history[s].length;
                        reusedOfPrevious += Math.min(q.cachedTokens, history[s].length);
                    }
                    history[s] = Arrays.copyOf(q.tokens, q.length);
                    current[s] = null;
                    if (++turnOf[s] < turns) {
                        ready.add(s);
                    }
                }
            }
        }
        EngineMetrics.Snapshot m = metrics.snapshot();
        System.out.printf("%d sessions x %d turns, %d slots, pool %d tokens (%.2f GiB at GPT-2 small)%n", sessions, turns,
                slots, poolTokens, poolTokens * GPT2_BYTES_PER_TOKEN / (double) (1L << 30));
        System.out.printf("  peak blocks held by running sequences: %d (%.2f GiB); held + cached: %d (%.2f GiB)%n",
                peakHeld, gib(peakHeld), peakUsed, gib(peakUsed));
        System.out.printf("  prompt tokens from the cache: %d of %d (%.1f%%); of the previous turn's tokens: %.1f%%%n",
                m.prefixTokensReused(), m.promptTokens(), 100.0 * m.prefixTokensReused() / m.promptTokens(),
                100.0 * reusedOfPrevious / Math.max(1, previousTurnTokens));
    }

    private static double gib(long blocks) {
        return blocks * KvCache.BLOCK_SIZE * GPT2_BYTES_PER_TOKEN / (double) (1L << 30);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
