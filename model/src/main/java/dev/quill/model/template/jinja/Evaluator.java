package dev.quill.model.template.jinja;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Gives each {@link Expr} its Python value. Stateless: one per template, shared by renders. */
final class Evaluator {

    Object eval(Expr e, Scope s) {
        if (e instanceof Expr.Const c) {
            return c.value();
        }
        if (e instanceof Expr.Name n) {
            Object v = s.lookup(n.name());
            return v == null ? Undefined.variable(n.name()) : v;
        }
        if (e instanceof Expr.GetAttr a) {
            return Attributes.get(eval(a.object(), s), a.name());
        }
        if (e instanceof Expr.GetItem g) {
            Object obj = eval(g.object(), s);
            Object key = g.key() instanceof Expr.Slice sl
                    ? new PySlice(optional(sl.start(), s), optional(sl.stop(), s), optional(sl.step(), s))
                    : eval(g.key(), s);
            return Attributes.item(obj, key);
        }
        if (e instanceof Expr.Binary b) {
            return PyOps.binary(b.op(), eval(b.left(), s), eval(b.right(), s));
        }
        if (e instanceof Expr.Logic l) {
            Object left = eval(l.left(), s);
            boolean truth = Py.truthy(left);
            return l.op().equals("and") ? (truth ? eval(l.right(), s) : left) : (truth ? left : eval(l.right(), s));
        }
        if (e instanceof Expr.Unary u) {
            Object v = eval(u.operand(), s);
            return u.op().equals("not") ? !Py.truthy(v) : PyOps.unary(u.op(), v);
        }
        if (e instanceof Expr.Compare c) {
            return compare(c, s);
        }
        if (e instanceof Expr.Concat c) {
            StringBuilder out = new StringBuilder();
            c.parts().forEach(part -> out.append(PyRepr.str(eval(part, s))));
            return out.toString();
        }
        if (e instanceof Expr.Conditional c) {
            if (Py.truthy(eval(c.test(), s))) {
                return eval(c.then(), s);
            }
            return c.orElse() == null
                    ? Undefined.hinted("the inline if-expression evaluated to false and no else section was defined.")
                    : eval(c.orElse(), s);
        }
        if (e instanceof Expr.Filter f) {
            return filter(f, null, s);
        }
        if (e instanceof Expr.Test t) {
            return Tests.apply(t.name(), eval(t.value(), s), positional(t.args(), s), keywords(t.args(), s));
        }
        if (e instanceof Expr.Call c) {
            return call(c, s, Map.of());
        }
        return literal(e, s);
    }

    private Object literal(Expr e, Scope s) {
        if (e instanceof Expr.ListLiteral l) {
            List<Object> out = new ArrayList<>(l.items().size());
            l.items().forEach(item -> out.add(eval(item, s)));
            return out;
        }
        if (e instanceof Expr.TupleLiteral t) {
            List<Object> out = new ArrayList<>(t.items().size());
            t.items().forEach(item -> out.add(eval(item, s)));
            return new PyTuple(out);
        }
        if (e instanceof Expr.DictLiteral d) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (int i = 0; i < d.keys().size(); i++) {
                Object key = eval(d.keys().get(i), s);
                if (key instanceof List<?> || key instanceof Map<?, ?>) {
                    throw PyErrors.typeError("unhashable type: '" + Py.typeName(key) + "'");
                }
                out.put(key instanceof Markup m ? m.text() : key, eval(d.values().get(i), s));
            }
            return out;
        }
        throw new IllegalStateException("a slice outside a subscript: " + e);
    }

    private Object optional(Expr e, Scope s) {
        return e == null ? PyNone.NONE : eval(e, s);
    }

    private boolean compare(Expr.Compare c, Scope s) {
        Object left = eval(c.first(), s);
        for (int i = 0; i < c.ops().size(); i++) {
            Object right = eval(c.rest().get(i), s);
            String op = c.ops().get(i);
            boolean ok = switch (op) {
                case "==" -> Py.eq(left, right);
                case "!=" -> !Py.eq(left, right);
                case "in" -> Py.contains(right, left);
                case "not in" -> !Py.contains(right, left);
                case "<" -> Py.compare(left, right, op) < 0;
                case "<=" -> Py.compare(left, right, op) <= 0;
                case ">" -> Py.compare(left, right, op) > 0;
                default -> Py.compare(left, right, op) >= 0;
            };
            if (!ok) {
                return false;
            }
            left = right;
        }
        return true;
    }

    /** A filter; in a filter chain the innermost value (null in the AST) is {@code input}. */
    Object filter(Expr.Filter f, Object input, Scope s) {
        Object value = f.value() == null ? input
                : f.value() instanceof Expr.Filter inner && chainHead(inner) ? filter(inner, input, s) : eval(f.value(), s);
        return Filters.apply(f.name(), value, positional(f.args(), s), keywords(f.args(), s));
    }

    private static boolean chainHead(Expr.Filter f) {
        return f.value() == null || f.value() instanceof Expr.Filter inner && chainHead(inner);
    }

    /** A call; {@code extra} adds keyword arguments (a call block's {@code caller}). */
    Object call(Expr.Call c, Scope s, Map<String, Object> extra) {
        Object callee = eval(c.callee(), s);
        List<Object> args = positional(c.args(), s);
        Map<String, Object> kwargs = keywords(c.args(), s);
        kwargs.putAll(extra);
        if (callee instanceof Undefined u) {
            throw u.fail();
        }
        if (!(callee instanceof PyCallable f)) {
            throw PyErrors.typeError("'" + Py.typeName(callee) + "' object is not callable");
        }
        return f.call(args, kwargs);
    }

    private List<Object> positional(Expr.Args a, Scope s) {
        List<Object> out = new ArrayList<>(a.positional().size());
        a.positional().forEach(arg -> out.add(eval(arg, s)));
        if (a.varargs() != null) {
            out.addAll(Py.iterate(eval(a.varargs(), s)));
        }
        return out;
    }

    private Map<String, Object> keywords(Expr.Args a, Scope s) {
        Map<String, Object> out = new LinkedHashMap<>();
        a.keywords().forEach((name, arg) -> out.put(name, eval(arg, s)));
        if (a.kwargs() != null) {
            Object d = eval(a.kwargs(), s);
            if (!(d instanceof Map<?, ?> map)) {
                throw PyErrors.typeError("argument after ** must be a mapping, not " + Py.typeName(d));
            }
            map.forEach((k, v) -> out.put(PyRepr.str(k), v));
        }
        return out;
    }
}
