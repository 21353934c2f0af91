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
 * @param stoppedEarly whether early stopping ended the run
 * @param lastCheckpoint the newest checkpoint written, or null
 * @param bestEpoch the number (from 1, the {@code epoch} column) of the epoch with the best monitored value, or 0
 *     without early stopping
 * @param bestCheckpoint the checkpoint holding the best epoch's weights (never pruned), or null
 * @param restoredBest whether the model now holds the best epoch's weights ({@link TrainerConfig#restoresBest()})
 * @param interrupted whether {@link TrainableModel#requestStop()} ended the run early (the last epoch in
 *     {@link #epochs()} is the last completed one)
 */
public record FitResult(List<EpochResult> epochs, List<Double> stepLosses, boolean stoppedEarly,
        Path lastCheckpoint, int bestEpoch, Path bestCheckpoint, boolean restoredBest, boolean interrupted) {

    /**
     * The values of the best epoch.
     *
     * @return the best epoch's values ({@link EpochResult#values()}), or an empty map without early stopping
     */
    public Map<String, Double> bestValues() {
        return bestEpoch < 1 || bestEpoch > epochs.size() ? Map.of() : epochs.get(bestEpoch - 1).values();
    }
}
