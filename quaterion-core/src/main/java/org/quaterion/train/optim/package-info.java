/** Optimizers with checkpointable state: Adam/AdamW and SGD. */
package org.quaterion.train.optim;
