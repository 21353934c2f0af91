package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.models.tensor.Scalars;

/**
 * Regularizers added to any loss, as pytorch-metric-learning's {@code embedding_regularizer} /
 * {@code embedding_reg_weight} and {@code weight_regularizer} / {@code weight_reg_weight}:
 * {@code loss + a · R_e(embeddings) + b · R_w(class weights)}, each R any {@link Regularizer} ({@link LpRegularizer},
 * {@link CenterInvariantRegularizer}, {@link RegularFaceRegularizer}, {@link SparseCentersRegularizer},
 * {@link ZeroMeanRegularizer}). The embedding term is taken on the batch's embeddings (not on a cross-batch memory);
 * the weight term on the rows of a {@link ClassWeightLoss}'s matrix (one per class, or per centre: ArcFace, CosFace,
 * proxies, SoftTriple's centres), and is refused for a loss without one.
 */
public final class RegularizedLoss {

    private RegularizedLoss() {}

    /**
     * What is added: each part may be absent.
     *
     * @param embeddings the embedding regularizer, or null
     * @param embeddingWeight its factor (PML's {@code embedding_reg_weight}), &gt;= 0
     * @param weights the class-weight regularizer, or null
     * @param weightWeight its factor (PML's {@code weight_reg_weight}), &gt;= 0
     */
    public record Terms(Regularizer embeddings, double embeddingWeight, Regularizer weights,
            double weightWeight) {

        /** Validates the factors. */
        public Terms {
            for (double w : new double[] {embeddingWeight, weightWeight}) {
                if (!(w >= 0) || Double.isInfinite(w)) {
                    throw new IllegalArgumentException("regularizer weights must be finite and >= 0, got " + w);
                }
            }
            if (embeddings == null && weights == null) {
                throw new IllegalArgumentException("give an embedding regularizer, a weight regularizer or both");
            }
        }

        /**
         * An embedding regularizer only.
         *
         * @param regularizer the regularizer
         * @param weight its factor
         * @return the terms
         */
        public static Terms embeddings(Regularizer regularizer, double weight) {
            return new Terms(regularizer, weight, null, 0);
        }

        /**
         * A class-weight regularizer only.
         *
         * @param regularizer the regularizer
         * @param weight its factor
         * @return the terms
         */
        public static Terms weights(Regularizer regularizer, double weight) {
            return new Terms(null, 0, regularizer, weight);
        }

        /** Adds the regularizers' settings to a loss's config. */
        JsonObject describe(JsonObject inner) {
            JsonObject json = inner.deepCopy();
            if (embeddings != null) {
                JsonObject e = Regularizers.write(embeddings);
                e.addProperty("weight", embeddingWeight);
                json.add("embedding_regularizer", e);
            }
            if (weights != null) {
                JsonObject w = Regularizers.write(weights);
                w.addProperty("weight", weightWeight);
                json.add("weight_regularizer", w);
            }
            return json;
        }
    }

    /**
     * Wraps a group loss.
     *
     * @param inner the loss
     * @param terms the regularizers
     * @return the regularized loss
     * @throws IllegalArgumentException when a weight regularizer is given for a loss without class weights, or
     *     does not fit its weight matrix
     */
    public static GroupLoss of(GroupLoss inner, Terms terms) {
        if (terms.weights() != null && !(inner instanceof ClassWeightLoss)) {
            throw new IllegalArgumentException(inner.getClass().getSimpleName() + " has no class weights to "
                    + "regularize; a weight regularizer needs ArcFace, CosFace, a proxy or centre loss (or drop it)");
        }
        if (terms.weights() != null) {
            terms.weights().checkWeightRows(((ClassWeightLoss) inner).weightRows(), inner.getClass().getSimpleName());
        }
        return new Regularization(terms).around(inner);
    }

    /**
     * Wraps a pair loss (embedding regularizer only: pair losses own no class weights).
     *
     * @param inner the loss
     * @param terms the regularizers
     * @return the regularized loss
     */
    public static PairwiseLoss of(PairwiseLoss inner, Terms terms) {
        if (terms.weights() != null) {
            throw new IllegalArgumentException(inner.getClass().getSimpleName() + " has no class weights to "
                    + "regularize; use an embedding regularizer only");
        }
        return new Regularization(terms).around(inner);
    }

    /** The regularizers as a wrapper. */
    private record Regularization(Terms terms) implements LossWrapper {

        /**
         * The wrapper's name.
         *
         * @return {@code "RegularizedLoss"}
         */
        @Override
        public String name() {
            return "RegularizedLoss";
        }

        /**
         * {@code inner + a · R_e(embeddings) + b · R_w(class weights)}.
         *
         * @param in the inputs
         * @param inner the regularized loss
         * @param <I> the inputs' type
         * @return the scalar loss
         */
        @Override
        public <I extends BaseLoss.Inputs<I>> NDArray value(I in, BaseLoss<I> inner) {
            NDArray out = inner.forward(in);
            if (terms.embeddings() != null) {
                out = out.add(Scalars.mul(terms.embeddings().compute(in.embeddings()), terms.embeddingWeight()));
            }
            if (terms.weights() != null) {
                out = out.add(Scalars.mul(terms.weights().compute(((ClassWeightLoss) inner).weights().getArray()),
                        terms.weightWeight()));
            }
            return out;
        }

        @Override
        public JsonObject config(JsonObject inner) {
            return terms.describe(inner);
        }
    }
}
