package dev.quill.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/**
 * The metrics on a scripted set of requests whose timings are chosen by hand, so every number
 * below was worked out on paper (percentiles interpolated as numpy does).
 */
class SummaryTest {

    private static final long MS = 1_000_000;

    private static RequestRecord ok(int session, long arrival, long start, long[] chunks, long end, int in, int out, int cached) {
        long[] nanos = new long[chunks.length];
        for (int i = 0; i < chunks.length; i++) {
            nanos[i] = chunks[i] * MS;
        }
        return new RequestRecord(session, session, 0, false, RequestRecord.Status.OK, null, arrival * MS, start * MS, nanos,
                end * MS, in, out, cached);
    }

    private static RequestRecord failed(String code, long start, long end) {
        return new RequestRecord(2, 2, 0, false, RequestRecord.Status.FAILED, code, start * MS, start * MS, new long[0],
                end * MS, 0, 0, 0);
    }

    /** TTFT 100, 200, 400 ms; ITLs 20, 30 and 10, 40, 50 ms; TPOT 25 and 110/3 ms; one answer of one token. */
    static final List<RequestRecord> SCRIPT = List.of(
            ok(0, 0, 0, new long[] {100, 120, 150}, 150, 10, 3, 0),
            ok(1, 50, 50, new long[] {250, 260, 300, 350}, 360, 20, 4, 5),
            failed("overloaded", 60, 70),
            new RequestRecord(3, 3, 0, false, RequestRecord.Status.INCOMPLETE, null, 400 * MS, 400 * MS,
                    new long[] {500 * MS}, 2000 * MS, 0, 0, 0),
            failed("overloaded", 800, 900),
            ok(0, 1000, 1100, new long[] {1500}, 1500, 5, 1, 0));

    @Test
    void latenciesAndThroughputFromKnownTimings() {
        Summary s = Summary.of(SCRIPT, 2.0);

        assertThat(s.completed()).isEqualTo(3);
        assertThat(s.failed()).isEqualTo(2);
        assertThat(s.incomplete()).isEqualTo(1);
        assertThat(s.errors()).isEqualTo(Map.of("overloaded", 2));
        assertThat(s.totalInputTokens()).isEqualTo(35);
        assertThat(s.totalOutputTokens()).isEqualTo(8);
        assertThat(s.totalCachedTokens()).isEqualTo(5);

        assertThat(s.requestThroughput()).isCloseTo(1.5, within(1e-12));
        assertThat(s.outputThroughput()).isCloseTo(4.0, within(1e-12));
        assertThat(s.totalTokenThroughput()).isCloseTo(21.5, within(1e-12));
        assertThat(s.maxOutputTokensPerS()).isEqualTo(7.0); // 3 + 4 tokens in the first second
        assertThat(s.maxConcurrentRequests()).isEqualTo(2);

        Percentiles ttft = s.ttftMs();
        assertThat(ttft.count()).isEqualTo(3);
        assertThat(ttft.mean()).isCloseTo(700.0 / 3, within(1e-9));
        assertThat(ttft.median()).isCloseTo(200, within(1e-9));
        assertThat(ttft.std()).isCloseTo(Math.sqrt(140000.0 / 9), within(1e-9));
        assertThat(ttft.p90()).isCloseTo(360, within(1e-9)); // rank 1.8 between 200 and 400
        assertThat(ttft.p99()).isCloseTo(396, within(1e-9));

        Percentiles itl = s.itlMs(); // 10, 20, 30, 40, 50
        assertThat(itl.count()).isEqualTo(5);
        assertThat(itl.mean()).isCloseTo(30, within(1e-9));
        assertThat(itl.median()).isCloseTo(30, within(1e-9));
        assertThat(itl.std()).isCloseTo(Math.sqrt(200), within(1e-9));
        assertThat(itl.p90()).isCloseTo(46, within(1e-9));
        assertThat(itl.p99()).isCloseTo(49.6, within(1e-9));

        Percentiles tpot = s.tpotMs(); // (150-100)/2 and (360-250)/3; the one-token answer has none
        assertThat(tpot.count()).isEqualTo(2);
        assertThat(tpot.mean()).isCloseTo(185.0 / 6, within(1e-9));
        assertThat(tpot.min()).isCloseTo(25, within(1e-9));
        assertThat(tpot.max()).isCloseTo(110.0 / 3, within(1e-9));

        Percentiles e2el = s.e2elMs(); // 150, 310, 400
        assertThat(e2el.mean()).isCloseTo(860.0 / 3, within(1e-9));
        assertThat(e2el.median()).isCloseTo(310, within(1e-9));
        assertThat(e2el.p99()).isCloseTo(398.2, within(1e-9));

        assertThat(s.queueMs().max()).isCloseTo(100, within(1e-9)); // arrived at 1000, sent at 1100
        assertThat(s.queueMs().p90()).isCloseTo(80, within(1e-9));
    }

    @Test
    void nothingMeasuredGivesZerosNotNaN() {
        Summary s = Summary.of(List.of(), 0);
        assertThat(s.requestThroughput()).isZero();
        assertThat(s.ttftMs()).isEqualTo(Percentiles.EMPTY);
        JsonObject j = JsonResult.build(new JsonObject(), null, List.of(), List.of(), 0, 0, 0, new JsonObject());
        assertThat(new JsonObject(j.encode()).getDouble("output_throughput")).isZero(); // valid JSON, no NaN
    }

