/**
 * Export of a servable to one ONNX graph plus its {@code tokenizer.json}, for ONNX Runtime in any language and for
 * LangChain4j's {@code OnnxEmbeddingModel}: {@link org.quaterion.onnx.export.OnnxExport}.
 */
package org.quaterion.onnx.export;
