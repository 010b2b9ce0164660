package dev.quill.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import java.util.Random;

/** Length distributions and arrival schedules: parsing, ranges, and the Poisson gaps' mean. */
class DistributionTest {

    @Test
    void parsesTheThreeForms() {
        assertThat(Distribution.parse("128")).isEqualTo(new Distribution.Fixed(128));
        assertThat(Distribution.parse("64..256")).isEqualTo(new Distribution.Uniform(64, 256));
        assertThat(Distribution.parse("uniform:8..9")).isEqualTo(new Distribution.Uniform(8, 9));
        assertThat(Distribution.parse("normal:100,10")).isEqualTo(new Distribution.Normal(100, 10));
        assertThatThrownBy(() -> Distribution.parse("lots")).hasMessageContaining("not a length distribution");
        assertThatThrownBy(() -> Distribution.parse("normal:5")).hasMessageContaining("not a length distribution");
        assertThatThrownBy(() -> Distribution.parse("9..3")).hasMessageContaining("a <= b");
        assertThatThrownBy(() -> Distribution.parse("0")).hasMessageContaining("at least 1");
    }

    @Test
    void samplesStayInRangeAndNeverBelowOne() {
        Random r = new Random(1);
        Distribution u = Distribution.parse("3..5");
        Distribution n = Distribution.parse("normal:2,10");
        boolean[] seen = new boolean[6];
        for (int i = 0; i < 2000; i++) {
            int v = u.sample(r);
            assertThat(v).isBetween(3, 5);
            seen[v] = true;
            assertThat(n.sample(r)).isGreaterThanOrEqualTo(1);
        }
        assertThat(seen[3] && seen[4] && seen[5]).isTrue(); // both ends are reachable
    }

    @Test
    void poissonGapsAverageOneOverTheRate() {
        ArrivalSchedule.Poisson p = new ArrivalSchedule.Poisson(50);
        Random r = new Random(7);
        int n = 20_000;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            long gap = p.nextGapNanos(r);
            assertThat(gap).isNotNegative();
            sum += gap;
        }
        assertThat(sum / n / 1e9).isCloseTo(1.0 / 50, within(0.02 / 50 * 3)); // ~3 standard errors
        assertThatThrownBy(() -> new ArrivalSchedule.Poisson(0)).hasMessageContaining("--rate");
    }
}
