/** Optimizers with checkpointable state: Adam/AdamW and SGD, and learning-rate factors per parameter group. */
package org.quaterion.train.optim;
