package org.quaterion.examples.service;

import org.quaterion.models.SimilarityModel;
import org.quaterion.models.heads.NormalizeHead;
import org.quaterion.onnx.MiniLm;

/** The servable the service tests serve: pretrained MiniLM (int8 ONNX) with a normalising head. */
public final class MiniLmServables {

    private MiniLmServables() {}

    /**
     * A new MiniLM text model whose vectors have unit length (cosine = dot product).
     *
     * @return the model; the caller closes it
     */
    public static SimilarityModel<String> normalizedInt8() {
        return SimilarityModel.<String>builder().addEncoder("text", MiniLm.int8()).setHead(new NormalizeHead(MiniLm.DIM))
                .build();
    }
}
