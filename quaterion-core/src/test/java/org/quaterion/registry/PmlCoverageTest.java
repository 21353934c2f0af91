package org.quaterion.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.loss.Regularizer;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.miner.Miner;
import org.quaterion.reducer.Reducer;

/**
 * The "All of pytorch-metric-learning 2.8.1" table of docs/losses.md lists exactly the names PML 2.8.1 exports, and
 * every registry name it gives builds in the registry; every class it names exists.
 */
class PmlCoverageTest {

    private static final Path DOC = Objects.requireNonNull(Path.of("").toAbsolutePath().getParent(),
            "the tests run in a module directory below the repository root").resolve("docs/losses.md");

    /** PML 2.8.1's exports per kind, from its {@code __init__.py} files (bases and mixins left out). */
    private static final Map<String, List<String>> PML = Map.of(
            "losses", List.of("AngularLoss", "ArcFaceLoss", "CircleLoss", "ContrastiveLoss", "CosFaceLoss",
                    "CrossBatchMemory", "DynamicSoftMarginLoss", "FastAPLoss", "GeneralizedLiftedStructureLoss",
                    "HistogramLoss", "InstanceLoss", "IntraPairVarianceLoss", "LargeMarginSoftmaxLoss",
                    "LiftedStructureLoss", "ManifoldLoss", "MarginLoss", "MultiSimilarityLoss", "MultipleLosses",
                    "NCALoss", "NPairsLoss", "NTXentLoss", "NormalizedSoftmaxLoss", "P2SGradLoss", "PNPLoss",
                    "ProxyAnchorLoss", "ProxyNCALoss", "RankedListLoss", "SelfSupervisedLoss",
                    "SignalToNoiseRatioContrastiveLoss", "SoftTripleLoss", "SphereFaceLoss", "SubCenterArcFaceLoss",
                    "SupConLoss", "ThresholdConsistentMarginLoss", "TripletMarginLoss", "TupletMarginLoss",
                    "VICRegLoss"),
            "miners", List.of("AngularMiner", "BatchEasyHardMiner", "BatchHardMiner", "DistanceWeightedMiner",
                    "EmbeddingsAlreadyPackagedAsTriplets", "HDCMiner", "MultiSimilarityMiner", "PairMarginMiner",
                    "TripletMarginMiner", "UniformHistogramMiner"),
            "reducers", List.of("AvgNonZeroReducer", "ClassWeightedReducer", "DivisorReducer", "DoNothingReducer",
                    "MeanReducer", "MultipleReducers", "PerAnchorReducer", "SumReducer", "ThresholdReducer"),
            "distances", List.of("BatchedDistance", "CosineSimilarity", "DotProductSimilarity", "LpDistance",
                    "SNRDistance"),
            "regularizers", List.of("CenterInvariantRegularizer", "LpRegularizer", "RegularFaceRegularizer",
                    "SparseCentersRegularizer", "ZeroMeanRegularizer"));

    private static final Map<String, Class<?>> KINDS = Map.of("losses", SimilarityLoss.class, "miners", Miner.class,
            "reducers", Reducer.class, "distances", Distance.class, "regularizers", Regularizer.class);

    private static final List<String> PACKAGES = List.of("org.quaterion.loss.", "org.quaterion.loss.pair.",
            "org.quaterion.miner.", "org.quaterion.reducer.", "org.quaterion.distance.");

    private static final Pattern ROW = Pattern.compile(
            "^\\| (\\w+) \\| `(\\w+)` \\| (.+) \\| (?:`(\\w+)`|—) \\|$");
    private static final Pattern CLASS = Pattern.compile("^`([A-Z]\\w+)`");

    @Test
    void theTableNamesAllOfPmlAndEveryNameBuilds() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int begin = doc.indexOf("<!-- pml-coverage");
        int end = doc.indexOf("<!-- /pml-coverage -->");
        assertTrue(begin >= 0 && end > begin, "docs/losses.md needs the pml-coverage block");
        ComponentRegistry registry = ComponentRegistry.discover();
        Map<String, TreeSet<String>> listed = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        int rows = 0;
        for (String line : doc.substring(begin, end).split("\n")) {
            Matcher m = ROW.matcher(line);
            if (!m.matches() || m.group(1).equals("kind")) {
                continue;
            }
            rows++;
            String kind = m.group(1);
            listed.computeIfAbsent(kind, k -> new TreeSet<>()).add(m.group(2));
            Class<?> type = KINDS.get(kind);
            if (type == null) {
                problems.add("unknown kind " + kind);
                continue;
            }
            String name = m.group(4);
            if (name != null && !registry.names(type).contains(name)) {
                problems.add(m.group(2) + ": registry has no " + kind + " named " + name);
            }
            Matcher c = CLASS.matcher(m.group(3));
            if (c.find() && !exists(c.group(1))) {
                problems.add(m.group(2) + ": no class " + c.group(1) + " in " + PACKAGES);
            }
        }
        Map<String, TreeSet<String>> expected = new TreeMap<>();
        PML.forEach((k, v) -> expected.put(k, new TreeSet<>(v)));
        assertEquals(expected, listed, "the table must list PML 2.8.1's exports, each once");
        assertEquals(List.of(), problems);
        System.out.println("PmlCoverageTest: " + rows + " PML 2.8.1 components, each with a counterpart");
    }

    private static boolean exists(String simpleName) {
        for (String pkg : PACKAGES) {
            try {
                Class.forName(pkg + simpleName);
                return true;
            } catch (ClassNotFoundException e) {
                // try the next package
            }
        }
        return false;
    }
}
