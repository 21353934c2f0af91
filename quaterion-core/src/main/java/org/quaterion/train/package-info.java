/**
 * Training: {@link org.quaterion.train.TrainableModel} hooks, {@link org.quaterion.train.Quaterion#fit} with
 * validation, early stopping, learning-rate schedules, gradient clipping, checkpoints and exact resume, and
 * cross-batch memory.
 */
package org.quaterion.train;
