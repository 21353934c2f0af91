/** Pretrained ONNX sentence encoders: a generic ONNX + tokenizer encoder and all-MiniLM-L6-v2. */
package org.quaterion.onnx;
