package org.quaterion.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report a fit writes through its {@link HtmlReport} callback. */
class HtmlReportTest {

    @TempDir
    Path tmp;

    /**
     * A real fit's report (1 epoch, then 12 epochs with a loss falling over two decades) is well-formed XHTML, and
     * every chart has both axes and at least one drawn point (a one-epoch run included); the 12-epoch
     * losses get a log scale, the best epoch is marked and the epoch table folds the middle rows.
     */
    @Test
    void everyChartOfAFitHasAxesAndPoints() throws Exception {
        for (int epochs : new int[] {1, 12}) {
            Path out = tmp.resolve("fit-" + epochs);
            try (TrainingTest.Model model = new TrainingTest.Model(new org.quaterion.loss.TripletLoss(), null)) {
                Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(epochs).withProgressBar(false)
                        .withOutputDir(out).withoutCheckpoints().withEarlyStopping(new EarlyStopping(
                                "validation_loss", true, 100, 0)), new org.quaterion.dataset.GroupSimilarityDataLoader<>(
                                        TrainingTest.groups(20, 2), org.quaterion.dataset.LoaderOptions.batchSize(10)
                                                .withShuffle(3)), new org.quaterion.dataset.GroupSimilarityDataLoader<>(
                                        TrainingTest.groups(10, 3), org.quaterion.dataset.LoaderOptions.batchSize(40)));
            }
            org.w3c.dom.Document doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(out.resolve("report.html").toFile());
            org.w3c.dom.NodeList svgs = doc.getElementsByTagName("svg");
            int charts = 0;
            for (int i = 0; i < svgs.getLength(); i++) {
                org.w3c.dom.Element svg = (org.w3c.dom.Element) svgs.item(i);
                if (!svg.getAttribute("class").equals("chart")) {
                    continue;
                }
                charts++;
                List<String> groupsIn = new java.util.ArrayList<>();
                org.w3c.dom.NodeList gs = svg.getElementsByTagName("g");
                for (int j = 0; j < gs.getLength(); j++) {
                    groupsIn.add(((org.w3c.dom.Element) gs.item(j)).getAttribute("class"));
                }
                assertTrue(groupsIn.contains("axis x") && groupsIn.contains("axis y"), "axes: " + groupsIn);
                assertTrue(svg.getElementsByTagName("circle").getLength() >= 1, "a drawn point");
            }
            assertTrue(charts >= 1, "charts in the report");
            String html = Files.readString(out.resolve("report.html"));
            assertTrue(html.contains("epochs run") && html.contains("stopped by max epochs"), "the header");
            if (epochs == 12) {
                assertTrue(html.contains("<details><summary>all 12 epochs"), "folded epoch rows");
                assertTrue(html.contains("class=\"best\""), "the best epoch is marked");
            }
        }
    }
}
