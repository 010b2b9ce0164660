package dev.quill.model.template;

import dev.quill.model.template.RenderedPrompt.Segment;
import dev.quill.model.template.jinja.PyStrings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Finds which parts of a rendered prompt came from message contents.
 *
 * <p>The prompt is rendered a second time with every content wrapped in invisible markers
 * (private-use characters carrying the message's index), around its stripped text so that
 * {@code | trim} keeps them. If that render, markers removed, is byte for byte the real prompt,
 * the template treated the marked contents exactly like the real ones and the markers say where
 * each content landed: even when the template transformed it ({@code | upper}) or printed it
 * twice. Where a template cut a content ({@code content.split('</think>')[-1]}) only one marker
 * survives, and the span is the longest stretch next to it that matches the content.
 *
 * <p>Limitation: when the marked render differs (a template that tests
 * {@code content.startswith(...)} on a content that does start so, or measures its length), the
 * locator falls back to searching each stripped content in order in the prompt. That search can
 * take markup for content when a content is itself a piece of the markup before it, e.g. a message
 * that is exactly {@code <|im_end|>}. Text from other message fields (tool call arguments, names)
 * is always markup.
 */
final class ContentLocator {

    /** One private-use block is 32 characters: open, close, and 16 hex digits; the rest unused. */
    private static final int BLOCK = 0x20;
    private static final int MAX_MESSAGES = 0x10000; // four hex digits of index

    private ContentLocator() {}

    /**
     * @param render renders the template for other messages, all other variables unchanged
     */
    static RenderedPrompt locate(String prompt, List<ChatMessage> messages, String templateSource,
                                 Function<List<ChatMessage>, String> render) {
        List<String> cores = new ArrayList<>();
        for (ChatMessage m : messages) {
            cores.add(m.content() == null ? "" : PyStrings.strip(m.content(), null, true, true));
        }
        if (cores.stream().allMatch(String::isEmpty)) {
            return segments(prompt, List.of());
        }
        int base = freeBlock(messages, templateSource + prompt);
        if (base >= 0 && messages.size() <= MAX_MESSAGES) {
            String probed = renderProbes(messages, cores, base, render);
            if (probed != null && stripMarkers(probed, base).equals(prompt)) {
                return segments(prompt, spansFromMarkers(probed, base, prompt, cores));
            }
        }
        return segments(prompt, spansBySearch(prompt, cores));
    }

    /** The first private-use block none of whose characters occurs in the text or the contents. */
    private static int freeBlock(List<ChatMessage> messages, String text) {
        for (int base = 0xE000; base + BLOCK <= 0xF900; base += BLOCK) {
            if (!usesBlock(text, base) && !usedByContent(messages, base)) {
                return base;
            }
        }
        return -1;
    }

    private static boolean usedByContent(List<ChatMessage> messages, int base) {
        for (ChatMessage m : messages) {
            if (m.content() != null && usesBlock(m.content(), base)) {
                return true;
            }
        }
        return false;
    }

    private static boolean usesBlock(String s, int base) {
        return s.chars().anyMatch(c -> c >= base && c < base + BLOCK);
    }

    private static String marker(int base, boolean open, int index) {
        StringBuilder m = new StringBuilder().append((char) (base + (open ? 0 : 1)));
        for (int shift = 12; shift >= 0; shift -= 4) {
            m.append((char) (base + 2 + ((index >> shift) & 0xF)));
        }
        return m.toString();
    }

    private static String renderProbes(List<ChatMessage> messages, List<String> cores, int base,
                                       Function<List<ChatMessage>, String> render) {
        List<ChatMessage> probes = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            String core = cores.get(i);
            if (core.isEmpty()) {
                probes.add(m);
                continue;
            }
            int at = m.content().indexOf(core);
            String probe = m.content().substring(0, at) + marker(base, true, i) + core + marker(base, false, i)
                    + m.content().substring(at + core.length());
            probes.add(new ChatMessage(m.role(), probe, m.fields()));
        }
        try {
            return render.apply(probes);
        } catch (TemplateException e) {
            return null; // the template reacted to the markers; search instead
        }
    }

    private static String stripMarkers(String s, int base) {
        StringBuilder out = new StringBuilder(s.length());
        s.chars().filter(c -> c < base || c >= base + BLOCK).forEach(c -> out.append((char) c));
        return out.toString();
    }

    /** Content spans, in prompt positions, from the markers that survived in the probed render. */
    private static List<int[]> spansFromMarkers(String probed, int base, String prompt, List<String> cores) {
        List<int[]> spans = new ArrayList<>();
        int[] openAt = new int[cores.size()];
        Arrays.fill(openAt, -1);
        int pos = 0; // position in the prompt
        for (int i = 0; i < probed.length(); i++) {
            char c = probed.charAt(i);
            if (c < base || c >= base + BLOCK) {
                pos++;
                continue;
            }
            if ((c != base && c != base + 1) || i + 4 >= probed.length()) {
                continue; // a stray piece of a marker that a slice cut
            }
            int index = 0;
            for (int k = 1; k <= 4; k++) {
                index = index * 16 + (probed.charAt(i + k) - base - 2);
            }
            i += 4;
            if (index < 0 || index >= cores.size()) {
                continue;
            }
            if (c == base) {
                if (openAt[index] >= 0) { // opened twice: the first one's end was cut away
                    spans.add(prefixSpan(prompt, openAt[index], cores.get(index)));
                }
                openAt[index] = pos;
            } else if (openAt[index] >= 0) {
                spans.add(new int[] {openAt[index], pos});
                openAt[index] = -1;
            } else {
                spans.add(suffixSpan(prompt, pos, cores.get(index)));
            }
        }
        for (int index = 0; index < openAt.length; index++) {
            if (openAt[index] >= 0) {
                spans.add(prefixSpan(prompt, openAt[index], cores.get(index)));
            }
        }
        return spans;
    }

    /** From {@code start}, as far as the prompt goes on matching the content's beginning. */
    private static int[] prefixSpan(String prompt, int start, String core) {
        int n = 0;
        while (start + n < prompt.length() && n < core.length() && prompt.charAt(start + n) == core.charAt(n)) {
            n++;
        }
        return new int[] {start, start + n};
    }

    /** Up to {@code end}, as far back as the prompt matches the content's ending. */
    private static int[] suffixSpan(String prompt, int end, String core) {
        int n = 0;
        while (end - n > 0 && n < core.length()
                && prompt.charAt(end - n - 1) == core.charAt(core.length() - n - 1)) {
            n++;
        }
        return new int[] {end - n, end};
    }

    /** The fallback: each stripped content, searched in order after the previous one. */
    private static List<int[]> spansBySearch(String prompt, List<String> cores) {
        List<int[]> spans = new ArrayList<>();
        int cursor = 0;
        for (String core : cores) {
            int at = core.isEmpty() ? -1 : prompt.indexOf(core, cursor);
            if (at >= 0) {
                spans.add(new int[] {at, at + core.length()});
                cursor = at + core.length();
            }
        }
        return spans;
    }

    /** Cuts the prompt at the (possibly overlapping) content spans. */
    private static RenderedPrompt segments(String prompt, List<int[]> spans) {
        boolean[] content = new boolean[prompt.length()];
        for (int[] span : spans) {
            for (int i = span[0]; i < span[1]; i++) {
                content[i] = true;
            }
        }
        List<Segment> segments = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= prompt.length(); i++) {
            if (i == prompt.length() || content[i] != content[start]) {
                segments.add(new Segment(prompt.substring(start, i), content[start]));
                start = i;
            }
        }
        return new RenderedPrompt(segments);
    }
}
