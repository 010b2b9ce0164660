package dev.quill.model.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quill.model.ModelLoadException;
import dev.quill.model.template.RenderedPrompt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's tokenizer.json through DJL's HuggingFace tokenizer, with truncation off (DJL's default
 * silently cuts input at 512 tokens).
 *
 * <p>Two ways in: {@link #encodeMarkup} for template text, where {@code <|im_end|>} means the
 * special token, and {@link #encodeContent} for what a user typed, where it is only characters.
 * Thread-safe: the native tokenizer is immutable once built.
 */
public final class TextTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Integer> addedTokens; // literal text -> id, for special and added tokens
    private final Map<Integer, String> addedById;
    private final TokenBound bound;
    private final Path file;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, Map<String, Integer> addedTokens, TokenBound bound,
                          Path file) {
        this.tokenizer = tokenizer;
        this.file = file;
        this.addedTokens = addedTokens;
        this.bound = bound;
        this.addedById = new HashMap<>();
        addedTokens.forEach((text, id) -> addedById.put(id, text));
    }

    public static TextTokenizer load(Path dir) {
        Path file = dir.resolve("tokenizer.json");
        JsonObject root = parse(file);
        Map<String, Integer> added = addedTokens(file, root);
        // From a stream, so DJL does not read tokenizer_config.json itself (it cannot parse AddedToken objects).
        try (InputStream in = Files.newInputStream(file)) {
            HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(in, Map.of(
                    "truncation", "false", "padding", "false", "addSpecialTokens", "false"));
            return new TextTokenizer(t, added, TokenBound.of(root), file);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(file, "missing file");
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException(file, "cannot load tokenizer: " + e.getMessage(), e);
        }
    }

    private static JsonObject parse(Path file) {
        try {
            return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(file, "missing file");
        } catch (IOException e) {
            throw new ModelLoadException(file, "cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ModelLoadException(file, "malformed tokenizer.json: " + e.getMessage(), e);
        }
    }

    private static Map<String, Integer> addedTokens(Path file, JsonObject root) {
        Map<String, Integer> out = new HashMap<>();
        try {
            JsonElement list = root.get("added_tokens");
            if (list != null && list.isJsonArray()) {
                for (JsonElement e : list.getAsJsonArray()) {
                    JsonObject t = e.getAsJsonObject();
                    out.put(t.get("content").getAsString(), t.get("id").getAsInt());
                }
            }
            return out;
        } catch (RuntimeException e) {
            throw new ModelLoadException(file, "malformed tokenizer.json: " + e.getMessage(), e);
        }
    }

    /** The tokenizer.json this was loaded from (constrained decoding reads each token's bytes there). */
    public Path file() {
        return file;
    }

    /** How few tokens a text may need, known without tokenizing it (see {@link TokenBound}). */
    public TokenBound bound() {
        return bound;
    }

    /** The first special or added token literal that occurs in {@code text}, or null. */
    public String addedTokenIn(String text) {
        for (String literal : addedTokens.keySet()) {
            if (text.contains(literal)) {
                return literal;
            }
        }
        return null;
    }

    /** Encodes template text: special-token literals become their special ids. */
    public int[] encodeMarkup(String text) {
        return toInts(tokenizer.encode(text, false, false));
    }

    /** Encodes a raw prompt as HF's {@code tokenizer(text)} does, post-processor (e.g. bos) included. */
    public int[] encodePrompt(String text) {
        return toInts(tokenizer.encode(text, true, false));
    }

    /**
     * Encodes what a person typed. Special-token literals in it stay plain characters: the text
     * is cut inside each such literal, so the tokenizer cannot match it as a whole.
     */
    public int[] encodeContent(String text) {
        return encodeRendered(text, List.of(new int[] {0, text.length()}));
    }

    /** Encodes a rendered chat prompt: its markup may form special tokens, its message contents never do. */
    public int[] encodeRendered(RenderedPrompt prompt) {
        // One piece, so tokens form across segment boundaries exactly as HF's would; only where
        // special tokens may be matched depends on the segments.
        List<int[]> content = new ArrayList<>();
        int at = 0;
        for (RenderedPrompt.Segment s : prompt.segments()) {
            if (s.content()) {
                content.add(new int[] {at, at + s.text().length()});
            }
            at += s.text().length();
        }
        return encodeRendered(prompt.text(), content);
    }

    /**
     * Encodes a rendered chat prompt in one piece, as HF does, except that a special-token
     * literal starting inside a content range ({@code [start, end)} offsets of user text) is cut
     * after its first character and so stays plain text.
     */
    public int[] encodeRendered(String text, List<int[]> contentRanges) {
        // One scan of the text per literal, each hit looked up among the ranges: linear in the
        // prompt, where searching from every range's start was quadratic in the message count.
        List<int[]> ranges = merged(contentRanges);
        java.util.TreeSet<Integer> cuts = new java.util.TreeSet<>();
        for (String literal : addedTokens.keySet()) {
            for (int i = text.indexOf(literal); i >= 0; i = text.indexOf(literal, i + 1)) {
                if (insideAny(ranges, i)) {
                    cuts.add(i + 1);
                }
            }
        }
        List<int[]> pieces = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            pieces.add(encodeMarkup(text.substring(from, cut)));
            from = cut;
        }
        pieces.add(encodeMarkup(text.substring(from)));
        return concat(pieces);
    }

    /** Decodes ids to text, leaving out special tokens. */
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tokenizer.decode(l, true);
    }

    /** The id of a special or added token's literal text, or null. */
    public Integer addedTokenId(String literal) {
        return literal == null ? null : addedTokens.get(literal);
    }

    /** The literal text of a special or added token, or null for any other id. */
    public String addedTokenLiteral(int id) {
        return addedById.get(id);
    }

    /** Whether an id is a special/added token (these never reach the output text). */
    public boolean isAddedToken(int id) {
        return addedById.containsKey(id);
    }

    /** The ranges sorted by start, overlapping or touching ones merged. */
    private static List<int[]> merged(List<int[]> ranges) {
        List<int[]> sorted = new ArrayList<>(ranges);
        sorted.sort(java.util.Comparator.comparingInt(r -> r[0]));
        List<int[]> out = new ArrayList<>();
        for (int[] r : sorted) {
            int[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && r[0] <= last[1]) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                out.add(new int[] {r[0], r[1]});
            }
        }
        return out;
    }

    /** Whether {@code at} lies in one of the disjoint ranges, sorted by start. */
    private static boolean insideAny(List<int[]> ranges, int at) {
        int lo = 0;
        int hi = ranges.size(); // ranges [0, lo) start at or before 'at'
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ranges.get(mid)[0] <= at) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo > 0 && ranges.get(lo - 1)[1] > at;
    }

    static int[] concat(List<int[]> pieces) {
        int n = 0;
        for (int[] p : pieces) {
            n += p.length;
        }
        int[] out = new int[n];
        int i = 0;
        for (int[] p : pieces) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }

    private static int[] toInts(Encoding e) {
        long[] ids = e.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
