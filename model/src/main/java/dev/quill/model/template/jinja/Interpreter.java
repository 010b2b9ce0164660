package dev.quill.model.template.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the statements of a parsed template, writing the output. Stateless: shared by renders. */
final class Interpreter {

    /** How a body ended: normally, or by {@code break}/{@code continue} bound for the enclosing loop. */
    enum Flow { NORMAL, BREAK, CONTINUE }

    private final Evaluator evaluator = new Evaluator();

    Evaluator evaluator() {
        return evaluator;
    }

    Flow run(List<Node> nodes, Scope s, StringBuilder out) {
        for (Node node : nodes) {
            Flow flow = run(node, s, out);
            if (flow != Flow.NORMAL) {
                return flow;
            }
        }
        return Flow.NORMAL;
    }

    private Flow run(Node node, Scope s, StringBuilder out) {
        if (node instanceof Node.Text t) {
            out.append(t.text());
        } else if (node instanceof Node.Print p) {
            out.append(PyRepr.str(evaluator.eval(p.value(), s)));
        } else if (node instanceof Node.If i) {
            for (int k = 0; k < i.tests().size(); k++) {
                if (Py.truthy(evaluator.eval(i.tests().get(k), s))) {
                    return run(i.bodies().get(k), s, out);
                }
            }
            return run(i.orElse(), s, out);
        } else if (node instanceof Node.For f) {
            forLoop(f, evaluator.eval(f.iterable(), s), 0, s, out);
        } else if (node instanceof Node.Set set) {
            assign(set.target(), evaluator.eval(set.value(), s), s);
        } else if (node instanceof Node.SetBlock b) {
            StringBuilder captured = new StringBuilder();
            run(b.body(), new Scope(s), captured);
            Object value = b.filter() == null ? captured.toString()
                    : evaluator.filter((Expr.Filter) b.filter(), captured.toString(), s);
            assign(b.target(), value, s);
        } else if (node instanceof Node.Macro m) {
            s.set(m.name(), new Macro(m, s, this));
        } else if (node instanceof Node.CallBlock c) {
            Macro caller = new Macro(new Node.Macro("caller", c.params(), c.defaults(), c.body()), s, this);
            out.append(PyRepr.str(evaluator.call(c.call(), s, Map.of("caller", caller))));
        } else if (node instanceof Node.FilterBlock f) {
            StringBuilder captured = new StringBuilder();
            run(f.body(), s, captured);
            out.append(PyRepr.str(evaluator.filter((Expr.Filter) f.filter(), captured.toString(), s)));
        } else if (node instanceof Node.With w) {
            Scope inner = new Scope(s);
            for (int k = 0; k < w.targets().size(); k++) {
                assign(w.targets().get(k), evaluator.eval(w.values().get(k), s), inner);
            }
            return run(w.body(), inner, out);
        } else if (node instanceof Node.Group g) {
            return run(g.body(), s, out);
        } else if (node instanceof Node.Break) {
            return Flow.BREAK;
        } else if (node instanceof Node.Continue) {
            return Flow.CONTINUE;
        }
        return Flow.NORMAL;
    }

    /** One for loop over {@code iterable}; a recursive loop calls back here through {@code loop(...)}. */
    private void forLoop(Node.For f, Object iterable, int depth0, Scope s, StringBuilder out) {
        List<Object> items = Py.iterate(iterable);
        if (f.filter() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                Scope probe = new Scope(s);
                assign(f.target(), item, probe);
                if (Py.truthy(evaluator.eval(f.filter(), probe))) {
                    kept.add(item);
                }
            }
            items = kept;
        }
        LoopContext loop = new LoopContext(items, depth0, !f.recursive() ? null : (children, depth) -> {
            StringBuilder nested = new StringBuilder();
            forLoop(f, children, depth, s, nested);
            return nested.toString();
        });
        for (int i = 0; i < items.size(); i++) {
            Scope iteration = new Scope(s);
            assign(f.target(), items.get(i), iteration);
            loop.advance(i);
            iteration.set("loop", loop);
            if (run(f.body(), iteration, out) == Flow.BREAK) {
                break;
            }
        }
        if (items.isEmpty()) {
            run(f.orElse(), new Scope(s), out);
        }
    }

    /** {@code set}'s and {@code for}'s targets: a name, {@code ns.attr}, or names to unpack into. */
    void assign(Expr target, Object value, Scope s) {
        if (target instanceof Expr.Name n) {
            s.set(n.name(), value);
        } else if (target instanceof Expr.GetAttr a) {
            String ns = ((Expr.Name) a.object()).name();
            if (!(s.lookup(ns) instanceof Namespace namespace)) {
                throw PyErrors.error("TemplateRuntimeError", "cannot assign attribute on non-namespace object");
            }
            namespace.set(a.name(), value);
        } else {
            List<Expr> names = ((Expr.TupleLiteral) target).items();
            if (!(Py.isStr(value) || value instanceof List<?> || value instanceof PyTuple || value instanceof Map<?, ?>)) {
                throw PyErrors.typeError("cannot unpack non-iterable " + Py.typeName(value) + " object");
            }
            List<Object> items = Py.iterate(value);
            if (items.size() != names.size()) {
                throw PyErrors.valueError(items.size() > names.size()
                        ? "too many values to unpack (expected " + names.size() + ")"
                        : "not enough values to unpack (expected " + names.size() + ", got " + items.size() + ")");
            }
            for (int k = 0; k < names.size(); k++) {
                assign(names.get(k), items.get(k), s);
            }
        }
    }
}
