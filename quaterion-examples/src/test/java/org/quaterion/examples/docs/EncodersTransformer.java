package org.quaterion.examples.docs;

import java.nio.file.Path;
import org.quaterion.onnx.E5Small;
import org.quaterion.onnx.MiniLm;
import org.quaterion.onnx.TrainableTransformer;
import org.quaterion.onnx.transformer.LoraConfig;
import org.quaterion.onnx.transformer.LoraConfig.Target;
import org.quaterion.onnx.transformer.Pooling;

/** docs/encoders.md, fine-tuning transformers. */
final class EncodersTransformer {

    private EncodersTransformer() {}

    static TrainableTransformer[] encoders() {
        // snippet-start
        // any BERT-family Hugging Face directory: config.json, tokenizer.json, model.safetensors or pytorch_model.bin
        // (a sentence-transformers directory also gives its pooling, normalisation and length)
        TrainableTransformer bge = TrainableTransformer.fromHuggingFace(Path.of("models/bge-small-en-v1.5"))
                .pooling(Pooling.CLS).normalize(true).maxLength(256)
                .freezeLowestLayers(4) // the embeddings and layers 0-3 stay fixed
                .build();

        // the bundled all-MiniLM-L6-v2 (fp32) and e5-small-v2 (int8, dequantised), here with LoRA adapters only
        TrainableTransformer miniLm = MiniLm.trainable().maxLength(64)
                .lora(LoraConfig.of(8).withTargets(Target.QUERY, Target.KEY, Target.VALUE,
                        Target.ATTENTION_OUTPUT, Target.INTERMEDIATE, Target.OUTPUT))
                .build();
        TrainableTransformer e5 = E5Small.trainable().build();
        // snippet-end
        return new TrainableTransformer[] {bge, miniLm, e5};
    }
}
