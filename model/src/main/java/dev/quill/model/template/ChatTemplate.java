package dev.quill.model.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import jinjava.de.odysseus.el.tree.TreeBuilderException;

/**
 * A HuggingFace chat template ({@code chat_template} in tokenizer_config.json), rendered as
 * transformers' {@code apply_chat_template} renders it with Python's jinja2, byte for byte.
 *
 * <p>The template sees {@code messages}, {@code tools} (None when there are none),
 * {@code documents} (None), {@code add_generation_prompt}, {@code bos_token} and {@code eos_token}
 * (undefined when null, as for a tokenizer without them), any extra variables, and the globals
 * {@code raise_exception(msg)} and {@code strftime_now(fmt)}.
 *
 * <p>Jinjava runs the template after {@link TemplateRewriter} has adapted it to Python semantics;
 * see the package's shims in {@link PythonFilters}, {@link PythonTests}, {@link PythonResolver},
 * {@link PyStr}; package-info lists them with what is not supported.
 *
 * <p>Thread-safe: compiled once, then {@link #render} may be called from any number of threads;
 * each render has its own Jinjava interpreter and variables.
 */
public final class ChatTemplate {

    /** See {@link #fallback}; a message without text content (a bare tool call) shows as empty. */
    private static final String FALLBACK_SOURCE = """
            {%- for message in messages -%}
                {{- '<|im_start|>' + message.role + '\\n' -}}
                {{- message.content if message.content is string else '' -}}
                {{- '<|im_end|>\\n' -}}
            {%- endfor -%}
            {%- if add_generation_prompt -%}
                {{- '<|im_start|>assistant\\n' -}}
            {%- endif -%}
            """;

    private static final Set<String> RESERVED = Set.of("messages", "tools", "add_generation_prompt");

    private final String source;
    private final String jinjavaSource;
    private final String bosToken;
    private final String eosToken;
    private final Clock clock;
    private final Jinjava jinjava;

    private ChatTemplate(String source, String jinjavaSource, String bosToken, String eosToken, Clock clock) {
        this.source = source;
        this.jinjavaSource = jinjavaSource;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.clock = clock;
        this.jinjava = JinjavaEnvironment.create();
    }

    /**
     * Compiles a template; bos/eos may be null when the tokenizer has no such token.
     *
     * @throws TemplateException of kind SYNTAX, with a line number, when the source is not a valid template
     */
    public static ChatTemplate of(String jinjaSource, String bosToken, String eosToken) {
        Objects.requireNonNull(jinjaSource, "jinjaSource");
        return new ChatTemplate(jinjaSource, TemplateRewriter.rewrite(jinjaSource), bosToken, eosToken,
                Clock.systemDefaultZone());
    }

    /**
     * The template for a model whose tokenizer_config.json has no {@code chat_template}: ChatML,
     * {@code <|im_start|>role\ncontent<|im_end|>\n} per message and {@code <|im_start|>assistant\n}
     * for the generation prompt. It is what transformers applied by default before it stopped
     * guessing, and it marks turns unambiguously even for a model that never saw it; stop
     * generation at {@code <|im_end|>}. The bos and eos tokens are bound but not used.
     */
    public static ChatTemplate fallback(String bosToken, String eosToken) {
        return of(FALLBACK_SOURCE, bosToken, eosToken);
    }

    /** The same template reading {@code strftime_now} from another clock (tests fix the date). */
    public ChatTemplate withClock(Clock clock) {
        return new ChatTemplate(source, jinjavaSource, bosToken, eosToken, Objects.requireNonNull(clock));
    }

    /**
     * Renders a conversation.
     *
     * @param tools tool schemas (OpenAI's {@code {"type": "function", "function": {...}}}), or null
     * @throws TemplateException of kind RAISED when the template rejects the conversation
     */
    public RenderedPrompt render(List<ChatMessage> messages, boolean addGenerationPrompt, List<Map<String, Object>> tools) {
        return render(messages, addGenerationPrompt, tools, Map.of());
    }

    /**
     * Renders with extra template variables, like {@code apply_chat_template(..., **kwargs)}:
     * {@code enable_thinking}, {@code date_string}, {@code tools_in_user_message}, ... They may
     * override bos_token/eos_token, but not messages, tools or add_generation_prompt.
     */
    public RenderedPrompt render(List<ChatMessage> messages, boolean addGenerationPrompt,
                                 List<Map<String, Object>> tools, Map<String, ?> extraVariables) {
        Objects.requireNonNull(messages, "messages");
        for (String name : extraVariables.keySet()) {
            if (RESERVED.contains(name)) {
                throw new IllegalArgumentException(name + " is a parameter of render, not an extra variable");
            }
        }
        LocalDateTime now = LocalDateTime.now(clock); // once, so both renders below see one time
        Map<String, Object> variables = new HashMap<>();
        if (bosToken != null) {
            variables.put("bos_token", bosToken);
        }
        if (eosToken != null) {
            variables.put("eos_token", eosToken);
        }
        variables.put("documents", PyNone.NONE);
        extraVariables.forEach((name, value) -> variables.put(name, TemplateValues.of(value)));
        variables.put("tools", TemplateValues.of(tools));
        variables.put("add_generation_prompt", addGenerationPrompt);
        variables.put(TemplateFunctions.NOW, now);
        String prompt = renderText(messages, variables);
        return ContentLocator.locate(prompt, messages, source, probes -> renderText(probes, variables));
    }

    private String renderText(List<ChatMessage> messages, Map<String, Object> variables) {
        Map<String, Object> bindings = new HashMap<>(variables);
        bindings.put("messages", TemplateValues.messages(messages));
        RenderResult result;
        try {
            result = jinjava.renderForResult(jinjavaSource, bindings);
        } catch (TemplateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TemplateException(TemplateException.Kind.RENDER, "Template failed: " + e.getMessage(), e);
        }
        for (TemplateError error : result.getErrors()) {
            TemplateException raised = find(error.getException(), TemplateException.class);
            if (raised != null) {
                throw raised;
            }
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw failure(error);
            }
        }
        return result.getOutput();
    }

    private static TemplateException failure(TemplateError error) {
        boolean syntax = find(error.getException(), TreeBuilderException.class) != null;
        String where = error.getFieldName() == null || error.getFieldName().isBlank() ? "" : " (in: " + error.getFieldName() + ")";
        return new TemplateException(syntax ? TemplateException.Kind.SYNTAX : TemplateException.Kind.RENDER,
                error.getMessage() + where, error.getException());
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
