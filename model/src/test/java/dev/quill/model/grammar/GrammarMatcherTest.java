package dev.quill.model.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The matcher's masks against a brute-force reference: on a small vocabulary, every token's bytes
 * are run through the grammar one by one, and the token is allowed exactly when the grammar takes
 * them all (and, near the end of the budget, still leaves room to finish). Random walks through
 * each schema, choosing only allowed tokens, must end in a document the validator accepts.
 */
class GrammarMatcherTest {
    private static final int EOS = 0;

    /** Every byte but most controls alone, then tokens spanning grammar symbols and UTF-8 pieces. */
    static byte[][] vocabulary() {
        List<byte[]> v = new ArrayList<>();
        v.add(null); // EOS: a special token, no bytes
        for (int b = 0x20; b < 0x7F; b++) {
            v.add(new byte[] {(byte) b});
        }
        v.add(new byte[] {'\n'});
        v.add(new byte[] {'\t'});
        for (String t : new String[] {"{\"", "\":", "\",", "\"}", "\"]", "},", "}}", "]}", "true", "null", "false",
                "12", "-0", ".5", "e+", "name", "\":\"", "\": \"", " \"", ", \"", "\\u00", "\\n", "[{\"", "[]",
                "é", "中文", "😀", "\"\"", "{}", "red\"", "shirt\"", "0,", "1]", "\n ", "  "}) {
            v.add(t.getBytes(StandardCharsets.UTF_8));
        }
        for (int b = 0x80; b <= 0xFF; b++) { // as byte-level and byte-fallback vocabularies have: no dead ends
            v.add(new byte[] {(byte) b});
        }
        v.add(new byte[] {(byte) 0xA9, '"'});                    // its second byte, then a quote
        v.add(new byte[] {(byte) 0xF0, (byte) 0x9F});            // half an emoji
        v.add(new byte[] {(byte) 0x98, (byte) 0x80});            // its other half
        v.add(null);                                             // another special token
        return v.toArray(new byte[0][]);
    }

    @Test
    void masksEqualTheBruteForceReferenceAndEveryWalkEndsValid() {
        byte[][] vocab = vocabulary();
        TokenTrie trie = TokenTrie.of(vocab);
        Map<String, String> schemas = TestSchemas.all();
        for (Map.Entry<String, String> e : schemas.entrySet()) {
            Grammar g = JsonSchemaCompiler.compile(e.getValue());
            SchemaCheck check = new SchemaCheck(e.getValue());
            for (int walk = 0; walk < 20; walk++) {
                int budget = g.minimumLength() + 5 + walk * 4;
                String doc = walk(g, trie, vocab, budget, new Random(walk * 31L + e.getKey().hashCode()));
                assertThat(check.problems(doc)).as("%s: %s", e.getKey(), doc).isEmpty();
            }
        }
    }

    @Test
    void jsonObjectWalksEndInObjects() {
        byte[][] vocab = vocabulary();
        TokenTrie trie = TokenTrie.of(vocab);
        SchemaCheck check = new SchemaCheck("{\"type\":\"object\"}");
        for (int walk = 0; walk < 20; walk++) {
            String doc = walk(JsonSchemaCompiler.anyObject(), trie, vocab, 10 + walk * 5, new Random(walk));
            assertThat(check.problems(doc)).as(doc).isEmpty();
        }
    }

    /** Chooses random allowed tokens until the document is finished or an end token is drawn; checks every mask. */
    private static String walk(Grammar g, TokenTrie trie, byte[][] vocab, int budget, Random random) {
        GrammarMatcher m = new GrammarMatcher(g, () -> trie, Set.of(EOS), budget);
        Automaton reference = new Automaton(g);
        DfaState at = reference.start();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        float[] logits = new float[vocab.length + 3]; // a padded model vocabulary: ids no token has
        float[] out = new float[logits.length];
        for (int left = budget; left > 0 && !m.finished(); left--) {
            List<Integer> expected = bruteForce(reference, at, vocab, left);
            for (int id = 0; id < logits.length; id++) {
                logits[id] = random.nextFloat();
            }
            m.apply(logits, out);
            List<Integer> allowed = new ArrayList<>();
            for (int id = 1; id < out.length; id++) {
                if (out[id] != Float.NEGATIVE_INFINITY) {
                    assertThat(out[id]).isEqualTo(logits[id]);
                    allowed.add(id);
                }
            }
            assertThat(allowed).as("after %s", text).isEqualTo(expected);
            assertThat(out[EOS] != Float.NEGATIVE_INFINITY).isEqualTo(at.accepting);
            if (at.accepting && (expected.isEmpty() || random.nextInt(4) == 0)) {
                return text.toString(StandardCharsets.UTF_8);
            }
            assertThat(expected).as("nothing allowed after %s (left %d)", text, left).isNotEmpty();
            int token = expected.get(random.nextInt(expected.size()));
            m.accept(token);
            text.writeBytes(vocab[token]);
            for (byte b : vocab[token]) {
                at = reference.step(at, b & 0xFF);
            }
        }
        assertThat(m.accepting()).as("budget %d: %s", budget, text).isTrue();
        return text.toString(StandardCharsets.UTF_8);
    }

    /** Tokens whose every byte the grammar takes, leaving at most {@code left - 1} bytes to finish. */
    private static List<Integer> bruteForce(Automaton a, DfaState from, byte[][] vocab, int left) {
        List<Integer> live = new ArrayList<>();
        List<Integer> withinBudget = new ArrayList<>();
        for (int id = 0; id < vocab.length; id++) {
            if (vocab[id] == null) {
                continue;
            }
            DfaState s = from;
            for (byte b : vocab[id]) {
                s = a.step(s, b & 0xFF);
            }
            if (!s.dead()) {
                live.add(id);
                if (s.distance <= left - 1) {
                    withinBudget.add(id);
                }
            }
        }
        return withinBudget.isEmpty() && !from.accepting ? live : withinBudget;
    }

    @Test
    void aTokenTheGrammarRefusesIsAnError() {
        byte[][] vocab = vocabulary();
        GrammarMatcher m = new GrammarMatcher(JsonSchemaCompiler.anyObject(), () -> TokenTrie.of(vocab), Set.of(EOS), 50);
        int x = 1 + ('x' - 0x20);
        assertThatThrownBy(() -> m.accept(x)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> m.accept(EOS)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theTrieHoldsEveryTokenWithBytesOnce() {
        byte[][] vocab = vocabulary();
        TokenTrie trie = TokenTrie.of(vocab);
        int withBytes = (int) java.util.Arrays.stream(vocab).filter(b -> b != null).count();
        assertThat(trie.tokens).hasSize(withBytes).doesNotHaveDuplicates();
        for (int n = 1; n < trie.nodes(); n++) {
            assertThat(trie.subtree[n]).isPositive();
            assertThat(n + trie.subtree[n]).isLessThanOrEqualTo(trie.nodes());
        }
    }
}
