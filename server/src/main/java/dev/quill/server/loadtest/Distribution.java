package dev.quill.server.loadtest;

import java.util.Random;

/**
 * A length in tokens drawn per request: prompt lengths and answer lengths ({@code max_tokens}).
 * Written on the command line as {@code 128} (fixed), {@code uniform:64..256} or {@code 64..256}
 * (every integer in the closed range equally likely) and {@code normal:128,32} (mean, standard
 * deviation; rounded). Every draw is at least 1.
 */
public sealed interface Distribution {

    int sample(Random random);

    /** What the flag said, for the result file. */
    String describe();

    record Fixed(int value) implements Distribution {
        public Fixed {
            if (value < 1) {
                throw new IllegalArgumentException("a length must be at least 1, got " + value);
            }
        }

        @Override
        public int sample(Random random) {
            return value;
        }

        @Override
        public String describe() {
            return Integer.toString(value);
        }
    }

    record Uniform(int min, int max) implements Distribution {
        public Uniform {
            if (min < 1 || max < min) {
                throw new IllegalArgumentException("uniform needs 1 <= a <= b, got " + min + ".." + max);
            }
        }

        @Override
        public int sample(Random random) {
            return min + random.nextInt(max - min + 1);
        }

        @Override
        public String describe() {
            return "uniform:" + min + ".." + max;
        }
    }

    record Normal(double mean, double sd) implements Distribution {
        public Normal {
            if (mean < 1 || sd < 0) {
                throw new IllegalArgumentException("normal needs mean >= 1 and sd >= 0, got " + mean + "," + sd);
            }
        }

        @Override
        public int sample(Random random) {
            return (int) Math.max(1, Math.round(mean + sd * random.nextGaussian()));
        }

        @Override
        public String describe() {
            return "normal:" + mean + "," + sd;
        }
    }

    /** Parses the command-line form; throws IllegalArgumentException naming what is wrong. */
    static Distribution parse(String text) {
        String s = text.trim();
        try {
            if (s.startsWith("normal:")) {
                String[] p = s.substring(7).split(",");
                if (p.length != 2) {
                    throw new NumberFormatException("normal takes two numbers");
                }
                return new Normal(Double.parseDouble(p[0].trim()), Double.parseDouble(p[1].trim()));
            }
            if (s.startsWith("uniform:")) {
                s = s.substring(8);
            }
            int dots = s.indexOf("..");
            if (dots >= 0) {
                return new Uniform(Integer.parseInt(s.substring(0, dots).trim()), Integer.parseInt(s.substring(dots + 2).trim()));
            }
            return new Fixed(Integer.parseInt(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a length distribution (N, uniform:A..B, normal:MEAN,SD)");
        }
    }
}
