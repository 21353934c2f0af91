package org.quaterion.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Learning rates per group of parameters (PyTorch's parameter groups): an optimizer whose step multiplies the
 * learning rate by a factor for the parameters whose names match a group, e.g. a transformer's embeddings × 0.1, its
 * layers × 1 and the head × 10. Names are those of {@code TrainableModel.trainableParameters()}: {@code head.…},
 * {@code <encoder>.…} and {@code loss.…}.
 *
 * <p>A parameter belongs to the <b>first</b> group whose pattern matches its whole name; a parameter no group matches
 * trains at the base rate (factor 1). A group whose pattern matches no parameter, or only parameters an earlier group
 * took, is an error at the start of the fit ({@link #checkParameters}). The factor multiplies the step's rate, so
 * with AdamW it scales the decoupled weight decay too, as a PyTorch group's {@code lr} does. A group of factor 0 is
 * not updated at all and keeps no optimizer state.
 *
 * <p>The wrapped optimizer keeps its state per parameter (Adam's moments and step count), so a step split into one
 * call per group is the same update: with every factor 1 it equals the wrapped optimizer alone, bit for bit.
 */
public final class ParameterGroups implements GradientOptimizer {

    /**
     * One group: a pattern over parameter names and its learning-rate factor.
     *
     * @param pattern a regular expression that must match a parameter's whole name
     * @param factor the learning-rate factor, finite and at least 0
     */
    public record Group(String pattern, double factor) {

        /** Validates the group. */
        public Group {
            Objects.requireNonNull(pattern, "pattern");
            if (!(factor >= 0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("the learning-rate factor of parameter group '" + pattern
                        + "' must be finite and >= 0, got " + factor);
            }
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("parameter group '" + pattern + "' is not a regular expression: "
                        + e.getDescription() + "; use prefix(…) for a plain name prefix", e);
            }
        }
    }

    /** The index of the "no group" bucket in {@link #groupOf}. */
    private static final int BASE = -1;

    private final GradientOptimizer optimizer;
    private final List<Group> groups;
    private final List<Pattern> patterns;
    /** Each parameter's group, found on first sight. */
    private final Map<String, Integer> groupOf = new HashMap<>();

    private ParameterGroups(GradientOptimizer optimizer, List<Group> groups) {
        this.optimizer = optimizer;
        this.groups = List.copyOf(groups);
        this.patterns = this.groups.stream().map(g -> Pattern.compile(g.pattern())).toList();
    }

    /**
     * Starts groups over an optimizer.
     *
     * @param optimizer the optimizer that updates every group (e.g. {@code Adam.of(2e-5)})
     * @return a builder
     */
    public static Builder of(GradientOptimizer optimizer) {
        if (optimizer == null) {
            throw new IllegalArgumentException("parameter groups need an optimizer to wrap, got null");
        }
        if (optimizer instanceof ParameterGroups) {
            throw new IllegalArgumentException("the optimizer already has parameter groups; list every group in one "
                    + "ParameterGroups");
        }
        return new Builder(optimizer);
    }

    /**
     * The groups, in matching order.
     *
     * @return the groups
     */
    public List<Group> groups() {
        return groups;
    }

    /**
     * The wrapped optimizer.
     *
     * @return the optimizer that updates every group
     */
    public GradientOptimizer optimizer() {
        return optimizer;
    }

    private int groupOf(String name) {
        return groupOf.computeIfAbsent(name, n -> {
            for (int g = 0; g < patterns.size(); g++) {
                if (patterns.get(g).matcher(n).matches()) {
                    return g;
                }
            }
            return BASE;
        });
    }

    @Override
    public void step(Map<String, NDArray> parameters, double learningRate) {
        List<Map<String, NDArray>> parts = new ArrayList<>();
        for (int g = 0; g <= groups.size(); g++) {
            parts.add(new LinkedHashMap<>());
        }
        parameters.forEach((name, w) -> parts.get(groupOf(name) + 1).put(name, w));
        if (!parts.get(0).isEmpty()) {
            optimizer.step(parts.get(0), learningRate);
        }
        for (int g = 0; g < groups.size(); g++) {
            double factor = groups.get(g).factor();
            if (factor > 0 && !parts.get(g + 1).isEmpty()) {
                optimizer.step(parts.get(g + 1), learningRate * factor);
            }
        }
    }

    /**
     * Refuses a group that matches no parameter (a misspelt name) or only parameters that an earlier group takes.
     *
     * @param names the names of the parameters the fit trains
     * @throws IllegalArgumentException naming the group and the parameters there are
     */
    @Override
    public void checkParameters(Set<String> names) {
        int[] taken = new int[groups.size()];
        int[] matched = new int[groups.size()];
        for (String name : names) {
            int first = groupOf(name);
            if (first != BASE) {
                taken[first]++;
            }
            for (int g = 0; g < patterns.size(); g++) {
                if (patterns.get(g).matcher(name).matches()) {
                    matched[g]++;
                }
            }
        }
        for (int g = 0; g < groups.size(); g++) {
            if (matched[g] == 0) {
                throw new IllegalArgumentException("parameter group '" + groups.get(g).pattern() + "' matches no "
                        + "parameter (a pattern must match a whole name); the " + names.size()
                        + " parameters are named like " + sample(names));
            }
            if (taken[g] == 0) {
                throw new IllegalArgumentException("parameter group '" + groups.get(g).pattern() + "' matches only "
                        + "parameters that earlier groups take (the first matching group wins); put it before them "
                        + "or remove it");
            }
        }
    }

    private static String sample(Set<String> names) {
        List<String> first = names.stream().limit(8).toList();
        return first + (names.size() > first.size() ? " …" : "");
    }

    @Override
    public double learningRate() {
        return optimizer.learningRate();
    }

    @Override
    public Map<String, NDArray> state(NDManager manager) {
        return optimizer.state(manager);
    }

    @Override
    public void restore(Map<String, NDArray> state, NDManager stateManager) {
        optimizer.restore(state, stateManager);
    }

    @Override
    public void reset() {
        optimizer.reset();
    }

    /**
     * The wrapped optimizer's settings plus {@code parameter_groups}: each group's pattern and factor, in order.
     *
     * @return the settings
     */
    @Override
    public JsonObject config() {
        JsonObject json = optimizer.config();
        JsonArray array = new JsonArray();
        for (Group g : groups) {
            JsonObject o = new JsonObject();
            o.addProperty("pattern", g.pattern());
            o.addProperty("factor", g.factor());
            array.add(o);
        }
        json.add("parameter_groups", array);
        return json;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("ParameterGroups(").append(optimizer);
        groups.forEach(g -> s.append(", ").append(g.pattern()).append(" ×").append(g.factor()));
        return s.append(")").toString();
    }

    /** Builds {@link ParameterGroups}: groups in matching order (the first that matches a name wins). */
    public static final class Builder {

        private final GradientOptimizer optimizer;
        private final List<Group> groups = new ArrayList<>();

        private Builder(GradientOptimizer optimizer) {
            this.optimizer = optimizer;
        }

        /**
         * Adds a group of the parameters whose whole name matches a regular expression, e.g.
         * {@code "enc\\.encoder\\.layer\\.[0-5]\\..*"}.
         *
         * @param regex the pattern
         * @param factor the learning-rate factor, at least 0 (0 leaves the group unchanged)
         * @return this builder
         */
        public Builder group(String regex, double factor) {
            Group g = new Group(regex, factor);
            if (groups.stream().anyMatch(x -> x.pattern().equals(regex))) {
                throw new IllegalArgumentException("parameter group '" + regex + "' is listed twice");
            }
            groups.add(g);
            return this;
        }

        /**
         * Adds a group of the parameters whose names start with a prefix, e.g. {@code "enc.embeddings."} or
         * {@code "head."}.
         *
         * @param prefix the plain-text prefix
         * @param factor the learning-rate factor, at least 0
         * @return this builder
         */
        public Builder prefix(String prefix, double factor) {
            if (prefix == null || prefix.isEmpty()) {
                throw new IllegalArgumentException("a parameter-group prefix must not be empty");
            }
            return group(Pattern.quote(prefix) + ".*", factor);
        }

        /**
         * Builds the optimizer.
         *
         * @return the grouped optimizer
         * @throws IllegalArgumentException when no group was added
         */
        public ParameterGroups build() {
            if (groups.isEmpty()) {
                throw new IllegalArgumentException("no parameter group: add one with group(regex, factor) or "
                        + "prefix(prefix, factor), or use the optimizer alone");
            }
            return new ParameterGroups(optimizer, groups);
        }
    }
}
