package org.quaterion.models.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The head builders: Quaterion's defaults, settings by name, and a missing required setting named in the error. */
class HeadBuilderTest {

    @Test
    void buildersStartFromQuaterionsDefaults() {
        Map<EncoderHead, EncoderHead> pairs = Map.of(
                LinearHead.builder().setInputSize(8).setOutputSize(4).build(), new LinearHead(8, 4),
                SkipConnectionHead.builder().setInputSize(8).build(), new SkipConnectionHead(8),
                WideningHead.builder().setInputSize(8).build(), new WideningHead(8),
                StackedProjectionHead.builder().setInputSize(8).setOutputSizes(List.of(6, 4)).build(),
                new StackedProjectionHead(8, List.of(6, 4)));
        pairs.forEach((built, constructed) -> assertEquals(constructed.config(), built.config()));
        assertEquals(0.25, SkipConnectionHead.builder().setInputSize(8).optSkipDropout(0.25).optNLayers(2).build()
                .config().get("skip_dropout").getAsDouble(), 0);
        assertEquals(12, SoftmaxEmbeddingsHead.builder().setInputSize(8).setOutputGroups(3).setOutputSizePerGroup(4)
                .build().outputSize());
        System.out.println("HeadBuilderTest: " + pairs.size() + " builders match their short constructors");
    }

    @Test
    void aMissingRequiredSettingIsNamed() {
        for (Runnable build : List.<Runnable>of(() -> LinearHead.builder().setInputSize(8).build(),
                () -> SkipConnectionHead.builder().build())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
            assertTrue(e.getMessage().contains("(set"), e.getMessage());
        }
    }
}
