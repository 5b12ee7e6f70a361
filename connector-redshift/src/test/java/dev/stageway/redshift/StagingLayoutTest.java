package dev.stageway.redshift;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What cleanup recognises is exactly what runs write: built from the same names, and nothing of a user's. */
class StagingLayoutTest {
    @Test
    void everyNameARunWritesBelongsToItsFolder() {
        String run = StagingLayout.runFolder("run 2026/11:28");
        assertEquals("run-2026-11-28/", run);
        String load = run + StagingLayout.loadFolder("0a1b2c3d");
        assertEquals(Optional.of(load), StagingLayout.folderOf(load + StagingLayout.MANIFEST));
        assertEquals(Optional.of(load), StagingLayout.folderOf(load + StagingLayout.taskFolder(12, 3) + StagingLayout.partFile(7)));
        // A Spark job's task 123456, attempt id 2147483646.
        assertEquals(Optional.of(load), StagingLayout.folderOf(load + StagingLayout.taskFolder(123_456, Integer.MAX_VALUE - 1)
                + StagingLayout.partFile(7)));
        assertTrue(StagingLayout.PART.matcher("s3://b/" + load + StagingLayout.taskFolder(123_456, 2) + StagingLayout.partFile(7)).find());
        String unload = run + StagingLayout.UNLOAD;
        assertEquals(Optional.of(unload), StagingLayout.folderOf(unload + "0001_part_00.gz"));
        assertEquals(Optional.of(unload), StagingLayout.folderOf(unload + "manifest"));
        String check = run + StagingLayout.CHECK;
        assertEquals(Optional.of(check), StagingLayout.folderOf(check + ".stageway-check-check-20261128-001122-333"));
        assertEquals(Optional.of(check), StagingLayout.folderOf(check + StagingLayout.DRY_RUN_FILE));
        assertEquals(Optional.of(check), StagingLayout.folderOf(check + StagingLayout.DRY_RUN_MANIFEST));
        assertTrue(StagingLayout.PART.matcher("s3://b/p/" + load + StagingLayout.taskFolder(12, 3) + StagingLayout.partFile(7)).find());
    }

    @Test
    void aUsersFilesUnderTheStagingPathAreNoRunsFiles() {
        for (String key : new String[] {"notes.txt", "mine/load/tables/x.csv", "mine/unload/report.csv", "mine/load/0a1b2c3d/data.csv",
                "mine/load/0a1b2c3d/t00001-a0/part-00001.csv", "a/b/load/0a1b2c3d/manifest.json", "mine/check/probe"}) {
            assertEquals(Optional.empty(), StagingLayout.folderOf(key), key);
        }
    }
}
