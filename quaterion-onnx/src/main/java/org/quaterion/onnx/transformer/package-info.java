/**
 * BERT-family transformer encoders written with DJL operations, so that they fine-tune on libtorch: their
 * configuration, weight readers (Hugging Face directories, ONNX exports) and adapters.
 */
package org.quaterion.onnx.transformer;
