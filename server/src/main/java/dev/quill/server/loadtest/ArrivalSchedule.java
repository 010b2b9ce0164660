package dev.quill.server.loadtest;

import java.util.Random;

/**
 * When the next request is sent. {@link Closed}: a fixed number of requests in flight, the next
 * one leaving as soon as one finishes (a closed loop: the server's speed sets the rate).
 * {@link Poisson}: requests arrive at random with exponential gaps of mean {@code 1/rate}
 * whatever the server does (an open loop: a slow server builds a queue, as real users would).
 */
public sealed interface ArrivalSchedule {

    /** For the result file. */
    String describe();

    record Closed(int concurrency) implements ArrivalSchedule {
        public Closed {
            if (concurrency < 1) {
                throw new IllegalArgumentException("--concurrency must be at least 1");
            }
        }

        @Override
        public String describe() {
            return "concurrency " + concurrency;
        }
    }

    record Poisson(double ratePerSecond) implements ArrivalSchedule {
        public Poisson {
            if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
                throw new IllegalArgumentException("--rate must be a positive number of requests per second");
            }
        }

        /** The gap before the next arrival: exponential with mean 1/rate (inverse transform). */
        public long nextGapNanos(Random random) {
            double u = random.nextDouble(); // [0, 1): 1 - u is never 0, so the log is finite
            return Math.round(-Math.log(1 - u) / ratePerSecond * 1e9);
        }

        @Override
        public String describe() {
            return "poisson " + ratePerSecond + "/s";
        }
    }
}
