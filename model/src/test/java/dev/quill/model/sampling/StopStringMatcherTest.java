package dev.quill.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StopStringMatcherTest {

    /** Feeds the pieces in order and collects everything emitted, flushing if no stop was hit. */
    private static String stream(StopStringMatcher m, String... pieces) {
        StringBuilder out = new StringBuilder();
        for (String piece : pieces) {
            out.append(m.feed(piece).text());
        }
        return out.append(m.flush()).toString();
    }

    @Test
    void aStopStringSplitAcrossPiecesIsCaughtAndNeverEmitted() {
        StopStringMatcher m = new StopStringMatcher(List.of("o WOR"));
        StopStringMatcher.Result first = m.feed("Hel");
        assertThat(first.text()).isEqualTo("Hel");
        assertThat(first.stopped()).isFalse();
        StopStringMatcher.Result second = m.feed("lo WO");
        assertThat(second.text()).isEqualTo("l"); // "o WO" might start "o WOR": held back
        assertThat(second.stopped()).isFalse();
        StopStringMatcher.Result third = m.feed("RLD");
        assertThat(third.text()).isEmpty();
        assertThat(third.stopped()).isTrue();
        assertThat(third.stopString()).isEqualTo("o WOR");
        assertThat(m.flush()).isEmpty();
        assertThat(m.stopped()).isTrue();
        assertThat(m.matchedStopString()).isEqualTo("o WOR");
    }

    @Test
    void theEarliestOfSeveralStopStringsWins() {
        StopStringMatcher m = new StopStringMatcher(List.of("world", "o w", "END"));
        StopStringMatcher.Result r = m.feed("hello world END");
        assertThat(r.text()).isEqualTo("hell");
        assertThat(r.stopString()).isEqualTo("o w");

        StopStringMatcher n = new StopStringMatcher(List.of("STOP", "END"));
        assertThat(stream(n, "The EN", "D of STOP")).isEqualTo("The ");
        assertThat(n.matchedStopString()).isEqualTo("END");
    }

    @Test
    void aPartialMatchIsHeldBackThenReleasedWhenItFails() {
        StopStringMatcher m = new StopStringMatcher(List.of("</s>"));
        assertThat(m.feed("a <").text()).isEqualTo("a ");
        assertThat(m.feed("/").text()).isEmpty();
        StopStringMatcher.Result r = m.feed("b>");
        assertThat(r.text()).isEqualTo("</b>");
        assertThat(r.stopped()).isFalse();
    }

    @Test
    void flushReleasesAPartialMatchLeftAtTheEnd() {
        StopStringMatcher m = new StopStringMatcher(List.of("</s>"));
        assertThat(m.feed("x </").text()).isEqualTo("x ");
        assertThat(m.flush()).isEqualTo("</");
        assertThat(m.flush()).isEmpty();
        assertThat(m.stopped()).isFalse();
    }

    @Test
    void aStopStringAtTheVeryStartEmitsNothing() {
        StopStringMatcher m = new StopStringMatcher(List.of("STOP"));
        StopStringMatcher.Result r = m.feed("STOP now");
        assertThat(r.text()).isEmpty();
        assertThat(r.stopped()).isTrue();
        assertThat(m.flush()).isEmpty();
    }

    @Test
    void nothingIsEmittedAfterTheStop() {
        StopStringMatcher m = new StopStringMatcher(List.of("\n\n"));
        assertThat(m.feed("one\n").text()).isEqualTo("one");
        assertThat(m.feed("\ntwo").text()).isEmpty();
        StopStringMatcher.Result later = m.feed("three");
        assertThat(later.text()).isEmpty();
        assertThat(later.stopped()).isTrue();
        assertThat(m.flush()).isEmpty();
    }

    @Test
    void characterByCharacterPiecesStillMatch() {
        StopStringMatcher m = new StopStringMatcher(List.of("STOP"));
        assertThat(stream(m, "a", "b", "c", "S", "T", "O", "P", "d")).isEqualTo("abc");
    }

    @Test
    void overlappingPrefixesAreHandled() {
        // "aab" after "aaa...": the held part must slide, not restart.
        StopStringMatcher m = new StopStringMatcher(List.of("aab"));
        assertThat(stream(m, "xa", "a", "a", "a", "b", "c")).isEqualTo("xaa");
    }

    @Test
    void withoutStopStringsEverythingPassesStraightThrough() {
        StopStringMatcher m = new StopStringMatcher(List.of());
        assertThat(m.feed("abc").text()).isEqualTo("abc");
        assertThat(m.flush()).isEmpty();
    }

    @Test
    void emptyStopStringsAreRejected() {
        assertThatThrownBy(() -> new StopStringMatcher(List.of("ok", "")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noCharacterOfAStopStringEverLeaksWhateverTheSplit() {
        List<String> stops = List.of("<|end|>", "User:", "\n\n");
        String[] texts = {
            "Sure <|en Use <| here is\nan answer. User: more <|end|> hidden",
            "<|end|>",
            "a\nb\n\nc",
            "Us Use User User:",
            "no stop here at all <|en",
        };
        Random random = new Random(7);
        for (String text : texts) {
            int first = stops.stream().mapToInt(text::indexOf).filter(i -> i >= 0).min().orElse(text.length());
            String allowed = text.substring(0, first);
            for (int trial = 0; trial < 200; trial++) {
                StopStringMatcher m = new StopStringMatcher(stops);
                StringBuilder out = new StringBuilder();
                for (String piece : randomSplit(text, random)) {
                    out.append(m.feed(piece).text());
                    // Every prefix emitted so far lies inside the allowed text: nothing leaks, even briefly.
                    assertThat(allowed).startsWith(out.toString());
                }
                out.append(m.flush());
                assertThat(out.toString()).isEqualTo(allowed);
                assertThat(m.stopped()).isEqualTo(first < text.length());
            }
        }
    }

    private static List<String> randomSplit(String text, Random random) {
        List<String> pieces = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int end = Math.min(text.length(), i + 1 + random.nextInt(4));
            pieces.add(text.substring(i, end));
            i = end;
        }
        return pieces;
    }
}
