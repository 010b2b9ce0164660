package dev.quill.model.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How far Jinjava alone gets on the golden cases: trim_blocks and lstrip_blocks on, the transformers
 * globals defined, nothing else. It documents why the shims exist; if Jinjava ever renders every
 * case by itself, this fails to say the shims may be dropped.
 */
class PlainJinjavaBaselineTest {

    /** A plain raise_exception: the error Jinjava records carries this exception. */
    static final class Raised extends RuntimeException {
        Raised(String message) {
            super(message);
        }
    }

    public static String raise(String message) {
        throw new Raised(message);
    }

    public static String strftime(String format) {
        return "14 Mar 2025";
    }

    @Test
    void plainJinjavaMissesCasesTheShimsRender() {
        Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true).build());
        jinjava.registerFunction(new ELFunctionDefinition("", "raise_exception", getClass(), "raise", String.class));
        jinjava.registerFunction(new ELFunctionDefinition("", "strftime_now", getClass(), "strftime", String.class));
        int plain = 0;
        int shimmed = 0;
        for (GoldenCase c : GoldenCase.all()) {
            if (c.expected() == null ? c.expectedError().equals(plainError(jinjava, c)) : c.expected().equals(plainOutput(jinjava, c))) {
                plain++;
            }
            if (shimmedMatches(c)) {
                shimmed++;
            }
        }
        System.out.printf("golden cases rendered like jinja2: plain Jinjava %d/%d, with shims %d/%d%n",
                plain, GoldenCase.all().size(), shimmed, GoldenCase.all().size());
        assertThat(plain).isLessThan(shimmed);
    }

    private static boolean shimmedMatches(GoldenCase c) {
        ChatTemplate t = ChatTemplate.of(c.source(), c.bosToken(), c.eosToken()).withClock(GoldenCase.clock());
        try {
            String text = t.render(c.messages(), c.addGenerationPrompt(), c.tools(), c.kwargs()).text();
            return text.equals(c.expected());
        } catch (TemplateException e) {
            return e.getMessage().equals(c.expectedError());
        }
    }

    private static RenderResult render(Jinjava jinjava, GoldenCase c) {
        Map<String, Object> vars = new HashMap<>(c.kwargs());
        vars.put("messages", plainMessages(c.messages()));
        vars.put("tools", c.tools());
        vars.put("add_generation_prompt", c.addGenerationPrompt());
        if (c.bosToken() != null) {
            vars.put("bos_token", c.bosToken());
        }
        if (c.eosToken() != null) {
            vars.put("eos_token", c.eosToken());
        }
        return jinjava.renderForResult(c.source(), vars);
    }

    private static String plainOutput(Jinjava jinjava, GoldenCase c) {
        RenderResult r = render(jinjava, c);
        return r.getErrors().stream().anyMatch(e -> e.getSeverity() == TemplateError.ErrorType.FATAL) ? null : r.getOutput();
    }

    private static String plainError(Jinjava jinjava, GoldenCase c) {
        for (TemplateError error : render(jinjava, c).getErrors()) {
            for (Throwable t = error.getException(); t != null; t = t.getCause()) {
                if (t instanceof Raised) {
                    return t.getMessage();
                }
            }
        }
        return null;
    }

    /** Messages as the maps a caller would hand Jinjava directly (None as null). */
    private static List<Map<String, Object>> plainMessages(List<ChatMessage> messages) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            map.putAll(m.fields());
            out.add(map);
        }
        return out;
    }
}
