package dev.stageway.spark;

import java.util.Map;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * {@code format("stageway")}: a read plans the connector's source on the driver, and each split
 * becomes one input partition; a write stages in each task and commits once on the driver.
 * Options: {@code connector}, an optional {@code run-id}, and the connector's properties.
 */
public final class StagewayDataSource implements TableProvider, DataSourceRegister {

    @Override
    public String shortName() {
        return "stageway";
    }

    /** A read's schema: the source's, from planning it. */
    @Override
    public StructType inferSchema(CaseInsensitiveStringMap options) {
        return StagewayScan.schema(StagewayOptions.of(options.asCaseSensitiveMap()));
    }

    /** A write's schema is the DataFrame's, given here rather than inferred. */
    @Override
    public boolean supportsExternalMetadata() {
        return true;
    }

    @Override
    public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
        return new StagewayTable(StagewayOptions.of(properties), schema);
    }
}
