package dev.stageway.harness;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The bench command runs and reports each figure with its baseline; its numbers are read by people, not asserted. */
class BenchTest {
    @Test
    void quickBenchReportsEveryFigureAsJson() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Stageway.run(new String[] {"--plugin", "target/stageway-plugin.zip", "bench", "--quick", "--json"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        JsonNode figures = JsonMapper.builder().build().readTree(out.toString(StandardCharsets.UTF_8));
        List<String> names = new ArrayList<>();
        for (JsonNode f : figures) {
            names.add(f.path("figure").asString());
            for (String field : List.of("value", "baseline", "ratio")) {
                assertTrue(f.path(field).asDouble() > 0, f.toString());
            }
            assertFalse(f.path("unit").asString().isEmpty());
            double ratio = f.path("ratio").asDouble();
            assertTrue(f.path("spread").get(0).asDouble() <= ratio && ratio <= f.path("spread").get(1).asDouble(),
                    "the median ratio lies within the rounds' spread: " + f);
            assertFalse(f.path("target").asString().isEmpty());
        }
        assertEquals(Bench.FIGURES, names);
        assertEquals(1.0, figures.get(names.indexOf("sts-calls")).path("value").asDouble(), "a job shorter than one session makes one STS call");
    }
}
