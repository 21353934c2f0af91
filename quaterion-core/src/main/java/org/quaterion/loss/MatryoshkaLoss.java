package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Arrays;
import org.quaterion.models.tensor.Scalars;

/**
 * Matryoshka representation learning (sentence-transformers' {@code MatryoshkaLoss}): any loss applied to the first
 * {@code d₀ > d₁ > …} dimensions of the same embeddings, weighted and summed, so that a prefix of the vector is a
 * usable embedding on its own. Mined tuples and a cross-batch memory are passed to every level unchanged (they are
 * mined once, on the full vectors). Serve a prefix with {@code SimilarityModel.encode(records, batch, dims,
 * normalize)}; evaluate every level with {@code Evaluator.evaluate(dataset, model, dims...)}.
 */
public final class MatryoshkaLoss {

    private MatryoshkaLoss() {}

    /**
     * Wraps a group loss.
     *
     * @param inner the loss applied at every level; not a class-weight loss (its weights are sized for the full
     *     dimension)
     * @param dims the prefix sizes, strictly decreasing, each at least 1 (the first is usually the full size)
     * @param weights one positive weight per level, or null for 1 each (sentence-transformers' default)
     * @return the wrapped loss
     */
    public static GroupLoss of(GroupLoss inner, int[] dims, double[] weights) {
        if (inner instanceof ClassWeightLoss) {
            throw new IllegalArgumentException(inner.getClass().getSimpleName() + " compares embeddings with class "
                    + "weights of the full dimension, so it cannot run on prefixes; use a pair or triplet loss inside "
                    + "MatryoshkaLoss");
        }
        return Levels.of(dims, weights).around(inner);
    }

    /**
     * Wraps a pair loss (e.g. {@code MultipleNegativesRankingLoss}).
     *
     * @param inner the loss applied at every level
     * @param dims the prefix sizes, strictly decreasing, each at least 1
     * @param weights one positive weight per level, or null for 1 each
     * @return the wrapped loss
     */
    public static PairwiseLoss of(PairwiseLoss inner, int[] dims, double[] weights) {
        return Levels.of(dims, weights).around(inner);
    }

    /**
     * The sizes {@code full, full/2, full/4, …}, {@code count} of them (sentence-transformers' usual choice).
     *
     * @param full the full embedding size
     * @param count how many levels, at least 1, with {@code full >> (count − 1) ≥ 1}
     * @return the sizes, decreasing
     */
    public static int[] halvings(int full, int count) {
        if (count < 1 || (full >> (count - 1)) < 1) {
            throw new IllegalArgumentException("cannot halve " + full + " dimensions " + (count - 1) + " times");
        }
        int[] dims = new int[count];
        for (int i = 0; i < count; i++) {
            dims[i] = full >> i;
        }
        return dims;
    }

    /** The levels, prefix sizes and their weights: the wrapper's value is the weighted sum over them. */
    private record Levels(int[] dims, double[] weights) implements LossWrapper {

        static Levels of(int[] dims, double[] weights) {
            if (dims == null || dims.length == 0) {
                throw new IllegalArgumentException("MatryoshkaLoss needs at least one dimension");
            }
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] < 1 || (i > 0 && dims[i] >= dims[i - 1])) {
                    throw new IllegalArgumentException("MatryoshkaLoss dims must be >= 1 and strictly decreasing, got "
                            + Arrays.toString(dims));
                }
            }
            double[] w = weights == null ? filled(dims.length) : weights.clone();
            if (w.length != dims.length) {
                throw new IllegalArgumentException("MatryoshkaLoss has " + dims.length + " dims and " + w.length
                        + " weights: give one weight per dimension");
            }
            for (double v : w) {
                if (!(v > 0) || Double.isInfinite(v)) {
                    throw new IllegalArgumentException("MatryoshkaLoss weights must be finite and > 0, got "
                            + Arrays.toString(w));
                }
            }
            return new Levels(dims.clone(), w);
        }

        private static double[] filled(int n) {
            double[] w = new double[n];
            Arrays.fill(w, 1.0);
            return w;
        }

        @Override
        public String name() {
            return "MatryoshkaLoss";
        }

        /** The first {@code dims[level]} columns (the array itself at full size), checked against the input. */
        private NDArray prefix(NDArray embeddings, int level) {
            long d = embeddings.getShape().get(1);
            if (dims[0] > d) {
                throw new IllegalArgumentException("MatryoshkaLoss: dims start at " + dims[0] + " but the "
                        + "embeddings have " + d + " dimensions; make dims[0] <= " + d);
            }
            return dims[level] == d ? embeddings : embeddings.get(new NDIndex(":, 0:{}", dims[level]));
        }

        /** {@code Σ weights[i] · inner(prefix_i(inputs))} over the levels. */
        @Override
        public <I extends BaseLoss.Inputs<I>> NDArray value(I in, BaseLoss<I> inner) {
            NDArray total = null;
            for (int i = 0; i < dims.length; i++) {
                int level = i;
                NDArray value = inner.forward(in.mapEmbeddings(e -> prefix(e, level)));
                NDArray weighted = weights[i] == 1.0 ? value : Scalars.mul(value, weights[i]);
                total = total == null ? weighted : total.add(weighted);
            }
            return total;
        }

        @Override
        public JsonObject config(JsonObject inner) {
            JsonObject json = new JsonObject();
            JsonArray d = new JsonArray();
            JsonArray w = new JsonArray();
            for (int i = 0; i < dims.length; i++) {
                d.add(dims[i]);
                w.add(weights[i]);
            }
            json.add("dims", d);
            json.add("weights", w);
            json.add("inner", inner);
            return json;
        }
    }
}
