package org.quaterion.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a fit did. Epochs are numbered from 1, as everywhere a user reads them (progress lines, metrics.csv, the
 * report): epoch 3 is the third, and checkpoint {@code epoch-0003} holds the weights after it.
 *
 * @param epochs one {@link EpochResult} per completed epoch, including epochs before a resume
 * @param stepLosses the training loss of every step this call ran, in order
 * @param stoppedEarly whether a callback (early stopping or your own) stopped the run at the end of an epoch
 * @param lastCheckpoint the newest checkpoint written, or null
 * @param bestEpoch the number (from 1, the {@code epoch} column) of the epoch with the best monitored value, or 0
 *     when nothing is monitored
 * @param bestCheckpoint the checkpoint holding the best epoch's weights (never pruned), or null
 * @param restoredBest whether the model now holds the best epoch's weights ({@link RestoreBestWeights})
 * @param interrupted whether a stop request within an epoch ({@link TrainableModel#requestStop()}, or a callback's
 *     during a step) ended the run; the unfinished epoch is not in {@link #epochs()}
 */
public record FitResult(List<EpochResult> epochs, List<Double> stepLosses, boolean stoppedEarly,
        Path lastCheckpoint, int bestEpoch, Path bestCheckpoint, boolean restoredBest, boolean interrupted) {

    /**
     * The values of the best epoch.
     *
     * @return the best epoch's values ({@link EpochResult#values()}), or an empty map when nothing is monitored
     */
    public Map<String, Double> bestValues() {
        return bestEpoch < 1 || bestEpoch > epochs.size() ? Map.of() : epochs.get(bestEpoch - 1).values();
    }
}
