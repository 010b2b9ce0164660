package dev.quill.model.template.jinja;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code {% macro %}} (or a call block's {@code caller}): called like a function, it renders its
 * body in a scope of its own, child of the scope it was defined in, and returns the text.
 * Arguments beyond its parameters land in {@code varargs} and {@code kwargs}.
 */
final class Macro implements PyCallable {

    private final Node.Macro definition;
    private final Scope closure;
    private final Interpreter interpreter;

    Macro(Node.Macro definition, Scope closure, Interpreter interpreter) {
        this.definition = definition;
        this.closure = closure;
        this.interpreter = interpreter;
    }

    @Override
    public Object call(List<Object> args, Map<String, Object> kwargs) {
        List<String> params = definition.params();
        List<Expr> defaults = definition.defaults();
        Map<String, Object> extra = new LinkedHashMap<>(kwargs);
        Scope scope = new Scope(closure);
        int firstDefault = params.size() - defaults.size();
        for (int i = 0; i < params.size(); i++) {
            String name = params.get(i);
            Object value;
            if (i < args.size()) {
                value = args.get(i);
                if (extra.containsKey(name)) {
                    throw PyErrors.typeError("macro '" + definition.name() + "' got multiple values for argument '" + name + "'");
                }
            } else if (extra.containsKey(name)) {
                value = extra.remove(name);
            } else if (i >= firstDefault) {
                value = interpreter.evaluator().eval(defaults.get(i - firstDefault), scope);
            } else {
                value = Undefined.hinted("parameter '" + name + "' was not provided");
            }
            scope.set(name, value);
        }
        Object caller = extra.remove("caller");
        if (caller != null) {
            scope.set("caller", caller);
        }
        scope.set("varargs", new ArrayList<>(args.subList(Math.min(args.size(), params.size()), args.size())));
        scope.set("kwargs", new LinkedHashMap<Object, Object>(extra));
        StringBuilder out = new StringBuilder();
        interpreter.run(definition.body(), scope, out);
        return out.toString();
    }

    @Override
    public String typeName() {
        return "Macro";
    }

    @Override
    public String toString() {
        return "<Macro '" + definition.name() + "'>";
    }
}
