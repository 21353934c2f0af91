/** Encoders: turn raw records into embeddings (DJL blocks, TorchScript modules, routing between encoders). */
package org.quaterion.models.encoders;
