package org.quaterion.examples.callbacks;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.quaterion.state.ComponentState;
import org.quaterion.state.Stateful;
import org.quaterion.train.Callback;
import org.quaterion.train.TrainingContext;

/**
 * A user callback: appends {@code epoch,step,train_loss,learning_rate,seconds} to a CSV file of its own after every
 * epoch, and stops the run once it has trained for a wall-clock budget. The training time spent so far is its
 * checkpointed state, so a resumed run keeps counting against the same budget.
 */
public final class BudgetCsvLogger implements Callback, Stateful {

    private final Path file;
    private final long budgetNanos;
    private final LongSupplier clock;
    private long spentBefore;
    private long fitStart;

    /**
     * A logger with a budget.
     *
     * @param file the CSV file (created with a header when missing)
     * @param budget the training time after which the run stops
     */
    public BudgetCsvLogger(Path file, Duration budget) {
        this(file, budget, System::nanoTime);
    }

    /**
     * A logger with a budget and its own clock.
     *
     * @param file the CSV file
     * @param budget the training time after which the run stops
     * @param clock nanoseconds, monotonic
     */
    public BudgetCsvLogger(Path file, Duration budget, LongSupplier clock) {
        if (file == null || budget == null || budget.isNegative() || clock == null) {
            throw new IllegalArgumentException("the logger needs a file, a budget >= 0 and a clock");
        }
        this.file = file;
        this.budgetNanos = budget.toNanos();
        this.clock = clock;
    }

    /**
     * Training time spent against the budget, resumed runs included.
     *
     * @return the time
     */
    public Duration spent() {
        return Duration.ofNanos(spentBefore + (fitStart == 0 ? 0 : clock.getAsLong() - fitStart));
    }

    @Override
    public void onFitStart(TrainingContext context) {
        fitStart = clock.getAsLong();
    }

    @Override
    public void onTrainBatchEnd(TrainingContext context, BatchEnd batch) {
        if (spent().toNanos() >= budgetNanos) {
            context.requestStop("the wall-clock budget of " + Duration.ofNanos(budgetNanos) + " is spent");
        }
    }

    @Override
    public void onEpochEnd(TrainingContext context, Map<String, Double> row) {
        String line = String.format(Locale.ROOT, "%d,%d,%.6f,%.6g,%.3f%n", context.epoch(), context.globalStep(),
                row.get("train_loss"), context.learningRate(), spent().toNanos() / 1e9);
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, "epoch,step,train_loss,learning_rate,seconds\n", StandardCharsets.UTF_8);
            }
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    @Override
    public ComponentState saveState(NDManager manager) {
        JsonObject values = new JsonObject();
        values.addProperty("spent_nanos", spent().toNanos());
        return ComponentState.of(values);
    }

    @Override
    public void loadState(ComponentState state) {
        spentBefore = state.values().get("spent_nanos").getAsLong();
        fitStart = clock.getAsLong();
    }

    @Override
    public void close() {
        spentBefore = spent().toNanos();
        fitStart = 0;
    }
}
