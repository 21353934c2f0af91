package org.quaterion.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How a training step turns a batch into gradients: at once (a forward pass with a graph, the loss, its backward
 * pass) or with GradCache's two passes over mini-batches. Gradients are accumulated, not applied.
 */
interface StepStrategy {

    /**
     * The step's results.
     *
     * @param embeddings the batch's embeddings
     * @param loss the loss value
     */
    record Result(NDArray embeddings, NDArray loss) {}

    /**
     * Runs the step.
     *
     * @param records the batch's records (null when every encoder is cached)
     * @param seed the step's seed
     * @param forwardAll the batch's training-mode forward pass
     * @param forward the training-mode forward pass of some records
     * @param lossOf the batch loss of the embeddings
     * @param check inspects the loss before its backward pass
     * @param <T> the record type
     * @return the embeddings and the loss
     */
    <T> Result step(List<T> records, long seed, Supplier<NDArray> forwardAll, Function<List<T>, NDArray> forward,
            Function<NDArray, NDArray> lossOf, Consumer<NDArray> check);

    /**
     * The strategy of a config.
     *
     * @param config the trainer settings
     * @return plain steps, or GradCache when configured
     */
    static StepStrategy of(TrainerConfig config) {
        StepStrategy plain = StepStrategy::plain;
        if (config.gradCacheBatch().isEmpty()) {
            return plain;
        }
        int miniBatch = config.gradCacheBatch().getAsInt();
        return new StepStrategy() {
            @Override
            public <T> Result step(List<T> records, long seed, Supplier<NDArray> forwardAll,
                    Function<List<T>, NDArray> forward, Function<NDArray, NDArray> lossOf, Consumer<NDArray> check) {
                return records != null && records.size() > miniBatch
                        ? GradCache.step(records, miniBatch, seed, forward, lossOf, check)
                        : plain.step(records, seed, forwardAll, forward, lossOf, check);
            }
        };
    }

    private static <T> Result plain(List<T> records, long seed, Supplier<NDArray> forwardAll,
            Function<List<T>, NDArray> forward, Function<NDArray, NDArray> lossOf, Consumer<NDArray> check) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray embeddings = forwardAll.get();
            NDArray loss = lossOf.apply(embeddings);
            check.accept(loss);
            collector.backward(loss);
            return new Result(embeddings, loss);
        }
    }
}
