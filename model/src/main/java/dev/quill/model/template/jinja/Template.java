package dev.quill.model.template.jinja;

import dev.quill.model.template.TemplateException;
import java.util.List;
import java.util.Map;

/**
 * A parsed Jinja template: lexed and parsed once, then rendered any number of times from any
 * number of threads (the AST is immutable; each render has its own scopes).
 *
 * <p>Rendering follows Python's jinja2 in transformers' ImmutableSandboxedEnvironment: the values
 * are Python's ({@link Py}), a missing name is {@link Undefined}, values have no attributes but
 * their safe methods, and nothing a template does changes the values it was given. Whatever a
 * variable holds is data: no text is ever parsed as a template except the source given here.
 */
public final class Template {

    private final List<Node> body;
    private final Interpreter interpreter = new Interpreter();

    private Template(List<Node> body) {
        this.body = body;
    }

    /** @throws TemplateException of kind SYNTAX, with a line number */
    public static Template parse(String source) {
        return new Template(Parser.parse(source));
    }

    /**
     * @param variables template values (see {@link JavaValues#toTemplate}) and functions
     *     ({@link PyCallable}); they shadow the builtins range, dict, namespace...
     * @throws TemplateException of kind RENDER where jinja2 raises (with Python's exception type and
     *     message), or whatever a function in {@code variables} throws
     */
    public String render(Map<String, Object> variables) {
        Scope globals = new Scope(null);
        Globals.install(globals);
        Scope scope = new Scope(globals);
        variables.forEach(scope::set);
        StringBuilder out = new StringBuilder();
        try {
            interpreter.run(body, scope, out);
        } catch (TemplateException e) {
            throw e;
        } catch (ArithmeticException e) {
            throw PyErrors.error("OverflowError", e.getMessage());
        } catch (StackOverflowError e) {
            throw PyErrors.error("RecursionError", "maximum recursion depth exceeded");
        } catch (RuntimeException e) {
            throw new TemplateException(TemplateException.Kind.RENDER, "Template failed: " + e, e);
        }
        return out.toString();
    }
}
