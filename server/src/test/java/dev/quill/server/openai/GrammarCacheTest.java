package dev.quill.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.grammar.Grammar;
import org.junit.jupiter.api.Test;

/** A schema is compiled once and shared; the cache keeps at most its bound, oldest out first. */
class GrammarCacheTest {

    private static String schema(int i) {
        return "{\"type\":\"object\",\"properties\":{\"f" + i + "\":{\"type\":\"integer\"}},\"required\":[\"f" + i + "\"]}";
    }

    @Test
    void theSameSchemaIsCompiledOnceAndTheCacheStaysBounded() {
        Grammar first = GrammarCache.compile(schema(-1));
        assertThat(GrammarCache.compile(schema(-1))).isSameAs(first);
        for (int i = 0; i < GrammarCache.MAX_ENTRIES + 10; i++) {
            GrammarCache.compile(schema(i));
            GrammarCache.compile(schema(-1)); // used again and again: the one kept however many come after
        }
        assertThat(GrammarCache.size()).isEqualTo(GrammarCache.MAX_ENTRIES);
        assertThat(GrammarCache.compile(schema(-1))).isSameAs(first);
        Grammar oldest = GrammarCache.compile(schema(0)); // evicted long ago: compiled anew
        assertThat(oldest).isNotNull();
        assertThat(GrammarCache.compile(schema(0))).isSameAs(oldest);
    }
}
