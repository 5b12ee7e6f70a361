package dev.stageway.spi;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectorsTest {
    @Test
    void findsConnectorsThroughServiceLoaderAndValidatesWithTheirTables() {
        Map<String, ConnectorFactory> found = Connectors.load(getClass().getClassLoader());
        ConnectorFactory f = found.get("listing-only");
        assertNotNull(f, found.toString());
        assertEquals(List.of("listing.endpoint: is required: Where to list.",
                        "listing.limit: must be a whole number from 1 to 1000, was 0"),
                f.validateSource(Map.of(), Map.of("listing.limit", "0")).stream().map(Object::toString).toList());
    }

    @Test
    void schemaAndTypesRejectWhatRedshiftCannotHold() {
        assertEquals("Cannot make DECIMAL(39,2): precision must be 1 to 38 and scale 0 to precision",
                assertThrows(IllegalArgumentException.class, () -> ColumnType.decimal(39, 2)).getMessage());
        assertEquals("Cannot make a schema with two columns named ID",
                assertThrows(IllegalArgumentException.class, () -> Schema.of(Column.of("id", ColumnType.string()),
                        Column.of("ID", ColumnType.string()))).getMessage());
        assertEquals(1, Schema.of(Column.of("a", ColumnType.string()), Column.of("B", ColumnType.decimal(10, 2))).indexOf("b"));
    }
}
