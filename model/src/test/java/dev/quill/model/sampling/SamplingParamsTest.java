package dev.quill.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SamplingParamsTest {

    @Test
    void defaultsTurnEveryStageOff() {
        SamplingParams p = SamplingParams.defaults();
        assertThat(p.temperature()).isEqualTo(1.0);
        assertThat(p.topK()).isZero();
        assertThat(p.topP()).isEqualTo(1.0);
        assertThat(p.minP()).isZero();
        assertThat(p.hasPenalties()).isFalse();
        assertThat(p.seed()).isNull();
        assertThat(p.maxTokens()).isEqualTo(SamplingParams.DEFAULT_MAX_TOKENS);
        assertThat(p.stopTokenIds()).isEmpty();
        assertThat(p.stopStrings()).isEmpty();
        assertThat(p.ignoreEos()).isFalse();
        assertThat(p.isGreedy()).isFalse();
    }

    @Test
    void greedyIsTemperatureZero() {
        assertThat(SamplingParams.greedy().isGreedy()).isTrue();
        assertThat(SamplingParams.greedy().temperature()).isZero();
    }

    @Test
    void temperaturesBelowTheThresholdAreGreedyToo() {
        for (double t : new double[] {Double.MIN_VALUE, 5e-324, 1e-320, 1e-300, 9.99e-6}) {
            assertThat(SamplingParams.builder().temperature(t).build().isGreedy()).as("T=%s", t).isTrue();
        }
        assertThat(SamplingParams.builder().temperature(SamplingParams.GREEDY_BELOW).build().isGreedy()).isFalse();
        assertThat(SamplingParams.builder().temperature(0.01).build().isGreedy()).isFalse();
    }

    @Test
    void builderSetsEveryField() {
        SamplingParams p = SamplingParams.builder()
                .temperature(0.7).topK(40).topP(0.9).minP(0.05)
                .repetitionPenalty(1.1).presencePenalty(0.5).frequencyPenalty(-0.5)
                .seed(42L).maxTokens(100).stopTokenIds(Set.of(2, 50256)).stopStrings("\n\n", "User:")
                .ignoreEos(true).build();
        assertThat(p).isEqualTo(new SamplingParams(0.7, 40, 0.9, 0.05, 1.1, 0.5, -0.5, 42L, 100,
                Set.of(2, 50256), List.of("\n\n", "User:"), true));
        assertThat(p.hasPenalties()).isTrue();
        assertThat(p.toBuilder().topK(0).build().topK()).isZero();
        assertThat(p.toBuilder().build()).isEqualTo(p);
    }

    @Test
    void boundariesOfEachRangeAreAccepted() {
        SamplingParams.builder().temperature(0).temperature(2).build();
        SamplingParams.builder().temperature(2).topP(1).minP(1).presencePenalty(-2).frequencyPenalty(2).build();
        SamplingParams.builder().topP(1e-9).minP(0).presencePenalty(2).frequencyPenalty(-2)
                .repetitionPenalty(1e-3).maxTokens(1).build();
        SamplingParams.builder().stopStrings(java.util.Collections.nCopies(SamplingParams.MAX_STOP_STRINGS,
                "x".repeat(SamplingParams.MAX_STOP_CHARS))).build();
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("temperature", "in [0, 2], got -0.1", b -> b.temperature(-0.1)),
                bad("temperature", "in [0, 2], got 2.5", b -> b.temperature(2.5)),
                bad("temperature", "in [0, 2], got NaN", b -> b.temperature(Double.NaN)),
                bad("top_k", ">= 0", b -> b.topK(-1)),
                bad("top_p", "in (0, 1], got 0.0", b -> b.topP(0)),
                bad("top_p", "in (0, 1], got 1.5", b -> b.topP(1.5)),
                bad("min_p", "in [0, 1], got -0.5", b -> b.minP(-0.5)),
                bad("min_p", "in [0, 1], got 1.01", b -> b.minP(1.01)),
                bad("repetition_penalty", "> 0", b -> b.repetitionPenalty(0)),
                bad("repetition_penalty", "> 0", b -> b.repetitionPenalty(Double.POSITIVE_INFINITY)),
                bad("presence_penalty", "in [-2, 2], got 2.1", b -> b.presencePenalty(2.1)),
                bad("frequency_penalty", "in [-2, 2], got -3.0", b -> b.frequencyPenalty(-3)),
                bad("max_tokens", ">= 1, got 0", b -> b.maxTokens(0)),
                bad("stop_token_ids", ">= 0, got -1", b -> b.stopTokenIds(Set.of(-1))),
                bad("stop_token_ids", "", b -> b.stopTokenIds(null)),
                bad("stop", "non-empty", b -> b.stopStrings("ok", "")),
                bad("stop", "non-empty", b -> b.stopStrings(Arrays.asList("ok", null))),
                bad("stop", "", b -> b.stopStrings((List<String>) null)),
                bad("stop", "at most 16 strings, got 17", b -> b.stopStrings(java.util.Collections.nCopies(17, "x"))),
                bad("stop", "at most 512 characters, got 513 characters", b -> b.stopStrings("x".repeat(513))));
    }

    private static Arguments bad(String param, String detail, UnaryOperator<SamplingParams.Builder> edit) {
        return Arguments.of(param, detail, edit);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("invalid")
    void invalidValuesNameTheParameterAndRange(String param, String detail,
            UnaryOperator<SamplingParams.Builder> edit) {
        assertThatThrownBy(() -> edit.apply(SamplingParams.builder()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .isInstanceOf(InvalidSamplingParamException.class)
                .hasMessageStartingWith(param + " must be ")
                .hasMessageContaining(detail)
                .satisfies(e -> assertThat(((InvalidSamplingParamException) e).param()).isEqualTo(param));
    }

    @Test
    void stopCollectionsAreImmutableCopies() {
        List<String> stops = new ArrayList<>(List.of("a"));
        Set<Integer> ids = new HashSet<>(Set.of(1));
        SamplingParams p = SamplingParams.builder().stopStrings(stops).stopTokenIds(ids).build();
        stops.add("b");
        ids.add(2);
        assertThat(p.stopStrings()).containsExactly("a");
        assertThat(p.stopTokenIds()).containsExactly(1);
        assertThatThrownBy(() -> p.stopStrings().add("c")).isInstanceOf(UnsupportedOperationException.class);
    }
}
