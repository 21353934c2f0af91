package org.quaterion.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One GradCache training step (Gao et al. 2021, "Scaling deep contrastive learning batch size under memory limited
 * setup"): embed the batch in mini-batches without a graph, take the loss and its gradient with respect to the
 * embeddings once, then run each mini-batch again with a graph and back-propagate {@code Σ e · ∂L/∂e} — the same
 * parameter gradients as the full batch, with the activation memory of one mini-batch. Each mini-batch re-seeds
 * libtorch's generator identically in both passes, so dropout masks are replayed.
 */
final class GradCache {

    private GradCache() {}

    /**
     * Runs the step; parameter (and loss-parameter) gradients are accumulated, not applied.
     *
     * @param records the batch's records, in row order
     * @param miniBatch records per forward pass with a graph
     * @param seed the step's seed (each mini-batch uses {@code seed + index})
     * @param forward the model's training-mode forward pass of some records
     * @param lossOf the batch loss of all embeddings
     * @param check inspects the loss before its backward pass (e.g. refuses a non-finite one)
     * @param <T> the record type
     * @return the embeddings and the loss
     */
    static <T> StepStrategy.Result step(List<T> records, int miniBatch, long seed, Function<List<T>, NDArray> forward,
            Function<NDArray, NDArray> lossOf, Consumer<NDArray> check) {
        int n = records.size();
        NDList parts = new NDList();
        for (int start = 0, c = 0; start < n; start += miniBatch, c++) {
            Engine.getInstance().setRandomSeed((int) (seed + c));
            try (NDScope scope = new NDScope()) { // only the output outlives the mini-batch (no graph: grad mode off)
                NDArray out = forward.apply(records.subList(start, Math.min(n, start + miniBatch)));
                NDScope.unregister(out);
                parts.add(out);
            }
        }
        NDArray all = parts.size() == 1 ? parts.head() : NDArrays.concat(parts, 0);
        all.setRequiresGradient(true);
        NDArray loss;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            loss = lossOf.apply(all);
            check.accept(loss);
            collector.backward(loss);
        }
        NDArray grad = all.getGradient();
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            for (int start = 0, c = 0; start < n; start += miniBatch, c++) {
                int end = Math.min(n, start + miniBatch);
                Engine.getInstance().setRandomSeed((int) (seed + c));
                try (NDScope scope = new NDScope()) { // the mini-batch's activations are freed after its backward
                    NDArray e = forward.apply(records.subList(start, end));
                    collector.backward(e.mul(grad.get(start + ":" + end).stopGradient()).sum());
                }
            }
        }
        return new StepStrategy.Result(all.stopGradient(), loss);
    }
}
