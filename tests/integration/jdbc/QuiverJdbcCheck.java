import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives Quiver through the Arrow Flight SQL JDBC driver, as a JDBC tool would: catalog
 * browsing through DatabaseMetaData, DDL and DML through executeUpdate, prepared statements
 * with parameters (one by one and batched), and a large result read row by row. Prints one
 * "ok ..." line per check; any failure throws, and the exit status is non-zero.
 *
 * <p>Usage: java -cp flight-sql-jdbc-driver.jar:. QuiverJdbcCheck host port rows
 */
public final class QuiverJdbcCheck {
  private static void check(boolean condition, String what) {
    if (!condition) throw new AssertionError("failed: " + what);
    System.out.println("ok " + what);
  }

  private static List<String> column(ResultSet rows, String name) throws SQLException {
    List<String> values = new ArrayList<>();
    while (rows.next()) values.add(rows.getString(name));
    rows.close();
    return values;
  }

  public static void main(String[] args) throws Exception {
    String url = "jdbc:arrow-flight-sql://" + args[0] + ":" + args[1] + "/?useEncryption=false";
    long bigRows = Long.parseLong(args[2]);
    try (Connection connection = DriverManager.getConnection(url)) {
      try (Statement statement = connection.createStatement()) {
        statement.executeUpdate("CREATE SCHEMA jdbc_shop");
        statement.executeUpdate(
            "CREATE TABLE jdbc_shop.items (id int PRIMARY KEY, name text NOT NULL, price numeric(10, 2))");
        int inserted = statement.executeUpdate(
            "INSERT INTO jdbc_shop.items VALUES (1, 'apple', 1.25), (2, 'pear', 2.50)");
        check(inserted == 2, "executeUpdate reports 2 rows inserted");
      }

      DatabaseMetaData meta = connection.getMetaData();
      check(column(meta.getCatalogs(), "TABLE_CAT").contains("quiver"), "getCatalogs lists quiver");
      List<String> schemas = column(meta.getSchemas(), "TABLE_SCHEM");
      check(schemas.contains("public") && schemas.contains("jdbc_shop"), "getSchemas lists public and jdbc_shop");
      check(column(meta.getTables(null, "jdbc_shop", "%", null), "TABLE_NAME").contains("items"),
          "getTables finds jdbc_shop.items");
      List<String> columns = column(meta.getColumns(null, "jdbc_shop", "items", "%"), "COLUMN_NAME");
      check(columns.equals(List.of("id", "name", "price")), "getColumns gives id, name, price in order");
      List<String> keys = column(meta.getPrimaryKeys(null, "jdbc_shop", "items"), "COLUMN_NAME");
      check(keys.equals(List.of("id")), "getPrimaryKeys gives id");

      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO jdbc_shop.items VALUES (?, ?, ?)")) {
        insert.setInt(1, 3);
        insert.setString(2, "fig");
        insert.setBigDecimal(3, new java.math.BigDecimal("0.75"));
        check(insert.executeUpdate() == 1, "prepared INSERT with parameters adds one row");
        for (int id = 10; id < 15; id++) {
          insert.setInt(1, id);
          insert.setString(2, "batch " + id);
          insert.setBigDecimal(3, new java.math.BigDecimal(id).setScale(2));  // the parameter is numeric(10, 2)
          insert.addBatch();
        }
        int[] counts = insert.executeBatch();
        // The driver sends the batch's rows in one request and reports their total.
        check(java.util.Arrays.stream(counts).sum() == 5, "executeBatch inserts five parameter rows");
      }

      try (PreparedStatement query =
          connection.prepareStatement("SELECT name, price FROM jdbc_shop.items WHERE id = ?")) {
        query.setInt(1, 3);
        try (ResultSet rows = query.executeQuery()) {
          check(rows.next() && rows.getString(1).equals("fig"), "prepared SELECT with a parameter finds fig");
          check(rows.getBigDecimal(2).compareTo(new java.math.BigDecimal("0.75")) == 0, "its price is 0.75");
          check(!rows.next(), "and only that row");
        }
      }

      try (Statement statement = connection.createStatement()) {
        int updated = statement.executeUpdate("UPDATE jdbc_shop.items SET price = price * 2 WHERE id >= 10");
        check(updated == 5, "executeUpdate reports 5 rows updated");
        int deleted = statement.executeUpdate("DELETE FROM jdbc_shop.items WHERE id = 2");
        check(deleted == 1, "executeUpdate reports 1 row deleted");
        try (ResultSet rows = statement.executeQuery("SELECT count(*), sum(price) FROM jdbc_shop.items")) {
          check(rows.next() && rows.getLong(1) == 7, "seven rows remain");
        }

        long count = 0;
        long sum = 0;
        try (ResultSet rows = statement.executeQuery(
            "SELECT g, g * 2 AS twice FROM generate_series(1, " + bigRows + ") AS g")) {
          while (rows.next()) {
            count++;
            sum += rows.getLong(2);
          }
        }
        check(count == bigRows && sum == bigRows * (bigRows + 1), "a result of " + bigRows + " rows reads whole");
      }
    }
  }
}
