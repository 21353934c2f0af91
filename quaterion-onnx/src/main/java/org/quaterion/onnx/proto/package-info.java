/**
 * Internal, not API: the ONNX model classes generated at build time from ONNX's own {@code onnx.proto} (class
 * {@code Onnx}), and {@link org.quaterion.onnx.proto.OnnxFiles}, which reads and writes them. Other modules must not
 * use this package; its classes change with the ONNX and protobuf versions this module is built with.
 */
package org.quaterion.onnx.proto;
