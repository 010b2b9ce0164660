package dev.quill.server.openai;

import dev.quill.model.grammar.Grammar;
import dev.quill.model.grammar.JsonSchemaCompiler;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compiled {@code response_format} schemas, by their JSON text, least recently used first out: an
 * agent sends the same schema with every request, so it is compiled once. A grammar is immutable
 * and shared by every request that names its schema (each sequence has its own matcher). The
 * server serves one tokenizer, so the schema alone is the key; the token masks, which depend on
 * the tokenizer, are the engine's. Bounded by entries and by the schema text they hold. Thread-safe.
 */
final class GrammarCache {
    /** Schemas kept. */
    static final int MAX_ENTRIES = 128;
    /** Characters of schema text kept in all: a body may hold a schema of megabytes, which is not worth keeping. */
    static final long MAX_CHARS = 4L << 20;

    private static final Map<String, Grammar> CACHE = new LinkedHashMap<>(16, 0.75f, true);
    private static long chars;

    private GrammarCache() {
    }

    /** The grammar of {@code schema} (JSON text), compiled now or earlier. */
    static Grammar compile(String schema) {
        synchronized (CACHE) {
            Grammar g = CACHE.get(schema);
            if (g != null) {
                return g;
            }
        }
        Grammar g = JsonSchemaCompiler.compile(schema); // outside the lock: two first requests may both compile
        if (schema.length() <= MAX_CHARS / 8) {
            synchronized (CACHE) {
                if (CACHE.put(schema, g) == null) {
                    chars += schema.length();
                }
                var oldest = CACHE.entrySet().iterator();
                while ((CACHE.size() > MAX_ENTRIES || chars > MAX_CHARS) && oldest.hasNext()) {
                    chars -= oldest.next().getKey().length();
                    oldest.remove();
                }
            }
        }
        return g;
    }

    /** Schemas held now (for tests). */
    static int size() {
        synchronized (CACHE) {
            return CACHE.size();
        }
    }
}
