package org.quaterion.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.loss.pair.PairContrastiveLoss;
import org.quaterion.reducer.SumReducer;

/**
 * The builders: they start from the same reference defaults as the zero-argument constructors, name every setting
 * (the two margins of ContrastiveLoss and LiftedStructureLoss cannot be swapped by position), and refuse a distance
 * or reducer that the loss has no use for.
 */
class LossBuilderTest {

    @Test
    void buildersStartFromTheReferenceDefaults() {
        Map<SimilarityLoss, SimilarityLoss> pairs = Map.of(
                ContrastiveLoss.builder().build(), new ContrastiveLoss(),
                LiftedStructureLoss.builder().build(), new LiftedStructureLoss(),
                CircleLoss.builder().build(), new CircleLoss(),
                MultiSimilarityLoss.builder().build(), new MultiSimilarityLoss(),
                MarginLoss.builder().build(), new MarginLoss(),
                TripletLoss.builder().build(), new TripletLoss(),
                TripletMarginLoss.builder().build(), new TripletMarginLoss(),
                OnlineContrastiveLoss.builder().build(), new OnlineContrastiveLoss(),
                MultipleNegativesRankingLoss.builder().build(), new MultipleNegativesRankingLoss(),
                PairContrastiveLoss.builder().build(), new PairContrastiveLoss());
        pairs.forEach((built, constructed) -> assertEquals(constructed.config(), built.config()));
        System.out.println("LossBuilderTest: " + pairs.size() + " builders match their default constructors");
    }

    @Test
    void settingsAreNamedNotPositional() {
        JsonObject contrastive = ContrastiveLoss.builder().optNegMargin(0.7).optPosMargin(0.1).build().config();
        JsonObject lifted = LiftedStructureLoss.builder().optPosMargin(0.1).optNegMargin(0.7).build().config();
        for (JsonObject c : List.of(contrastive, lifted)) {
            assertEquals(0.1, c.get("pos_margin").getAsDouble(), 0);
            assertEquals(0.7, c.get("neg_margin").getAsDouble(), 0);
        }
        assertEquals(Math.toRadians(28.6), ArcFaceLoss.builder().setNumClasses(3).setEmbeddingSize(4)
                .optMarginDegrees(28.6).build().config().get("margin").getAsDouble(), 1e-15);
    }

    @Test
    void settingsALossCannotUseAreRefused() {
        List<Supplier<SimilarityLoss>> refused = List.of(
                () -> TripletLoss.builder().optReducer(new SumReducer()).build(),
                () -> OnlineContrastiveLoss.builder().optReducer(new SumReducer()).build(),
                () -> ArcFaceLoss.builder().setNumClasses(3).setEmbeddingSize(4).optDistance(Distance.cosine())
                        .build());
        for (Supplier<SimilarityLoss> build : refused) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get);
            assertTrue(e.getMessage().contains("remove opt"), e.getMessage());
        }
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> SoftmaxLoss.builder().setEmbeddingSize(4).build());
        assertTrue(missing.getMessage().contains("setNumClasses"), missing.getMessage());
        // what a loss does use is kept
        assertEquals("sum", ContrastiveLoss.builder().optReducer(new SumReducer()).build().reducer().name());
        assertEquals("sum", MultipleNegativesRankingLoss.builder().optReducer(new SumReducer()).build().reducer()
                .name());
        assertEquals(Distance.cosine().config(), TripletLoss.builder().optDistance(Distance.cosine()).build()
                .distance().config());
    }
}