    @Test
    void timelineCountsTokensFinishesAndMeanRequestsInFlightPerSecond() {
        Timeline t = Timeline.of(SCRIPT, 2000 * MS);
        assertThat(t.outputTokens()).containsExactly(7.0, 1.0, 0.0); // the cut-off request reported no tokens
        assertThat(t.completed()).containsExactly(2, 1, 0);
        assertThat(t.failed()).containsExactly(2, 0, 0);
        // 0.15 + 0.31 + 0.01 + 0.6 + 0.1 s of requests in the first second; the cut-off one all the second
        assertThat(t.meanInFlight()[0]).isCloseTo(1.17, within(1e-12));
        assertThat(t.meanInFlight()[1]).isCloseTo(1.4, within(1e-12));
        assertThat(t.meanInFlight()[2]).isZero(); // it ended exactly at 2 s
    }

    @Test
    void streamedThroughputCountsEveryTokenThatArrivedInTheWindow() {
        // Measured from 1000 to 2000 ms. A warm-up answer still streaming, a measured one, one cut off.
        RequestRecord warmup = new RequestRecord(0, 0, 0, true, RequestRecord.Status.OK, null, 0, 0,
                new long[] {500 * MS, 1200 * MS, 1400 * MS}, 1400 * MS, 10, 3, 0);
        RequestRecord measured = ok(1, 1100, 1100, new long[] {1300, 1500}, 1500, 10, 4, 0); // 2 tokens a chunk
        RequestRecord cutOff = new RequestRecord(2, 2, 0, false, RequestRecord.Status.INCOMPLETE, null, 1200 * MS,
                1200 * MS, new long[] {1600 * MS, 1700 * MS}, 2000 * MS, 10, 2, 0);
        JsonObject j = JsonResult.build(new JsonObject().put("protocol", "ws"), "tiny", List.of(measured, cutOff),
                List.of(warmup, measured, cutOff), 1.0, 1000 * MS, 2000 * MS, new JsonObject().put("source", (String) null));
        assertThat(j.getDouble("output_throughput")).isCloseTo(4.0, within(1e-12)); // the finished measured one
        assertThat(j.getDouble("streamed_output_throughput")).isCloseTo(2 + 4 + 2, within(1e-12)); // 500 ms is outside
    }

    @Test
    void histogramKeepsOutliersOutOfTheBars() {
        double[] values = new double[100];
        for (int i = 0; i < 99; i++) {
            values[i] = i + 1; // 1..99
        }
        values[99] = 10_000;
        Histogram h = Histogram.of(values, 10);
        assertThat(h.overflow()).isEqualTo(1);
        assertThat(h.counts()).hasSize(10);
        assertThat(java.util.Arrays.stream(h.counts()).sum()).isEqualTo(99);
    }

    @Test
    void resultFileUsesVllmNames() {
        List<RequestRecord> measured = SCRIPT;
        JsonObject j = JsonResult.build(new JsonObject().put("protocol", "ws"), "tiny", measured, measured, 2.0, 0,
                2000 * MS, new JsonObject().put("source", (String) null));
        assertThat(j.getInteger("completed")).isEqualTo(3);
        assertThat(j.getInteger("failed")).isEqualTo(2);
        assertThat(j.getDouble("duration")).isEqualTo(2.0);
        assertThat(j.getLong("total_input_tokens")).isEqualTo(35);
        assertThat(j.getLong("total_output_tokens")).isEqualTo(8);
        assertThat(j.getDouble("request_throughput")).isCloseTo(1.5, within(1e-12));
        assertThat(j.getDouble("output_throughput")).isCloseTo(4.0, within(1e-12));
        assertThat(j.getDouble("total_token_throughput")).isCloseTo(21.5, within(1e-12));
        assertThat(j.getDouble("max_output_tokens_per_s")).isEqualTo(7.0);
        assertThat(j.getInteger("max_concurrent_requests")).isEqualTo(2);
        assertThat(j.getDouble("mean_ttft_ms")).isCloseTo(700.0 / 3, within(1e-9));
        assertThat(j.getDouble("median_ttft_ms")).isCloseTo(200, within(1e-9));
        assertThat(j.getDouble("p99_ttft_ms")).isCloseTo(396, within(1e-9));
        assertThat(j.getDouble("p90_itl_ms")).isCloseTo(46, within(1e-9));
        assertThat(j.getDouble("mean_tpot_ms")).isCloseTo(185.0 / 6, within(1e-9));
        assertThat(j.getDouble("median_e2el_ms")).isCloseTo(310, within(1e-9));
        assertThat(j.containsKey("std_e2el_ms")).isTrue();
        assertThat(j.getJsonObject("errors_by_code").getInteger("overloaded")).isEqualTo(2);
        assertThat(j.getJsonArray("errors").getList()).containsExactly("", "", "overloaded", "incomplete", "overloaded", "");
        assertThat(j.getJsonArray("ttfts").getDouble(1)).isCloseTo(0.2, within(1e-12)); // seconds, as vLLM writes them
        assertThat(j.getJsonObject("histograms").getJsonObject("itl_ms").getJsonArray("counts")).hasSize(JsonResult.HISTOGRAM_BINS);
    }
}
