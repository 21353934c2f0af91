package org.quaterion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.distance.Distance;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.PNPLoss;
import org.quaterion.loss.RankedListLoss;

/** The histogram, ranking and signal-to-noise losses from a training YAML, by registry name and PML's spellings. */
class PmlRankYamlTest {

    @TempDir
    Path tmp;

    private TrainConfig read(String loss) throws Exception {
        Path file = tmp.resolve("train.yaml");
        Files.writeString(file, "model:\n  encoder: minilm-int8\nloss:\n" + loss + "data:\n  kind: groups\n"
                + "  train: groups.jsonl\ntrainer:\n  epochs: 1\noutput: out\n");
        return TrainConfig.read(file);
    }

    private GroupLoss loss(TrainConfig c) {
        return (GroupLoss) TrainConfig.REGISTRY.loss(c.loss(), c.lossSettings());
    }

    @Test
    void lossesAndTheSnrDistanceComeFromYaml() throws Exception {
        GroupLoss rll = loss(read("  name: ranked_list\n  margin: 0.4\n  tn: 3\n  tp: 2\n"));
        assertEquals(RankedListLoss.builder().setMargin(0.4).setTn(3).optTp(2).build().config(), rll.config());
        GroupLoss pnp = loss(read("  name: pnp\n  variant: Dq\n  alpha: 2\n"));
        assertEquals(PNPLoss.Variant.DQ, pnp.settings().get(PNPLoss.VARIANT));
        assertEquals(Distance.snr(), loss(read("  name: contrastive\n  distance: snr\n")).distance());
        assertEquals(Distance.snr().normalized(), loss(read("  name: snr_contrastive\n  neg_margin: 0.6\n"))
                .distance());
        for (String name : new String[] {"histogram", "instance", "threshold_consistent_margin"}) {
            assertEquals(name, read("  name: " + name + "\n").loss());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read("  name: ranked_list\n  margin: 0.4\n"));
        assertTrue(e.getMessage().contains("tn"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> read("  name: pnp\n  variant: Qq\n"));
        assertTrue(e.getMessage().contains("variant"), e.getMessage());
    }
}
