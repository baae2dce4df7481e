namespace TriageBot.Storage;

/// <summary>Settings of <see cref="SqliteStorage"/> (configuration section <c>Storage</c>).</summary>
public class SqliteStorageOptions
{
    /// <summary>Database file; relative paths are relative to the working directory. Its folder is created.</summary>
    public string DatabasePath { get; set; } = "data/triagebot.db";
}
