/// SQL text helpers for the rare places where a name, not a value, goes into SQL.
public enum Postgres {
    /// Quotes an identifier (table, column, channel): `a"b` → `"a""b"`. Case is kept.
    public static func quoteIdentifier(_ name: String) -> String {
        var quoted = "\""
        for character in name {
            if character == "\"" { quoted.append("\"") }
            quoted.append(character)
        }
        return quoted + "\""
    }

    /// Quotes a schema-qualified name: `("s", "t")` → `"s"."t"`.
    public static func quoteIdentifier(schema: String, _ name: String) -> String {
        quoteIdentifier(schema) + "." + quoteIdentifier(name)
    }
}
