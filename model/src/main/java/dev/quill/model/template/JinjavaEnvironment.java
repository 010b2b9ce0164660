package dev.quill.model.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.io.IOException;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.TreeBuilder;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ExpressionFactory;

/**
 * A Jinjava set up to stand in for transformers' jinja2 environment (an ImmutableSandboxedEnvironment
 * with trim_blocks, lstrip_blocks and loopcontrols, plus raise_exception, strftime_now and its own
 * tojson), for templates that {@link TemplateRewriter} has prepared. Whitespace rules are off here
 * because the rewriter has applied them already.
 *
 * <p>A Jinjava is safe to render from several threads once set up: each render gets its own
 * interpreter and context, and the global context is only written here.
 */
final class JinjavaEnvironment {

    private JinjavaEnvironment() {}

    static Jinjava create() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonResolver());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(false)
                .withLstripBlocks(false)
                .withKeepTrailingNewline(true)
                .withEnableRecursiveMacroCalls(true)
                .withMaxMacroRecursionDepth(100)
                .withFailOnUnknownTokens(false)
                // Jinjava would otherwise render again any output that looks like a template, so
                // a user writing "{{ ... }}" in a message would run code in the template.
                .withNestedInterpretationEnabled(false)
                // 'render' renders a string as a template: never wanted on message text.
                .withDisabled(Map.of(Context.Library.FILTER, Set.of("render")))
                .withRangeLimit(100_000)
                .withMaxOutputSize(64L << 20) // a runaway template stops here, not at out-of-memory
                .withElResolver(resolver)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withEvaluateMapKeys(true)              // {name: 1} uses the variable, as Python does
                        .withIterateOverMapKeys(true)           // for k in dict -> keys
                        .withUseNaturalOperatorPrecedence(true) // 'a' + x | trim: the filter binds to x
                        .build())
                .build();
        Jinjava jinjava = new PythonJinjava(config);
        jinjava.setResourceLocator((name, encoding, interpreter) -> {
            throw new IOException("chat templates cannot load other templates: " + name);
        });
        function(jinjava, "raise_exception", "raiseException");
        function(jinjava, "strftime_now", "strftimeNow");
        function(jinjava, "__quill_str", "str");
        function(jinjava, "__quill_truth", "truth");
        PythonFilters.all().forEach(jinjava::registerFilter);
        PythonTests.all().forEach(jinjava::registerExpTest);
        jinjava.getGlobalContext().put("__quill_none", PyNone.NONE);
        // jinja2 globals are variables too: templates ask 'strftime_now is defined'.
        jinjava.getGlobalContext().put("raise_exception", new GlobalFunction("raise_exception"));
        jinjava.getGlobalContext().put("strftime_now", new GlobalFunction("strftime_now"));
        return jinjava;
    }

    private static void function(Jinjava jinjava, String name, String method) {
        jinjava.registerFunction(new ELFunctionDefinition("", name, TemplateFunctions.class, method, Object.class));
    }

    /** What a global function's name is as a variable: defined, truthy, printed as Python would. */
    private record GlobalFunction(String name) {
        @Override
        public String toString() {
            return "<function " + name + ">";
        }
    }

    /** Jinjava with {@link PythonTypeConverter} in its expression factory. */
    private static final class PythonJinjava extends Jinjava {
        private final ExpressionFactory expressionFactory;

        PythonJinjava(JinjavaConfig config) {
            super(config);
            Properties properties = new Properties();
            properties.setProperty(TreeBuilder.class.getName(), ExtendedSyntaxBuilder.class.getName());
            this.expressionFactory = new ExpressionFactoryImpl(properties, new PythonTypeConverter());
        }

        @Override
        public ExpressionFactory getExpressionFactory() {
            return expressionFactory;
        }
    }
}
